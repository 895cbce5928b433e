import Foundation
import NIOHTTP1
import Testing
import YTV2Core
import YTV2Store
import YTV2TestSupport

/// Invariant 4 across write paths, through the real commands: a video imported with the legacy processor's
/// placeholders gets its real values from an ingest, then its legacy row changes (as during dual-write) and a new
/// snapshot is imported. The real values stay; the legacy row's one real news arrives.
@Suite(.timeLimit(.minutes(3))) struct MergeRuleTests {
    static let video = "mRgRule0001"

    /// Runs `statements` on a legacy SQLite file with the sqlite3 shell.
    static func sqlite(_ file: URL, _ statements: String) async throws {
        let (status, _, errors) = try await EndToEnd.run([], environment: [:], executable: "/usr/bin/sqlite3", arguments: [file.path, statements])
        #expect(status == 0, "sqlite3: \(errors)")
    }

    /// Every column of the video's row, as text.
    static func fields(_ database: DatabaseConfiguration) async throws -> [String: String] {
        let store = Store(configuration: database, logger: TestPostgres.logger)
        return try await store.withRunning { try #require(try await MigrationLedger(store: $0).videoStates([Self.video])[Self.video]).fields }
    }

    static func snapshotAndImport(_ legacy: URL, into snapshot: URL, environment: [String: String]) async throws {
        try await EndToEnd.cli(
            ["migrate", "snapshot", "--dashboard", legacy.path + "/dashboard.db", "--nas", legacy.path + "/nas.db", "--out", snapshot.path],
            environment: environment
        )
        try await EndToEnd.cli(["migrate", "import", snapshot.path], environment: environment)
    }

    @Test func reImportingPlaceholdersKeepsTheRealValuesAnIngestStored() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-merge-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TestPostgres.shared.makeDatabase()
        let environment = ["DATABASE_URL": database.url, "LOG_LEVEL": "error", "YTV2_INGEST_TOKEN": EndToEnd.ingestToken]
        let legacy = folder.appendingPathComponent("legacy")
        // Empty legacy files with their schemas, then one row as the legacy processor left it: placeholders everywhere.
        try await EndToEnd.cli(["fixtures", "legacy", "--rows", "0", "--out", legacy.path], environment: environment)
        let dashboard = legacy.appendingPathComponent("dashboard.db")
        try await Self.sqlite(
            dashboard,
            """
            INSERT INTO content (id, video_id, title, channel_name, canonical_url, indexed_at, duration_seconds, word_count,
                view_count, like_count, comment_count, has_transcript, transcript_chars, language, content_type)
            VALUES ('yt:\(Self.video.lowercased())', '\(Self.video)', 'Untitled', 'Unknown', 'https://www.youtube.com/watch?v=\(Self.video)',
                '2024-03-01 10:00:00', 0, 0, 0, 0, 0, 0, 0, '', '');
            """
        )
        try await Self.snapshotAndImport(legacy, into: folder.appendingPathComponent("snapshot-1"), environment: environment)

        // The processor's report, with the real values, through the dashboard's ingest route.
        let port = EndToEnd.freePort()
        let serve = try EndToEnd.Running(["serve", "--port", String(port)], environment: environment, logFolder: folder)
        let base = "http://127.0.0.1:\(port)"
        try await EndToEnd.waitForHealth(base)
        let report: [String: Any] = [
            "video_id": Self.video, "title": "How Merge Rules Keep Real Values", "channel_name": "Real Channel", "channel_id": "UCreal",
            "duration_seconds": 754, "word_count": 1200, "view_count": 48_213, "like_count": 1_904, "comment_count": 77,
            "has_transcript": true, "transcript_chars": 15_000, "language": "en", "content_type": "Tutorial",
            "key_topics": ["merging"], "named_entities": ["PostgreSQL"],
            "summary": "**Overview:** placeholders never replace stored values.",
        ]
        #expect(try await EndToEnd.ingest(Array(try JSONSerialization.data(withJSONObject: report)), dashboard: base) == 200)
        await serve.stop()

        let ingested = try await Self.fields(database)
        #expect(ingested["title"] == "How Merge Rules Keep Real Values" && ingested["view_count"] == "48213", "\(ingested)")

        // The legacy row changes: its only real news is a comment count; its title becomes another placeholder.
        try await Self.sqlite(
            dashboard,
            "UPDATE content SET title = 'Video', comment_count = 81, updated_at = '2024-03-02 10:00:00' WHERE video_id = '\(Self.video)';"
        )
        try await Self.snapshotAndImport(legacy, into: folder.appendingPathComponent("snapshot-2"), environment: environment)

        let after = try await Self.fields(database)
        var expected = ingested
        expected["comment_count"] = "81"
        for column in VideoState.fieldNames {
            #expect(after[column] == expected[column], "\(column): \(after[column] ?? "nil"), expected \(expected[column] ?? "nil")")
        }
    }
}
