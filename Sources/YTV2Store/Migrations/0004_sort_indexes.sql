-- Schema v4: no index refuses a long value, and one index per list order, in exactly the directions `ReportSort` sorts by (ties broken by video_id
-- in the same direction), so a page of any sort is read off an index instead of sorting the table up to its offset.
-- A backward scan serves the reverse order: added_asc reads videos_indexed_at_idx backward, title_za reads
-- videos_title_idx backward. NULLS LAST in both directions needs its own index for published_at and duration.
-- Titles sort by `title_sort`, their first 200 characters lower-cased (then by video id): a B-tree entry must stay
-- under 2,704 bytes, and the store accepts titles up to 10,000, which an index on lower(title) refused to store.
-- Being a column (not an expression), it lets the page query be answered from the index alone.

DROP INDEX videos_indexed_at_idx;
CREATE INDEX videos_indexed_at_idx ON videos (indexed_at DESC, video_id DESC);

DROP INDEX videos_published_at_idx;
CREATE INDEX videos_published_at_desc_idx ON videos (published_at DESC NULLS LAST, video_id DESC);
CREATE INDEX videos_published_at_asc_idx ON videos (published_at ASC NULLS LAST, video_id ASC);

DROP INDEX videos_title_idx;
ALTER TABLE videos ADD COLUMN title_sort text GENERATED ALWAYS AS (left(lower(title), 200)) STORED;
CREATE INDEX videos_title_idx ON videos (title_sort, video_id);

-- videos_duration_idx (duration_seconds, video_id) already serves duration_asc (ASC sorts NULLs last).
CREATE INDEX videos_duration_desc_idx ON videos (duration_seconds DESC NULLS LAST, video_id DESC);

-- Channel and language filters are equalities: hash indexes serve them and, unlike B-trees, take values of any length
-- (the B-tree indexes refused channel names and language values above ~2,700 bytes, failing the whole write).
DROP INDEX videos_channel_idx;
CREATE INDEX videos_channel_idx ON videos USING hash (channel_name);
DROP INDEX videos_language_idx;
CREATE INDEX videos_language_idx ON videos USING hash (language_code);
