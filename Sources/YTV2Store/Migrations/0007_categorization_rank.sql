-- Schema v7: who may replace a video's categorization, in one place (ARCHITECTURE.md, invariant 4).
-- Origins rank processor < legacy_dashboard < curated; a write replaces the stored categorization when the video has
-- none, or when the write's origin ranks at least as high as the stored one. Every write path asks this function.
CREATE FUNCTION ytv2_categorization_rank(origin text) RETURNS integer LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE origin WHEN 'processor' THEN 1 WHEN 'legacy_dashboard' THEN 2 WHEN 'curated' THEN 3 END
$$;

CREATE FUNCTION ytv2_categorization_replaces(new_origin text, stored_categories jsonb, stored_origin text)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT new_origin IS NOT NULL
        AND (stored_categories = '[]'::jsonb OR ytv2_categorization_rank(new_origin) >= ytv2_categorization_rank(stored_origin))
$$;
