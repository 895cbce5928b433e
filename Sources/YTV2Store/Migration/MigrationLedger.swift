import Foundation
import PostgresNIO
import YTV2Core

/// One ledger line: the outcome of one legacy source row.
package struct LedgerEntry: Sendable, Equatable {
    package enum Outcome: String, Sendable, CaseIterable {
        case imported, merged, tombstoned, quarantined, duplicate
    }

    package var sourceFile: String
    package var sourceTable: String
    package var sourceKey: String
    package var rowSHA256: String
    package var outcome: Outcome
    package var targetVideoID: String?
    package var reason: String?
    package var warnings: [String]

    package init(
        sourceFile: String,
        sourceTable: String,
        sourceKey: String,
        rowSHA256: String,
        outcome: Outcome,
        targetVideoID: String?,
        reason: String?,
        warnings: [String]
    ) {
        self.sourceFile = sourceFile
        self.sourceTable = sourceTable
        self.sourceKey = sourceKey
        self.rowSHA256 = rowSHA256
        self.outcome = outcome
        self.targetVideoID = targetVideoID
        self.reason = reason
        self.warnings = warnings
    }

    /// Whether an outcome already recorded for this row agrees with this one. A video deleted in YTV2 after an earlier
    /// import is recorded as tombstoned: that is its final state, whatever the plan says.
    package func agrees(withRecorded outcome: String) -> Bool {
        outcome == self.outcome.rawValue || outcome == Outcome.tombstoned.rawValue
    }
}

/// A source row kept whole because it could not be imported.
package struct QuarantineEntry: Sendable, Equatable {
    package var sourceFile: String
    package var sourceTable: String
    package var sourceKey: String
    package var reason: String
    /// The row as a JSON object.
    package var rowJSON: String

    package init(sourceFile: String, sourceTable: String, sourceKey: String, reason: String, rowJSON: String) {
        self.sourceFile = sourceFile
        self.sourceTable = sourceTable
        self.sourceKey = sourceKey
        self.reason = reason
        self.rowJSON = rowJSON
    }
}

/// One batch of an import, written in one transaction with its ledger lines.
package struct ImportBatch: Sendable {
    package var videos: [ImportedVideo] = []
    package var tombstones: [(VideoID, String)] = []
    package var quarantine: [QuarantineEntry] = []
    package var ledger: [LedgerEntry] = []

    package init() {}
    package var isEmpty: Bool { videos.isEmpty && tombstones.isEmpty && quarantine.isEmpty && ledger.isEmpty }
}

/// What a batch (or, added up, a whole import) wrote.
package struct ImportBatchResult: Sendable, Equatable, Codable {
    package var videosWritten = 0
    package var revisionsAdded = 0
    package var audioStored = 0
    package var tombstonesAdded = 0
    package var quarantined = 0
    package var ledgerEntries = 0
    /// Videos skipped because they were deleted in YTV2 after an earlier import.
    package var deletedSinceImport: [String] = []

    package init() {}

    package static func += (total: inout ImportBatchResult, batch: ImportBatchResult) {
        total.videosWritten += batch.videosWritten
        total.revisionsAdded += batch.revisionsAdded
        total.audioStored += batch.audioStored
        total.tombstonesAdded += batch.tombstonesAdded
        total.quarantined += batch.quarantined
        total.ledgerEntries += batch.ledgerEntries
        total.deletedSinceImport += batch.deletedSinceImport
    }
}

/// The migration's side of the store: import batches (their videos written by ``VideoStore``, in the batch's
/// transaction, with the batch's ledger lines and quarantine), and the ledger's lookups. The importer and the verifier
/// get one; nothing else writes the ledger or the quarantine.
package struct MigrationLedger: Sendable {
    package let store: Store

    package init(store: Store) { self.store = store }

    /// The ledger lines of the given rows (file, table, key), looked up in one statement.
    package func ledger(rows: [LedgerEntry]) async throws -> [String: (sha: String, outcome: String)] {
        try await ledger(sources: rows.map { ($0.sourceFile, $0.sourceTable, $0.sourceKey) })
    }

    /// The recorded checksum and outcome of each of the given source rows (file, table, key) that the ledger has,
    /// keyed by ``ledgerKey(_:_:_:)``.
    package func ledger(sources: [(file: String, table: String, key: String)]) async throws -> [String: (sha: String, outcome: String)] {
        guard !sources.isEmpty else { return [:] }
        let keys = sources.map { source in
            var json = JSONObjectWriter()
            json.add("f", source.file)
            json.add("t", source.table)
            json.add("k", source.key)
            return json.finished()
        }.jsonArray
        return try await store.read { [self] connection in
            var result: [String: (sha: String, outcome: String)] = [:]
            let rows = try await connection.query(
                """
                SELECT l.source_file, l.source_table, l.source_key, l.row_sha256, l.outcome
                FROM json_to_recordset(\(keys)::json) AS k(f text, t text, k text)
                JOIN migration_ledger l ON l.source_file = k.f AND l.source_table = k.t AND l.source_key = k.k
                """,
                logger: store.logger
            )
            for try await (file, table, key, sha, outcome) in rows.decode((String, String, String, String, String).self) {
                result[Self.ledgerKey(file, table, key)] = (sha, outcome)
            }
            return result
        }
    }

    /// Gives PostgreSQL's planner fresh statistics of the tables an import writes. Right after a first import they
    /// have none until autovacuum comes by, and without them the planner guesses: verify's check for half-written
    /// videos, for one, is then planned as a scan of the ledger per video.
    /// Two statements on two connections: `videos` (its search words are the costliest column to sample) takes as
    /// long as all the others (`video_search`, the narrow copy of those words, among them).
    package func analyzeImportedTables() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for statement: PostgresQuery in [
                "ANALYZE videos", "ANALYZE video_search, summaries, audio, video_aliases, tombstones, quarantine, migration_ledger",
            ] {
                group.addTask { try await store.client.query(statement, logger: store.logger) }
            }
            try await group.waitForAll()
        }
    }

    /// Whether the ledger has no line at all (nothing was ever imported).
    package func ledgerIsEmpty() async throws -> Bool {
        try await store.read { [self] connection in
            try await connection.query("SELECT NOT EXISTS (SELECT FROM migration_ledger)", logger: store.logger).first(Bool.self) ?? true
        }
    }

    /// How many ledger lines the given files have.
    package func ledgerCount(files: [String]) async throws -> Int {
        try await store.read { [self] connection in
            try await connection.query("SELECT count(*)::int FROM migration_ledger WHERE source_file = ANY(\(files))", logger: store.logger)
                .first(Int.self) ?? 0
        }
    }

    package static func ledgerKey(_ file: String, _ table: String, _ key: String) -> String { file + "\u{1F}" + table + "\u{1F}" + key }

    /// Writes one import batch in a single transaction: videos (merged like a commit), revisions, audio, aliases,
    /// tombstones, quarantine and the ledger. Videos tombstoned in YTV2 since an earlier import are not written again;
    /// their ledger lines say so.
    package func importBatch(_ batch: ImportBatch, actor: String) async throws -> ImportBatchResult {
        try await store.transaction { [self] connection in
            var result = ImportBatchResult()
            let videoStore = VideoStore(store: store)
            let deleted = try await videoStore.lockForImport(batch.videos, tombstones: batch.tombstones, on: connection)
            result.deletedSinceImport = deleted.sorted()
            let videos = batch.videos.filter { !deleted.contains($0.id.rawValue) }
            if !videos.isEmpty {
                let written = try await videoStore.importVideos(videos, on: connection)
                result.videosWritten = written.videos
                result.revisionsAdded = written.revisions
                result.audioStored = written.audio
            }
            result.tombstonesAdded = try await videoStore.addTombstones(batch.tombstones, actor: actor, on: connection)
            result.quarantined = try await quarantine(batch.quarantine, on: connection)
            result.ledgerEntries = try await recordLedger(batch.ledger, deletedSinceImport: deleted, on: connection)
            return result
        }
    }

    /// Rows that could not be imported, with their reason; a row quarantined again gets the new reason.
    private func quarantine(_ rows: [QuarantineEntry], on connection: PostgresConnection) async throws -> Int {
        guard !rows.isEmpty else { return 0 }
        let records = rows.map {
            QuarantineRecord(
                source_file: $0.sourceFile,
                source_table: $0.sourceTable,
                source_key: $0.sourceKey,
                reason: $0.reason,
                row_data: $0.rowJSON
            )
        }
        try await connection.query(
            """
            INSERT INTO quarantine (source_file, source_table, source_key, reason, row_data)
            SELECT source_file, source_table, source_key, reason, row_data::jsonb
            FROM json_to_recordset(\(try batchJSON(records))::json) AS t(source_file text, source_table text, source_key text, reason text, row_data text)
            ON CONFLICT (source_file, source_table, source_key)
            DO UPDATE SET reason = excluded.reason, row_data = excluded.row_data, quarantined_at = now()
            """,
            logger: store.logger
        )
        return rows.count
    }

    /// One ledger line per source row. A row whose video was deleted in YTV2 since an earlier import is recorded as
    /// tombstoned, with that reason, instead of imported or merged.
    private func recordLedger(
        _ entries: [LedgerEntry],
        deletedSinceImport deleted: Set<String>,
        on connection: PostgresConnection
    )
        async throws -> Int
    {
        guard !entries.isEmpty else { return 0 }
        var ledger = entries
        for index in ledger.indices {
            guard let target = ledger[index].targetVideoID, deleted.contains(target),
                ledger[index].outcome == .imported || ledger[index].outcome == .merged
            else { continue }
            ledger[index].outcome = .tombstoned
            ledger[index].reason = "deleted in YTV2 after an earlier import"
        }
        // Copied into a table of this transaction first, then merged: an import writes a ledger line per source row,
        // the most rows of any table, and COPY is PostgreSQL's cheapest way in.
        var rows = CopyTextRows()
        for entry in ledger {
            rows.add(entry.sourceFile)
            rows.add(entry.sourceTable)
            rows.add(entry.sourceKey)
            rows.add(entry.rowSHA256)
            rows.add(entry.outcome.rawValue)
            rows.add(entry.targetVideoID)
            rows.add(entry.reason)
            rows.add(entry.warnings.jsonArrayText)
            rows.endRow()
        }
        try await connection.query(
            """
            CREATE TEMPORARY TABLE ledger_batch (
                source_file text, source_table text, source_key text, row_sha256 text, outcome text, target_video_id text,
                reason text, warnings jsonb
            ) ON COMMIT DROP
            """,
            logger: store.logger
        )
        try await connection.copyFrom(table: "ledger_batch", logger: store.logger) { writer in try await writer.write(rows.buffer) }
        try await connection.query(
            """
            INSERT INTO migration_ledger (source_file, source_table, source_key, row_sha256, outcome, target_video_id, reason, warnings)
            SELECT source_file, source_table, source_key, row_sha256, outcome, target_video_id, reason, warnings FROM ledger_batch
            ON CONFLICT (source_file, source_table, source_key) DO UPDATE SET
                row_sha256 = excluded.row_sha256, outcome = excluded.outcome, target_video_id = excluded.target_video_id,
                reason = excluded.reason, warnings = excluded.warnings, recorded_at = now()
            """,
            logger: store.logger
        )
        return ledger.count
    }
}

private struct QuarantineRecord: Encodable { let source_file, source_table, source_key, reason, row_data: String }
