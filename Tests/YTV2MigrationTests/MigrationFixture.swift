import Foundation
import PostgresNIO
import Testing
import YTV2Core
import YTV2Fixtures
import YTV2Legacy
import YTV2Migration
import YTV2Store
import YTV2TestSupport

/// Generated legacy data in a temporary folder, snapshotted; removed by `cleanUp()`.
struct MigrationFixture {
    let folder: URL
    let expectations: LegacyFixtures.Expectations
    let snapshot: MigrationSnapshot

    static func make(rows: Int, seed: UInt64 = 11, edit: ((URL) throws -> Void)? = nil) throws -> MigrationFixture {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-migration-\(UUID().uuidString)")
        let legacy = folder.appendingPathComponent("legacy")
        let expectations = try LegacyFixtures(rows: rows, seed: seed).write(to: legacy)
        try edit?(legacy)
        let snapshot = try MigrationSnapshot.create(
            dashboard: legacy.appendingPathComponent(LegacyFixtures.dashboardFile).path,
            nas: legacy.appendingPathComponent(LegacyFixtures.nasFile).path,
            reports: legacy.appendingPathComponent("reports").path,
            audio: legacy.appendingPathComponent("audio").path,
            out: folder.appendingPathComponent("snapshot")
        )
        return MigrationFixture(folder: folder, expectations: expectations, snapshot: snapshot)
    }

    func cleanUp() { try? FileManager.default.removeItem(at: folder) }

    func planner(_ options: PlanOptions = PlanOptions(), batchSize: Int = 500) -> MigrationPlanner {
        var planner = MigrationPlanner(snapshot: snapshot, options: options)
        planner.batchSize = batchSize
        return planner
    }

    func importAll(into store: Store, options: PlanOptions = PlanOptions(), batchSize: Int = 500) async throws -> ImportReport {
        try await MigrationImporter(ledger: MigrationLedger(store: store), planner: planner(options, batchSize: batchSize)).run()
    }

    func verify(_ store: Store, options: PlanOptions = PlanOptions()) async throws -> VerifyReport {
        try await MigrationVerifier(store: store, planner: planner(options)).run()
    }

    /// Imports everything, writes the legacy dashboard's file back from PostgreSQL (in step with it, as when dual-write
    /// starts) and moves the phase from Off to `phase`. Returns the file's path.
    func importedWithLegacyCopy(into store: Store, phase: String) async throws -> String {
        _ = try await importAll(into: store)
        let legacy = folder.appendingPathComponent("legacy-dashboard.db").path
        #expect(try await LegacyExporter(store: store).export(to: legacy).verified)
        #expect(
            try await MigrationLedger(store: store).changePhase(
                from: "Off",
                to: phase,
                actor: "test",
                action: "migration.advance",
                details: ["test": true]
            )
        )
        return legacy
    }
}

/// Runs SQL the tests need to look at or tamper with the database directly.
func sql(_ store: Store, _ text: String) async throws -> [[String?]] {
    var result: [[String?]] = []
    let rows = try await store.client.query(PostgresQuery(unsafeSQL: text), logger: TestPostgres.logger)
    for try await row in rows {
        var cells: [String?] = []
        for cell in row { cells.append(try cell.decode(String?.self)) }
        result.append(cells)
    }
    return result
}

/// A checksum of everything the migration writes, without the columns that record when it was written.
func contentChecksum(_ store: Store) async throws -> String {
    let rows = try await sql(
        store,
        """
        SELECT md5(string_agg(x, '|' ORDER BY x)) FROM (
            SELECT 'v' || row(video_id, title, channel_name, channel_id, thumbnail_url, published_at, indexed_at, duration_seconds,
                word_count, view_count, like_count, comment_count, has_transcript, transcript_chars, content_type, complexity_level,
                language, key_topics, named_entities, categories, categorization_origin)::text AS x FROM videos
            UNION ALL SELECT 's' || row(video_id, variant, revision, is_latest, text, html, headline, raw_value, proficiency, generated_at)::text FROM summaries
            UNION ALL SELECT 'a' || row(video_id, sha256, size_bytes, duration_seconds)::text FROM audio
            UNION ALL SELECT 'l' || row(alias, video_id)::text FROM video_aliases
            UNION ALL SELECT 't' || row(video_id, reason)::text FROM tombstones
            UNION ALL SELECT 'q' || row(source_file, source_table, source_key, reason, row_data)::text FROM quarantine
            UNION ALL SELECT 'g' || row(source_file, source_table, source_key, row_sha256, outcome, target_video_id, reason, warnings)::text FROM migration_ledger
        ) t
        """
    )
    return rows.first?.first.flatMap { $0 } ?? ""
}
