-- Schema v12: how a stored video column takes an incoming value, in one place (ARCHITECTURE.md, invariant 4).
--
-- Every path that writes a video row (the processor's commit, ingest, the migration's import) merges each column with
-- one of these functions, like ytv2_categorization_replaces (v7) for the categorization. The rule: an absent value
-- (NULL) leaves the stored one; a placeholder (what a writer sends when it does not know: a blank text, a title or
-- channel that Placeholder.swift recognises, a 0 count, an empty list, "no transcript") fills an empty field but never
-- replaces a stored value; any other value replaces it.

-- Texts. `incoming_is_placeholder` is the writer's verdict from Placeholder.swift (titles, channel names); a blank text
-- is a placeholder whatever it says.
CREATE FUNCTION ytv2_merge_text(incoming text, stored text, incoming_is_placeholder boolean DEFAULT false)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN incoming IS NULL THEN stored
        WHEN (incoming_is_placeholder OR btrim(incoming) = '') AND coalesce(btrim(stored), '') <> '' THEN stored
        ELSE incoming
    END
$$;

-- Counts and durations: 0 is what the legacy processor wrote for "unknown".
CREATE FUNCTION ytv2_merge_count(incoming bigint, stored bigint)
RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE
        WHEN incoming IS NULL THEN stored
        WHEN incoming = 0 AND coalesce(stored, 0) > 0 THEN stored
        ELSE incoming
    END
$$;

-- Flags that record that something exists (a transcript): once known to exist, a later "no" is a writer that did not
-- look, not a removal.
CREATE FUNCTION ytv2_merge_flag(incoming boolean, stored boolean)
RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN incoming IS NULL THEN stored ELSE incoming OR coalesce(stored, false) END
$$;

-- JSON lists (key topics, named entities): an empty list is a placeholder.
CREATE FUNCTION ytv2_merge_list(incoming jsonb, stored jsonb)
RETURNS jsonb LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN incoming IS NULL OR incoming = '[]'::jsonb THEN stored ELSE incoming END
$$;
