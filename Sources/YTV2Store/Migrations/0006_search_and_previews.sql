-- Schema v6: search and list pages at real sizes (summaries of 3.7 KB on average).
--
-- Search by words instead of substrings. `search` holds the words of a video's title, channel and latest summaries
-- (PostgreSQL's 'simple' configuration: lower-cased, no stemming, no stop words), written by the store whenever one of
-- them changes (ytv2_search_document). `q` finds the videos holding every word of the query as a word or the start of
-- one (ytv2_search_query). A GIN index over `search` answers that exactly: no row is read to recheck a match, and a
-- count over all-visible pages reads no row at all. The trigram indexes it replaces rechecked every candidate's text.
ALTER TABLE videos ADD COLUMN search tsvector NOT NULL DEFAULT ''::tsvector;

CREATE FUNCTION ytv2_search_document(p_video_id text) RETURNS tsvector LANGUAGE sql STABLE AS $$
    SELECT to_tsvector('simple', v.title || ' ' || coalesce(v.channel_name, ''))
        || coalesce((SELECT to_tsvector('simple', string_agg(s.text, ' ' ORDER BY s.variant))
                     FROM summaries s WHERE s.video_id = p_video_id AND s.is_latest), ''::tsvector)
    FROM videos v WHERE v.video_id = p_video_id
$$;

-- Every word of `q` as a prefix; no word at all matches nothing.
CREATE FUNCTION ytv2_search_query(q text) RETURNS tsquery LANGUAGE sql IMMUTABLE STRICT AS $$
    SELECT coalesce(to_tsquery('simple', string_agg(quote_literal(lexeme) || ':*', ' & ')), ''::tsquery)
    FROM unnest(tsvector_to_array(to_tsvector('simple', q))) AS lexeme
$$;

UPDATE videos SET search = ytv2_search_document(video_id);
CREATE INDEX videos_search_idx ON videos USING gin (search);
DROP INDEX videos_title_trgm_idx;
DROP INDEX videos_channel_trgm_idx;
DROP INDEX summaries_latest_text_trgm_idx;

-- The first 600 characters of each summary, what a list item's preview is made from: a list page reads these instead
-- of whole texts (which PostgreSQL keeps compressed, often out of line).
ALTER TABLE summaries ADD COLUMN preview text GENERATED ALWAYS AS (left(text, 600)) STORED;
