-- Schema v3: the figures the migration phases are gated on.
-- The current phase itself is the setting 'migration.phase' (a JSON string); every change of it is in the audit log.

-- Dual-write parity: one line per mirrored write (PostgreSQL is primary; the legacy file is the mirror).
CREATE TABLE migration_parity (
    id              bigserial   PRIMARY KEY,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    operation       text        NOT NULL CHECK (operation IN ('commit', 'delete')),
    video_id        text        NOT NULL,
    primary_sha256  text,
    mirror_sha256   text,
    outcome         text        NOT NULL CHECK (outcome IN ('match', 'mismatch', 'mirror_failed', 'explained')),
    detail          text,
    -- A failed mirror write is retried; the line records when it finally went through.
    resolved_at     timestamptz
);
CREATE INDEX migration_parity_time_idx ON migration_parity (recorded_at);

-- Shadow reads: the same request answered by the legacy file (control) and PostgreSQL (candidate).
CREATE TABLE migration_shadow_reads (
    id              bigserial   PRIMARY KEY,
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    route           text        NOT NULL,
    matched         boolean     NOT NULL,
    control_ms      double precision NOT NULL,
    candidate_ms    double precision,
    -- Both payloads, kept for mismatches only (capped by the recorder).
    control_body    text,
    candidate_body  text
);
CREATE INDEX migration_shadow_reads_time_idx ON migration_shadow_reads (recorded_at);
