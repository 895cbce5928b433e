import Foundation
import PostgresNIO
import YTV2Core

/// A video as PostgreSQL holds it, in the canonical form migration verification compares.
package struct VideoState: Sendable, Equatable {
    /// Scalar fields as canonical text ("" for NULL), keyed by column name.
    package var fields: [String: String]
    package var categories: [CategoryEntry]
    package var categorizationOrigin: String?
    /// Per variant: sha256 of the latest text, and the number of revisions.
    package var latestSHA256: [String: String]
    package var revisionCounts: [String: Int]
    package var audioSHA256: String?
    package var audioDurationSeconds: Double?
    package var aliases: Set<String>
}

extension MigrationLedger {
    /// The canonical state of the given videos; missing ids are absent from the result.
    package func videoStates(_ ids: [String]) async throws -> [String: VideoState] {
        try await store.read { [self] connection in
            var states: [String: VideoState] = [:]
            let rows = try await connection.query(
                """
                SELECT video_id::text, title, coalesce(channel_name, ''), coalesce(channel_id, ''), coalesce(thumbnail_url, ''),
                    coalesce((extract(epoch FROM published_at) * 1000)::bigint::text, ''), (extract(epoch FROM indexed_at) * 1000)::bigint::text,
                    coalesce(duration_seconds::text, ''), coalesce(word_count::text, ''), coalesce(view_count::text, ''),
                    coalesce(like_count::text, ''), coalesce(comment_count::text, ''), has_transcript::text,
                    coalesce(transcript_chars::text, ''), coalesce(content_type, ''), coalesce(complexity_level, ''),
                    coalesce(language, ''), key_topics::text, named_entities::text, categories::text, categorization_origin
                FROM videos WHERE video_id = ANY(\(ids)::text[])
                """,
                logger: store.logger
            )
            for try await row in rows {
                let cells = try row.decode(
                    (
                        String, String, String, String, String, String, String, String, String, String, String, String, String, String, String,
                        String, String, String, String, String, String?
                    ).self
                )
                let columns = VideoState.fieldNames
                let values = [
                    cells.1, cells.2, cells.3, cells.4, cells.5, cells.6, cells.7, cells.8, cells.9, cells.10, cells.11, cells.12, cells.13, cells.14,
                    cells.15, cells.16, cells.17, cells.18,
                ]
                let categories = (try? CategoryEntry.list(fromJSON: cells.19)) ?? []
                states[cells.0] = VideoState(
                    fields: Dictionary(uniqueKeysWithValues: zip(columns, values)),
                    categories: categories,
                    categorizationOrigin: cells.20,
                    latestSHA256: [:],
                    revisionCounts: [:],
                    audioSHA256: nil,
                    aliases: []
                )
            }
            let summaries = try await connection.query(
                """
                SELECT video_id::text, variant, count(*)::int, encode(sha256(convert_to(max(text) FILTER (WHERE is_latest), 'UTF8')), 'hex')
                FROM summaries WHERE video_id = ANY(\(ids)::text[]) GROUP BY 1, 2
                """,
                logger: store.logger
            )
            for try await (id, variant, count, sha) in summaries.decode((String, String, Int, String?).self) {
                states[id]?.revisionCounts[variant] = count
                states[id]?.latestSHA256[variant] = sha ?? ""
            }
            for try await (id, sha, duration) in try await connection.query(
                "SELECT video_id::text, sha256, duration_seconds FROM audio WHERE video_id = ANY(\(ids)::text[])",
                logger: store.logger
            ).decode((String, String, Double?).self) {
                states[id]?.audioSHA256 = sha
                states[id]?.audioDurationSeconds = duration
            }
            for try await (id, alias) in try await connection.query(
                "SELECT video_id::text, alias FROM video_aliases WHERE video_id = ANY(\(ids)::text[])",
                logger: store.logger
            ).decode((String, String).self) {
                states[id]?.aliases.insert(alias)
            }
            return states
        }
    }

    /// Which of `ids` have a tombstone.
    package func tombstoned(_ ids: [String]) async throws -> Set<String> {
        try await store.read { [self] connection in
            var result = Set<String>()
            for try await id in try await connection.query(
                "SELECT video_id::text FROM tombstones WHERE video_id = ANY(\(ids)::text[])",
                logger: store.logger
            ).decode(String.self) {
                result.insert(id)
            }
            return result
        }
    }

    /// Quarantined rows of the given files, as ledger keys.
    package func quarantineKeys(files: [String]) async throws -> Set<String> {
        try await store.read { [self] connection in
            var result = Set<String>()
            for try await (file, table, key) in try await connection.query(
                "SELECT source_file, source_table, source_key FROM quarantine WHERE source_file = ANY(\(files))",
                logger: store.logger
            ).decode((String, String, String).self) {
                result.insert(Self.ledgerKey(file, table, key))
            }
            return result
        }
    }

    /// The video each alias resolves to.
    package func aliasTargets(_ aliases: [String]) async throws -> [String: String] {
        try await store.read { [self] connection in
            var result: [String: String] = [:]
            for try await (alias, id) in try await connection.query(
                "SELECT alias, video_id::text FROM video_aliases WHERE alias = ANY(\(aliases))",
                logger: store.logger
            ).decode((String, String).self) {
                result[alias] = id
            }
            return result
        }
    }

    /// Structural problems, each a sentence naming the rows: orphans, half-written videos, variants without exactly one latest revision,
    /// tombstoned videos still present, ledger lines pointing at videos that are neither stored nor tombstoned.
    ///
    /// A video without any summary is half-written unless the migration imported it from legacy rows: a processor result
    /// carries its summaries in the same transaction, while a legacy video whose summary failed or was never made is
    /// imported without one (verify compares each such video with its sources instead).
    package func integrityFindings() async throws -> [String] {
        try await store.read { [self] connection in
            var findings: [String] = []
            let checks: [(String, String)] = [
                (
                    "summary revisions of a video that does not exist",
                    "SELECT DISTINCT s.video_id::text FROM summaries s LEFT JOIN videos v USING (video_id) WHERE v.video_id IS NULL LIMIT 50"
                ),
                (
                    "videos without any summary (half-written)",
                    """
                    SELECT v.video_id::text FROM videos v WHERE NOT EXISTS (SELECT 1 FROM summaries s WHERE s.video_id = v.video_id)
                      AND NOT EXISTS (SELECT 1 FROM migration_ledger l WHERE l.target_video_id = v.video_id AND l.outcome = 'imported')
                    LIMIT 50
                    """
                ),
                (
                    "audio of a video that does not exist",
                    "SELECT a.video_id::text FROM audio a LEFT JOIN videos v USING (video_id) WHERE v.video_id IS NULL LIMIT 50"
                ),
                (
                    "aliases of a video that does not exist",
                    "SELECT DISTINCT a.video_id::text FROM video_aliases a LEFT JOIN videos v USING (video_id) WHERE v.video_id IS NULL LIMIT 50"
                ),
                (
                    "variants without exactly one latest revision",
                    "SELECT video_id::text || ' ' || variant FROM summaries GROUP BY video_id, variant HAVING count(*) FILTER (WHERE is_latest) <> 1 LIMIT 50"
                ),
                (
                    "variants whose revision numbers have gaps",
                    "SELECT video_id::text || ' ' || variant FROM summaries GROUP BY video_id, variant HAVING max(revision) <> count(*) LIMIT 50"
                ),
                (
                    "a revision stored twice (equal to the one before it)",
                    """
                    SELECT a.video_id::text || ' ' || a.variant || ' r' || b.revision FROM summaries a
                    JOIN summaries b ON b.video_id = a.video_id AND b.variant = a.variant AND b.revision = a.revision + 1 AND b.text = a.text LIMIT 50
                    """
                ),
                (
                    "tombstoned videos still stored",
                    "SELECT video_id::text FROM videos JOIN tombstones USING (video_id) LIMIT 50"
                ),
                (
                    "ledger lines pointing at a video neither stored nor tombstoned",
                    """
                    SELECT DISTINCT l.target_video_id::text FROM migration_ledger l
                    WHERE l.outcome IN ('imported', 'merged', 'duplicate') AND l.target_video_id IS NOT NULL
                      AND NOT EXISTS (SELECT 1 FROM videos v WHERE v.video_id = l.target_video_id)
                      AND NOT EXISTS (SELECT 1 FROM tombstones t WHERE t.video_id = l.target_video_id) LIMIT 50
                    """
                ),
            ]
            for (problem, sql) in checks {
                var ids: [String] = []
                for try await id in try await connection.query(PostgresQuery(unsafeSQL: sql), logger: store.logger).decode(String.self) {
                    ids.append(id)
                }
                if !ids.isEmpty { findings.append("\(problem): \(ids.prefix(10).joined(separator: ", "))\(ids.count > 10 ? ", …" : "")") }
            }
            return findings
        }
    }
}

extension VideoState {
    package static let fieldNames = [
        "title", "channel_name", "channel_id", "thumbnail_url", "published_at", "indexed_at", "duration_seconds", "word_count",
        "view_count", "like_count", "comment_count", "has_transcript", "transcript_chars", "content_type", "complexity_level",
        "language", "key_topics", "named_entities",
    ]
}

extension MigrationLedger {
    /// Calls `body` with every stored video id, in order, `size` at a time (keyset paging, for exports).
    package func forEachVideoIDBatch(size: Int, _ body: ([String]) async throws -> Void) async throws {
        var after = ""
        while true {
            let ids = try await store.read { [self, after] connection in
                var ids: [String] = []
                let rows = try await connection.query(
                    "SELECT video_id::text FROM videos WHERE video_id::text > \(after) ORDER BY video_id::text LIMIT \(size)",
                    logger: store.logger
                )
                for try await id in rows.decode(String.self) { ids.append(id) }
                return ids
            }
            guard let last = ids.last else { return }
            after = last
            try await body(ids)
        }
    }

    /// The latest revision of every variant of the given videos: video id → [(variant, text)], in variant order.
    package func latestSummaries(_ ids: [String]) async throws -> [String: [(variant: String, text: String)]] {
        try await store.read { [self] connection in
            var result: [String: [(variant: String, text: String)]] = [:]
            let rows = try await connection.query(
                """
                SELECT video_id::text, variant, text FROM summaries
                WHERE is_latest AND video_id = ANY(\(ids)::text[]) ORDER BY video_id, variant
                """,
                logger: store.logger
            )
            for try await (id, variant, text) in rows.decode((String, String, String).self) { result[id, default: []].append((variant, text)) }
            return result
        }
    }
}
