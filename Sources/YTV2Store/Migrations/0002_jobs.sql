-- Schema v2: the processor's job queue (replaces the legacy JSON ledger of processed videos).
-- A job asks for summary variants of one video. Workers claim queued jobs with a lease; a crashed worker's lease
-- runs out and another worker picks the job up again.

CREATE TABLE jobs (
    id            bigserial   PRIMARY KEY,
    video_id      youtube_video_id NOT NULL,
    variants      text[]      NOT NULL CHECK (cardinality(variants) BETWEEN 1 AND 16),
    force         boolean     NOT NULL DEFAULT false,
    status        text        NOT NULL DEFAULT 'queued'
                              CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    attempts      integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts  integer     NOT NULL DEFAULT 5 CHECK (max_attempts >= 1),
    lease_owner   text,
    lease_until   timestamptz,
    not_before    timestamptz NOT NULL DEFAULT now(),
    requested_by  text        NOT NULL,
    -- Why a job failed or was cancelled ("cancelled: deleted", "no transcript", ...), and the last retry's error.
    reason        text,
    warnings      jsonb       NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(warnings) = 'array'),
    result        jsonb,
    created_at    timestamptz NOT NULL DEFAULT now(),
    started_at    timestamptz,
    finished_at   timestamptz,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (status <> 'running' OR (lease_owner IS NOT NULL AND lease_until IS NOT NULL))
);

-- The queue: claimable jobs in order.
CREATE INDEX jobs_claim_idx ON jobs (not_before, id) WHERE status = 'queued';
CREATE INDEX jobs_expired_lease_idx ON jobs (lease_until) WHERE status = 'running';
CREATE INDEX jobs_video_idx ON jobs (video_id, created_at DESC);
