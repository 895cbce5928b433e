import Foundation
import PostgresNIO

/// The migration phase as stored: its name, since when, and who set it.
package struct PhaseRecord: Sendable, Equatable, Codable {
    package var phase: String
    package var since: Date?
    package var by: String?
}

/// Dual-write parity over a window.
package struct ParityFigures: Sendable, Equatable, Codable {
    package var records = 0
    package var matches = 0
    package var explained = 0
    /// Checksums that differ with no explanation recorded.
    package var mismatches = 0
    /// Videos whose mirror write failed and has not gone through since.
    package var unresolvedMirrorFailures = 0

    package init() {}
}

/// Shadow-read comparisons over a window, with the latency of both sides.
package struct ShadowFigures: Sendable, Equatable, Codable {
    package var compared = 0
    package var matched = 0
    package var controlP50 = 0.0
    package var controlP99 = 0.0
    package var candidateP50 = 0.0
    package var candidateP99 = 0.0

    package init() {}

    /// matched / compared; 0 when nothing was compared.
    package var consistency: Double { compared == 0 ? 0 : Double(matched) / Double(compared) }
}

extension MigrationLedger {
    /// The settings key of the phase; its value is a JSON string ("Off" when absent).
    package static let phaseKey = "migration.phase"

    package func phaseRecord() async throws -> PhaseRecord {
        guard let record = try await store.settingRecord(Self.phaseKey) else { return PhaseRecord(phase: "Off") }
        let phase = (try? JSONDecoder().decode(String.self, from: Data(record.json.utf8))) ?? "Off"
        return PhaseRecord(phase: phase, since: record.updatedAt, by: record.updatedBy)
    }

    /// Moves the phase from `expected` to `phase` in one transaction with its audit entry. Returns false, changing
    /// nothing, when the phase is no longer `expected` (another operator was first). Running services re-read the
    /// phase at most a second later.
    package func changePhase(
        from expected: String,
        to phase: String,
        actor: String,
        action: String,
        details: some Encodable & Sendable
    ) async throws -> Bool {
        let key = Self.phaseKey
        let json = String(decoding: try JSONEncoder().encode(phase), as: UTF8.self)
        return try await store.transaction { [self] connection in
            // Serializes concurrent transitions (the settings row may not exist yet, so there is no row to lock).
            try await connection.query("SELECT pg_advisory_xact_lock(7274003, 0)", logger: store.logger)
            let current =
                try await connection.query("SELECT value #>> '{}' FROM settings WHERE key = \(key)", logger: store.logger)
                .first(String.self) ?? "Off"
            guard current == expected else { return false }
            try await store.upsertSetting(key, json: json, actor: actor, on: connection)
            try await store.appendAudit(actor: actor, action: action, subject: key, details: details, on: connection)
            return true
        }
    }

    package func parityFigures(since: Date) async throws -> ParityFigures {
        try await store.read { [self] connection in
            let rows = try await connection.query(
                """
                SELECT count(*)::int,
                       count(*) FILTER (WHERE outcome = 'match')::int,
                       count(*) FILTER (WHERE outcome = 'explained')::int,
                       count(*) FILTER (WHERE outcome = 'mismatch')::int,
                       count(DISTINCT video_id) FILTER (WHERE outcome = 'mirror_failed' AND resolved_at IS NULL)::int
                FROM migration_parity WHERE recorded_at >= \(since)
                """,
                logger: store.logger
            )
            for try await (records, matches, explained, mismatches, failures) in rows.decode((Int, Int, Int, Int, Int).self) {
                var figures = ParityFigures()
                (figures.records, figures.matches, figures.explained, figures.mismatches) = (records, matches, explained, mismatches)
                figures.unresolvedMirrorFailures = failures
                return figures
            }
            return ParityFigures()
        }
    }

    /// Records one mirrored write's outcome ("match", "mismatch", "mirror_failed", "explained").
    package func recordParity(
        operation: String,
        videoID: String,
        primarySHA256: String?,
        mirrorSHA256: String?,
        outcome: String,
        detail: String?
    ) async throws {
        try await store.transaction { [self] connection in
            _ = try await connection.query(
                """
                INSERT INTO migration_parity (operation, video_id, primary_sha256, mirror_sha256, outcome, detail)
                VALUES (\(operation), \(videoID), \(primarySHA256), \(mirrorSHA256), \(outcome), \(detail))
                """,
                logger: store.logger
            )
        }
    }

    package func shadowFigures(since: Date) async throws -> ShadowFigures {
        try await store.read { [self] connection in
            let rows = try await connection.query(
                """
                SELECT count(*)::int, count(*) FILTER (WHERE matched)::int,
                       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY control_ms), 0)::float8,
                       coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY control_ms), 0)::float8,
                       coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY candidate_ms), 0)::float8,
                       coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY candidate_ms), 0)::float8
                FROM migration_shadow_reads WHERE recorded_at >= \(since)
                """,
                logger: store.logger
            )
            for try await (compared, matched, c50, c99, k50, k99) in rows.decode((Int, Int, Double, Double, Double, Double).self) {
                var figures = ShadowFigures()
                (figures.compared, figures.matched) = (compared, matched)
                (figures.controlP50, figures.controlP99, figures.candidateP50, figures.candidateP99) = (c50, c99, k50, k99)
                return figures
            }
            return ShadowFigures()
        }
    }

    /// Records one shadow comparison (the caller passes the payloads of the mismatches it keeps).
    package func recordShadowRead(
        route: String,
        matched: Bool,
        controlMilliseconds: Double,
        candidateMilliseconds: Double?,
        controlBody: String?,
        candidateBody: String?
    ) async throws {
        try await store.transaction { [self] connection in
            _ = try await connection.query(
                """
                INSERT INTO migration_shadow_reads (route, matched, control_ms, candidate_ms, control_body, candidate_body)
                VALUES (\(route), \(matched), \(controlMilliseconds), \(candidateMilliseconds), \(controlBody), \(candidateBody))
                """,
                logger: store.logger
            )
        }
    }
}

extension MigrationLedger {
    /// Videos stored or deleted since `since` (for a mirror that missed change notifications while disconnected).
    package func videosChanged(since: Date) async throws -> (updated: [String], deleted: [String]) {
        try await store.read { [self] connection in
            var updated: [String] = []
            var deleted: [String] = []
            for try await id in try await connection.query(
                "SELECT video_id::text FROM videos WHERE updated_at >= \(since) ORDER BY 1",
                logger: store.logger
            ).decode(String.self) {
                updated.append(id)
            }
            for try await id in try await connection.query(
                "SELECT video_id::text FROM tombstones WHERE deleted_at >= \(since) ORDER BY 1",
                logger: store.logger
            ).decode(String.self) {
                deleted.append(id)
            }
            return (updated, deleted)
        }
    }

    /// Videos whose last mirror write failed and has not gone through since.
    package func unresolvedMirrorFailures() async throws -> [String] {
        try await store.read { [self] connection in
            var ids: [String] = []
            for try await id in try await connection.query(
                "SELECT DISTINCT video_id FROM migration_parity WHERE outcome = 'mirror_failed' AND resolved_at IS NULL ORDER BY 1",
                logger: store.logger
            ).decode(String.self) {
                ids.append(id)
            }
            return ids
        }
    }

    /// Marks the failed mirror writes of a video as gone through.
    package func resolveMirrorFailures(_ videoID: String) async throws {
        try await store.transaction { [self] connection in
            _ = try await connection.query(
                """
                UPDATE migration_parity SET resolved_at = now()
                WHERE video_id = \(videoID) AND outcome = 'mirror_failed' AND resolved_at IS NULL
                """,
                logger: store.logger
            )
        }
    }
}

/// A shadow read whose two sides differed, with both payloads when they were kept.
package struct ShadowMismatch: Sendable, Equatable, Codable {
    package var route: String
    package var recordedAt: Date
    package var controlBody: String?
    package var candidateBody: String?
}

extension MigrationLedger {
    /// The latest shadow mismatches, newest first.
    package func shadowMismatches(limit: Int = 20) async throws -> [ShadowMismatch] {
        try await store.read { [self] connection in
            var result: [ShadowMismatch] = []
            let rows = try await connection.query(
                """
                SELECT route, recorded_at, control_body, candidate_body FROM migration_shadow_reads
                WHERE NOT matched ORDER BY id DESC LIMIT \(limit)
                """,
                logger: store.logger
            )
            for try await (route, at, control, candidate) in rows.decode((String, Date, String?, String?).self) {
                result.append(ShadowMismatch(route: route, recordedAt: at, controlBody: control, candidateBody: candidate))
            }
            return result
        }
    }
}
