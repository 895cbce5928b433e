-- Schema v9: a video's search words from its values, so a write that has them at hand sets `search` with the row.
-- An import inserting a new video knows its title, channel and latest summaries before it writes them; updating the
-- row afterwards wrote every video twice (a second version of the row and of each of its index entries).
CREATE FUNCTION ytv2_search_words(title text, channel_name text, summaries text) RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
    SELECT to_tsvector('simple', title || ' ' || coalesce(channel_name, ''))
        || coalesce(to_tsvector('simple', summaries), ''::tsvector)
$$;

-- The same words from the stored row. The latest summaries are joined in bytewise variant order, an order a writer
-- outside the database can reproduce whatever the database's collation.
CREATE OR REPLACE FUNCTION ytv2_search_document(p_video_id text) RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT ytv2_search_words(v.title, v.channel_name,
        (SELECT string_agg(s.text, ' ' ORDER BY s.variant COLLATE "C")
         FROM summaries s WHERE s.video_id = p_video_id AND s.is_latest))
    FROM videos v WHERE v.video_id = p_video_id
$$;
