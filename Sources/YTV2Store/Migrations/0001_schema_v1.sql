-- Schema v1: the invariants of ARCHITECTURE.md, held by the database itself.
-- Applied in one transaction by the migrator; never edit once released (the checksum is recorded).

CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- A YouTube id: 11 characters [A-Za-z0-9_-], case-sensitive. Used by every table keyed by video.
CREATE DOMAIN youtube_video_id AS text
    CHECK (VALUE ~ '^[A-Za-z0-9_-]{11}$');

-- Content: one row per video, keyed by the case-sensitive id.
CREATE TABLE videos (
    video_id              youtube_video_id PRIMARY KEY,
    content_source        text        NOT NULL DEFAULT 'youtube' CHECK (content_source IN ('youtube', 'reddit', 'web')),
    title                 text        NOT NULL DEFAULT '',
    channel_name          text,
    channel_id            text,
    thumbnail_url         text,
    published_at          timestamptz,
    indexed_at            timestamptz NOT NULL DEFAULT now(),
    duration_seconds      integer     CHECK (duration_seconds >= 0),
    word_count            integer     CHECK (word_count >= 0),
    view_count            bigint      CHECK (view_count >= 0),
    like_count            bigint      CHECK (like_count >= 0),
    comment_count         bigint      CHECK (comment_count >= 0),
    has_transcript        boolean     NOT NULL DEFAULT false,
    transcript_chars      integer     CHECK (transcript_chars >= 0),
    content_type          text,
    complexity_level      text,
    language              text,
    -- `en-US`, `EN_us` and `en` all filter as `en`.
    language_code         text GENERATED ALWAYS AS (nullif(lower(split_part(replace(language, '_', '-'), '-', 1)), '')) STORED,
    key_topics            jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(key_topics) = 'array'),
    named_entities        jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(named_entities) = 'array'),
    -- Analysis fields without a column of their own, kept whole.
    analysis_extra        jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(analysis_extra) = 'object'),
    -- [{"category": "...", "subcategories": ["..."]}] and who decided it (ARCHITECTURE.md invariant 4).
    categories            jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(categories) = 'array'),
    categorization_origin text        CHECK (categorization_origin IN ('curated', 'legacy_dashboard', 'processor')),
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    CHECK (categorization_origin IS NOT NULL OR categories = '[]'::jsonb)
);

CREATE INDEX videos_indexed_at_idx ON videos (indexed_at DESC, video_id);
CREATE INDEX videos_published_at_idx ON videos (published_at DESC NULLS LAST, video_id);
CREATE INDEX videos_title_idx ON videos (lower(title), video_id);
CREATE INDEX videos_duration_idx ON videos (duration_seconds, video_id);
CREATE INDEX videos_channel_idx ON videos (channel_name);
CREATE INDEX videos_language_idx ON videos (language_code);
CREATE INDEX videos_categories_idx ON videos USING gin (categories jsonb_path_ops);
CREATE INDEX videos_title_trgm_idx ON videos USING gin (title gin_trgm_ops);
CREATE INDEX videos_channel_trgm_idx ON videos USING gin (channel_name gin_trgm_ops);

-- Legacy ids (`yt:<lower-cased>`, bare ids, `hash:` ids) that must keep resolving to a video.
CREATE TABLE video_aliases (
    alias      text PRIMARY KEY CHECK (length(alias) BETWEEN 1 AND 200),
    video_id   youtube_video_id NOT NULL REFERENCES videos (video_id) ON DELETE CASCADE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX video_aliases_video_idx ON video_aliases (video_id);

-- Summaries are revisions; exactly one latest per (video, variant) (invariant 2).
CREATE TABLE summaries (
    video_id     youtube_video_id NOT NULL REFERENCES videos (video_id) ON DELETE CASCADE,
    variant      text        NOT NULL CHECK (variant ~ '^[a-z][a-z0-9-]{0,39}$'),
    revision     integer     NOT NULL CHECK (revision >= 1),
    is_latest    boolean     NOT NULL,
    text         text        NOT NULL,
    html         text,
    headline     text,
    language     text,
    proficiency  text        CHECK (proficiency IN ('beginner', 'intermediate', 'advanced')),
    -- The value as the source had it (a dict serialized as text, a Python literal, ...), for audit.
    raw_value    text,
    source       text        NOT NULL DEFAULT 'processor',
    generated_at timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (video_id, variant, revision)
);
CREATE UNIQUE INDEX summaries_one_latest_idx ON summaries (video_id, variant) WHERE is_latest;
CREATE INDEX summaries_latest_variant_idx ON summaries (variant, video_id) WHERE is_latest;
CREATE INDEX summaries_latest_text_trgm_idx ON summaries USING gin (text gin_trgm_ops) WHERE is_latest;

-- Audio lives with its video (invariant 5).
CREATE TABLE audio (
    video_id         youtube_video_id PRIMARY KEY REFERENCES videos (video_id) ON DELETE CASCADE,
    bytes            bytea       NOT NULL,
    size_bytes       bigint      NOT NULL CHECK (size_bytes = octet_length(bytes)),
    sha256           text        NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    duration_seconds double precision CHECK (duration_seconds >= 0),
    mime             text        NOT NULL DEFAULT 'audio/mpeg',
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

-- Deletes are facts (invariant 3): a tombstone outlives the row and refuses processor writes.
CREATE TABLE tombstones (
    video_id   youtube_video_id PRIMARY KEY,
    deleted_at timestamptz NOT NULL DEFAULT now(),
    deleted_by text        NOT NULL,
    reason     text        NOT NULL DEFAULT ''
);

-- Append-only, hash-chained audit log (invariant 6).
-- `seq` is assigned by the trigger while it holds the chain lock, so seq order is chain order.
CREATE TABLE audit_log (
    seq       bigint      PRIMARY KEY,
    at        timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor     text        NOT NULL,
    action    text        NOT NULL,
    subject   text,
    details   jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(details) = 'object'),
    prev_hash text        NOT NULL,
    hash      text        NOT NULL
);
CREATE SEQUENCE audit_log_seq OWNED BY audit_log.seq;

-- The text that is hashed for one entry. The store's verifier rebuilds exactly this form independently.
CREATE FUNCTION audit_entry_text(seq bigint, at timestamptz, actor text, action text, subject text, details jsonb, prev_hash text)
RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT prev_hash || '|' || seq::text || '|'
        || to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') || '|'
        || actor || '|' || action || '|' || coalesce(subject, '') || '|' || details::text
$$;

CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    previous text;
BEGIN
    -- A restore replays entries with the hashes they already had; the verifier checks them afterwards.
    IF current_setting('ytv2.restoring', true) = 'on' THEN
        RETURN NEW;
    END IF;
    -- Serialize writers of the chain until this transaction ends.
    PERFORM pg_advisory_xact_lock(7274001, 0);
    NEW.seq := nextval('audit_log_seq');
    SELECT hash INTO previous FROM audit_log ORDER BY seq DESC LIMIT 1;
    NEW.prev_hash := coalesce(previous, repeat('0', 64));
    NEW.at := date_trunc('microseconds', NEW.at);
    NEW.hash := encode(sha256(convert_to(
        audit_entry_text(NEW.seq, NEW.at, NEW.actor, NEW.action, NEW.subject, NEW.details, NEW.prev_hash), 'UTF8')), 'hex');
    RETURN NEW;
END
$$;

CREATE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only: % is not allowed', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_refuse_change();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse_change();

-- Migration ledger: exactly one outcome per legacy source row.
CREATE TABLE migration_ledger (
    id              bigserial PRIMARY KEY,
    source_file     text        NOT NULL,
    source_table    text        NOT NULL,
    source_key      text        NOT NULL,
    row_sha256      text        NOT NULL CHECK (row_sha256 ~ '^[0-9a-f]{64}$'),
    outcome         text        NOT NULL CHECK (outcome IN ('imported', 'merged', 'tombstoned', 'quarantined', 'duplicate')),
    target_video_id youtube_video_id,
    reason          text,
    warnings        jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(warnings) = 'array'),
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_file, source_table, source_key)
);

-- Rows that could not be imported, kept whole with the reason, so nothing is lost.
CREATE TABLE quarantine (
    id             bigserial PRIMARY KEY,
    source_file    text        NOT NULL,
    source_table   text        NOT NULL,
    source_key     text        NOT NULL,
    reason         text        NOT NULL,
    row_data       jsonb       NOT NULL,
    quarantined_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (source_file, source_table, source_key)
);

-- Runtime flags (migration phase, read source, ...), changed through the store and audited.
CREATE TABLE settings (
    key        text PRIMARY KEY CHECK (key ~ '^[a-z][a-z0-9_.]{0,99}$'),
    value      jsonb       NOT NULL,
    updated_at timestamptz NOT NULL DEFAULT now(),
    updated_by text        NOT NULL
);
