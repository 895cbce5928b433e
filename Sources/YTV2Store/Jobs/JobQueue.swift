import Foundation
import PostgresNIO
import YTV2Core

/// A processing job: summary variants requested for one video.
package struct Job: Sendable, Equatable {
    package enum Status: String, Sendable, Codable { case queued, running, succeeded, failed, cancelled }

    package var id: Int64
    package var videoID: VideoID
    /// Variant names as requested (`audio-fr:intermediate` keeps its proficiency level).
    package var variants: [String]
    package var force: Bool
    package var status: Status
    package var attempts: Int
    package var maxAttempts: Int
    package var leaseOwner: String?
    package var requestedBy: String
    package var reason: String?
    package var warnings: [String]
    package var createdAt: Date
}

/// The job queue (the `jobs` table): what the CLI, the bot and the workers share. Callers that queue or run jobs get
/// one; the rest of the store is not theirs to reach through it.
package struct JobQueue: Sendable {
    let store: Store

    package init(store: Store) { self.store = store }

    static let jobColumns = """
        id, video_id::text, variants, force, status, attempts, max_attempts, lease_owner, requested_by, reason,
        warnings::text, created_at
        """

    /// Queues a job. An explicit request (a person asking for this video) clears the video's tombstone in the same
    /// transaction, audited; a job already queued or running for the same video and variants is returned instead of
    /// a second one.
    package func enqueue(
        _ id: VideoID,
        variants: [String],
        force: Bool = false,
        requestedBy: String,
        explicit: Bool = true,
        maxAttempts: Int = 5
    ) async throws -> Job {
        guard !variants.isEmpty, variants.count <= 16 else { throw StoreError.invalidInput("a job needs 1 to 16 variants") }
        return try await store.transaction { [self] connection in
            try await connection.lockVideo(id, logger: store.logger)
            if explicit { try await store.clearTombstone(id, actor: requestedBy, reason: "explicit re-request", on: connection) }
            let existing = try await connection.query(
                """
                SELECT \(unescaped: Self.jobColumns) FROM jobs
                WHERE video_id = \(id.rawValue) AND variants = \(variants) AND status IN ('queued', 'running') ORDER BY id LIMIT 1
                """,
                logger: store.logger
            )
            if let job = try await Self.decodeJobs(existing).first { return job }
            let rows = try await connection.query(
                """
                INSERT INTO jobs (video_id, variants, force, requested_by, max_attempts)
                VALUES (\(id.rawValue), \(variants), \(force), \(requestedBy), \(maxAttempts))
                RETURNING \(unescaped: Self.jobColumns)
                """,
                logger: store.logger
            )
            guard let job = try await Self.decodeJobs(rows).first else { throw StoreError.invalidInput("the job was not stored") }
            return job
        }
    }

    /// Claims the oldest runnable job for `owner`: a queued one whose time has come, or a running one whose lease ran
    /// out (its worker died). Concurrent workers never claim the same job (`FOR UPDATE SKIP LOCKED`).
    package func claim(owner: String, lease: Duration, only jobID: Int64? = nil) async throws -> Job? {
        let seconds = lease.inSeconds
        return try await store.transaction { [self] connection in
            let rows = try await connection.query(
                """
                UPDATE jobs SET status = 'running', lease_owner = \(owner), lease_until = now() + make_interval(secs => \(seconds)),
                    attempts = attempts + 1, started_at = coalesce(started_at, now()), updated_at = now()
                WHERE id = (
                    SELECT id FROM jobs
                    WHERE ((status = 'queued' AND not_before <= now()) OR (status = 'running' AND lease_until < now()))
                      AND (\(jobID)::bigint IS NULL OR id = \(jobID))
                    ORDER BY id FOR UPDATE SKIP LOCKED LIMIT 1)
                RETURNING \(unescaped: Self.jobColumns)
                """,
                logger: store.logger
            )
            return try await Self.decodeJobs(rows).first
        }
    }

    /// Extends the lease while the job runs; false when the job is no longer this owner's.
    package func renewLease(_ jobID: Int64, owner: String, lease: Duration) async throws -> Bool {
        let seconds = lease.inSeconds
        return try await store.transaction { [self] connection in
            let rows = try await connection.query(
                """
                UPDATE jobs SET lease_until = now() + make_interval(secs => \(seconds)), updated_at = now()
                WHERE id = \(jobID) AND status = 'running' AND lease_owner = \(owner) RETURNING id
                """,
                logger: store.logger
            )
            return try await rows.collect().count == 1
        }
    }

    /// Ends a job this owner holds: succeeded, failed or cancelled, with the reason and warnings.
    @discardableResult
    package func finish(
        _ jobID: Int64,
        owner: String,
        status: Job.Status,
        reason: String? = nil,
        warnings: [String] = [],
        resultJSON: String? = nil
    ) async throws -> Bool {
        precondition(status != .queued && status != .running)
        let warningsJSON = try jsonText(warnings)
        return try await store.transaction { [self] connection in
            let rows = try await connection.query(
                """
                UPDATE jobs SET status = \(status.rawValue), reason = \(reason), warnings = \(warningsJSON)::jsonb,
                    result = \(resultJSON)::jsonb, lease_owner = NULL, lease_until = NULL, finished_at = now(), updated_at = now()
                WHERE id = \(jobID) AND status = 'running' AND lease_owner = \(owner) RETURNING id
                """,
                logger: store.logger
            )
            return try await rows.collect().count == 1
        }
    }

    /// A failure worth retrying (the network, a 5xx): queued again after `delay`, or failed for good once the
    /// attempts are used up. Returns the new status.
    @discardableResult
    package func retry(_ jobID: Int64, owner: String, reason: String, after delay: Duration) async throws -> Job.Status? {
        let seconds = delay.inSeconds
        return try await store.transaction { [self] connection in
            let rows = try await connection.query(
                """
                UPDATE jobs SET
                    status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END,
                    reason = CASE WHEN attempts >= max_attempts THEN 'gave up after ' || attempts || ' attempts: ' || \(reason) ELSE \(reason) END,
                    not_before = now() + make_interval(secs => \(seconds)),
                    finished_at = CASE WHEN attempts >= max_attempts THEN now() END,
                    lease_owner = NULL, lease_until = NULL, updated_at = now()
                WHERE id = \(jobID) AND status = 'running' AND lease_owner = \(owner) RETURNING status
                """,
                logger: store.logger
            )
            return try await rows.first(String.self).flatMap(Job.Status.init(rawValue:))
        }
    }

    /// Hands a job back to the queue at once (its worker is stopping): claimable by another worker right away, and the
    /// interrupted attempt does not count. False when the job is no longer this owner's.
    @discardableResult
    package func release(_ jobID: Int64, owner: String) async throws -> Bool {
        try await store.transaction { [self] connection in
            let rows = try await connection.query(
                """
                UPDATE jobs SET status = 'queued', lease_owner = NULL, lease_until = NULL, not_before = now(),
                    attempts = greatest(attempts - 1, 0), updated_at = now()
                WHERE id = \(jobID) AND status = 'running' AND lease_owner = \(owner) RETURNING id
                """,
                logger: store.logger
            )
            return try await rows.collect().count == 1
        }
    }

    package func job(_ jobID: Int64) async throws -> Job? {
        try await store.read { [self] connection in
            try await Self.decodeJobs(
                try await connection.query("SELECT \(unescaped: Self.jobColumns) FROM jobs WHERE id = \(jobID)", logger: store.logger)
            ).first
        }
    }

    /// The most recent jobs, newest first.
    package func recent(limit: Int = 20) async throws -> [Job] {
        try await store.read { [self] connection in
            try await Self.decodeJobs(
                try await connection.query("SELECT \(unescaped: Self.jobColumns) FROM jobs ORDER BY id DESC LIMIT \(limit)", logger: store.logger)
            )
        }
    }

    /// How many jobs wait in the queue and how many run now.
    package func counts() async throws -> (queued: Int, running: Int) {
        try await store.read { [self] connection in
            var counts: [String: Int] = [:]
            for try await (status, count) in try await connection.query(
                "SELECT status, count(*)::int8 FROM jobs WHERE status IN ('queued', 'running') GROUP BY status",
                logger: store.logger
            ).decode((String, Int).self) {
                counts[status] = count
            }
            return (counts["queued"] ?? 0, counts["running"] ?? 0)
        }
    }

    static func decodeJobs(_ rows: PostgresRowSequence) async throws -> [Job] {
        var jobs: [Job] = []
        for try await row in rows {
            let (id, video, variants, force, status, attempts, maxAttempts, owner, requestedBy, reason, warnings, createdAt) =
                try row.decode((Int64, String, [String], Bool, String, Int, Int, String?, String, String?, String, Date).self)
            jobs.append(
                Job(
                    id: id,
                    videoID: try VideoID(video),
                    variants: variants,
                    force: force,
                    status: Job.Status(rawValue: status) ?? .failed,
                    attempts: attempts,
                    maxAttempts: maxAttempts,
                    leaseOwner: owner,
                    requestedBy: requestedBy,
                    reason: reason,
                    warnings: (try? JSONDecoder().decode([String].self, from: Data(warnings.utf8))) ?? [],
                    createdAt: createdAt
                )
            )
        }
        return jobs
    }
}
