-- Schema v11: a word most videos hold is matched in a narrow table, its matches read as numbers.
--
-- The first page of a word most videos hold (at 100,000 real-shaped videos, a title word is in 80-88 % of them) reads
-- every match: the GIN index gives their rows, and the rows are visited for their ids. On `videos` that is every heap
-- page of the table; on a table of the words alone, keyed by video, it is about two thirds of the pages, and its rows'
-- numbers (below) are read without stepping over thirty columns. The dashboard keeps such a match set as a bit per
-- video number, so numbers spare it looking up 80,000 ids as well.
--
-- `video_search` holds a copy of each video's search words, written by triggers on `videos` (any writer keeps it
-- right, and `videos.search` stays what filtered and sorted searches are planned on). Positions within the text are
-- never used (a search is an AND of prefixes), so both copies are stripped of them: about half the bytes, which keeps
-- the two copies near the size of the one before.

CREATE OR REPLACE FUNCTION ytv2_search_words(title text, channel_name text, summaries text) RETURNS tsvector
LANGUAGE sql IMMUTABLE AS $$
    SELECT strip(to_tsvector('simple', title || ' ' || coalesce(channel_name, ''))
        || coalesce(to_tsvector('simple', summaries), ''::tsvector))
$$;

UPDATE videos SET search = strip(search) WHERE search <> strip(search);

-- `number`: given once when the video's row is written first, never changed or reused while the video exists.
CREATE TABLE video_search (
    video_id youtube_video_id PRIMARY KEY REFERENCES videos (video_id) ON DELETE CASCADE,
    number   integer  NOT NULL GENERATED ALWAYS AS IDENTITY UNIQUE,
    words    tsvector NOT NULL
);

INSERT INTO video_search (video_id, words) SELECT video_id, search FROM videos ORDER BY indexed_at, video_id;
CREATE INDEX video_search_words_idx ON video_search USING gin (words);

CREATE FUNCTION ytv2_copy_inserted_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO video_search (video_id, words) SELECT video_id, search FROM inserted;
    RETURN NULL;
END
$$;

CREATE FUNCTION ytv2_copy_updated_search() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE video_search s SET words = u.search
    FROM updated u WHERE s.video_id = u.video_id AND s.words IS DISTINCT FROM u.search;
    RETURN NULL;
END
$$;

CREATE TRIGGER videos_search_inserted AFTER INSERT ON videos
    REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION ytv2_copy_inserted_search();
CREATE TRIGGER videos_search_updated AFTER UPDATE ON videos
    REFERENCING NEW TABLE AS updated FOR EACH STATEMENT EXECUTE FUNCTION ytv2_copy_updated_search();

-- The planner's estimate of a search's matches, from the narrow table's statistics (the same words).
CREATE OR REPLACE FUNCTION ytv2_search_estimate(q text) RETURNS bigint LANGUAGE plpgsql VOLATILE AS $$
DECLARE
    plan json;
BEGIN
    EXECUTE format('EXPLAIN (FORMAT JSON) SELECT 1 FROM video_search WHERE words @@ %L::tsquery', ytv2_search_query(q)) INTO plan;
    RETURN (plan -> 0 -> 'Plan' ->> 'Plan Rows')::bigint;
END
$$;
