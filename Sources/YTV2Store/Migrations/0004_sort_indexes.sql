-- Schema v4: one index per list order, in exactly the directions `ReportSort` sorts by (ties broken by video_id
-- in the same direction), so a page of any sort is read off an index instead of sorting the table up to its offset.
-- A backward scan serves the reverse order: added_asc reads videos_indexed_at_idx backward, title_za reads
-- videos_title_idx backward. NULLS LAST in both directions needs its own index for published_at and duration.
-- The title index carries the title itself so that the page query can be answered from the index alone.

DROP INDEX videos_indexed_at_idx;
CREATE INDEX videos_indexed_at_idx ON videos (indexed_at DESC, video_id DESC);

DROP INDEX videos_published_at_idx;
CREATE INDEX videos_published_at_desc_idx ON videos (published_at DESC NULLS LAST, video_id DESC);
CREATE INDEX videos_published_at_asc_idx ON videos (published_at ASC NULLS LAST, video_id ASC);

DROP INDEX videos_title_idx;
CREATE INDEX videos_title_idx ON videos (lower(title), video_id) INCLUDE (title);

-- videos_duration_idx (duration_seconds, video_id) already serves duration_asc (ASC sorts NULLs last).
CREATE INDEX videos_duration_desc_idx ON videos (duration_seconds DESC NULLS LAST, video_id DESC);
