import Foundation
import Testing
import YTV2Core
import YTV2Fixtures
import YTV2Legacy
import YTV2Migration
import YTV2Store
import YTV2TestSupport

/// Bad legacy input: a clear error naming the file (and the row), nothing written.
@Suite struct BadInputTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-bad-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// The snapshot step's error text for a dashboard file, or nil when it was accepted.
    static func snapshotError(_ dashboard: URL, in folder: URL) -> String? {
        let out = folder.appendingPathComponent("snapshot-\(UUID().uuidString.prefix(4))")
        do {
            _ = try MigrationSnapshot.create(dashboard: dashboard.path, nas: nil, reports: nil, audio: nil, out: out)
            return nil
        } catch {
            #expect(!FileManager.default.fileExists(atPath: out.appendingPathComponent(SnapshotManifest.fileName).path))
            return "\(error)"
        }
    }

    @Test func filesThatAreNotLegacyDatabasesAreRefusedByName() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }

        let text = folder.appendingPathComponent("notes.db")
        try Data("these are notes, not a database".utf8).write(to: text)
        #expect(Self.snapshotError(text, in: folder)?.contains("notes.db") == true)

        let noContent = folder.appendingPathComponent("other.db")
        try SQLiteShell.run(noContent.path, "CREATE TABLE things (id TEXT);")
        let missing = Self.snapshotError(noContent, in: folder)
        #expect(missing?.contains("other.db") == true && missing?.contains("content") == true && missing?.contains("missing") == true)

        let oddType = folder.appendingPathComponent("odd.db")
        try SQLiteShell.run(oddType.path, "CREATE TABLE content (id TEXT PRIMARY KEY, title SPACESHIP);")
        let odd = Self.snapshotError(oddType, in: folder)
        #expect(odd?.contains("odd.db") == true && odd?.contains("title") == true && odd?.contains("SPACESHIP") == true)

        // A database cut short (a copy interrupted mid-file).
        let whole = folder.appendingPathComponent("whole.db")
        try LegacyFixtures(rows: 300, seed: 2).write(to: folder.appendingPathComponent("gen"))
        try FileManager.default.copyItem(at: folder.appendingPathComponent("gen/dashboard.db"), to: whole)
        let data = try Data(contentsOf: whole)
        let truncated = folder.appendingPathComponent("truncated.db")
        try data.prefix(data.count / 2).write(to: truncated)
        #expect(Self.snapshotError(truncated, in: folder)?.contains("truncated.db") == true)
    }

    @Test func aSnapshotWhoseFilesChangedIsRefused() throws {
        let fixture = try MigrationFixture.make(rows: 20)
        defer { fixture.cleanUp() }
        let report = try #require(fixture.snapshot.reportFiles.first)
        try Data("{}".utf8).write(to: fixture.snapshot.url(of: report))
        #expect {
            try MigrationSnapshot.open(fixture.snapshot.directory)
        } throws: { error in
            "\(error)".contains(report) && "\(error)".contains("changed since the snapshot")
        }
    }

    @Test func malformedJSONInAColumnStopsTheImportBeforeAnyWriteAndDropQuarantinesTheRow() async throws {
        let fixture = try MigrationFixture.make(rows: 40) { legacy in
            try SQLiteShell.run(
                legacy.appendingPathComponent(LegacyFixtures.dashboardFile).path,
                "UPDATE content SET key_topics = '[\"unterminated' WHERE rowid = 3;"
            )
        }
        defer { fixture.cleanUp() }
        let rows = try LegacySQLiteFile(path: fixture.snapshot.dashboardPath!)
        var found = ""
        try rows.forEachRow(of: "content", rowids: [3]) { found = $0["id"].text ?? "" }
        let brokenID = found
        try await withTestStore { store in
            do {
                _ = try await fixture.importAll(into: store)
                Issue.record("the import must refuse a row it cannot read")
            } catch let error as UnreadableRowsError {
                #expect(error.description.contains("dashboard.sqlite"))
                #expect(error.description.contains(brokenID))
                #expect(error.description.contains("key_topics"))
            }
            #expect(try await sql(store, "SELECT count(*)::text FROM migration_ledger").first?.first == "0")
            #expect(try await sql(store, "SELECT count(*)::text FROM videos").first?.first == "0")

            let options = PlanOptions(drop: [brokenID])
            _ = try await fixture.importAll(into: store, options: options)
            let quarantined = try await sql(
                store,
                "SELECT reason, row_data->>'key_topics' FROM quarantine WHERE source_key = '\(brokenID)' AND source_table = 'content'"
            )
            #expect(quarantined.first?[0] == "dropped by the operator (--drop)")
            #expect(quarantined.first?[1] == "[\"unterminated")
            #expect(try await fixture.verify(store, options: options).passed)
        }
    }

    @Test func aReportThatIsNotJSONStopsTheImportNamingTheFile() async throws {
        let fixture = try MigrationFixture.make(rows: 30) { legacy in
            try Data("<html>502 Bad Gateway</html>".utf8).write(to: legacy.appendingPathComponent("reports/broken_report.json"))
        }
        defer { fixture.cleanUp() }
        try await withTestStore { store in
            await #expect {
                _ = try await fixture.importAll(into: store)
            } throws: { error in
                "\(error)".contains("reports/broken_report.json") && "\(error)".contains("not a JSON object")
            }
            #expect(try await sql(store, "SELECT count(*)::text FROM videos").first?.first == "0")
            // The operator can keep it whole in quarantine instead.
            _ = try await fixture.importAll(into: store, options: PlanOptions(drop: ["reports/broken_report.json"]))
            let row = try await sql(
                store,
                "SELECT row_data->>'unreadable_report_text' FROM quarantine WHERE source_file = 'reports/broken_report.json'"
            )
            #expect(row.first?.first == "<html>502 Bad Gateway</html>")
        }
    }

    /// A legacy id far longer than any real one (10,000 characters of noise) must not stop the import: the ledger and
    /// quarantine key their rows by it, and an index entry over it cannot exceed ~2,700 bytes.
    @Test func anOverlongLegacyIDIsAccountedForAndDoesNotStopTheImport() async throws {
        let fixture = try MigrationFixture.make(rows: 30) { legacy in
            try SQLiteShell.run(
                legacy.appendingPathComponent(LegacyFixtures.dashboardFile).path,
                "UPDATE content SET id = 'yt:' || lower(hex(randomblob(5000))) WHERE rowid = 3;"
            )
        }
        defer { fixture.cleanUp() }
        try await withTestStore { store in
            _ = try await fixture.importAll(into: store)
            let entry = try await sql(
                store,
                """
                SELECT outcome, warnings::text FROM migration_ledger
                WHERE source_file = 'dashboard.sqlite' AND source_table = 'content' AND source_key = 'rowid 3'
                """
            )
            #expect(entry.count == 1)
            #expect(entry.first?[1]?.contains("10003 bytes long; the row is keyed by its rowid") == true)
            #expect(try await fixture.verify(store).passed)
            let second = try await fixture.importAll(into: store)
            #expect(second.changes == 0)
        }
    }

    /// A legacy id that names different videos in the two files (the NAS row's video_id says another video), as the
    /// usual `yt:` id or renamed to a `hash:` id: each file's summary rows follow their own file's content row, and
    /// the id stays the alias of the dashboard's video.
    @Test(arguments: ["", "hash:0123456789ab"])
    func aLegacyIDNamingDifferentVideosInTheTwoFilesKeepsEachFilesRowsWithTheirVideo(renamedTo newID: String) async throws {
        var picked = ""
        let other = "QqQqQqQqQqQ"
        let fixture = try MigrationFixture.make(rows: 30) { legacy in
            let nas = legacy.appendingPathComponent(LegacyFixtures.nasFile)
            let dashboard = legacy.appendingPathComponent(LegacyFixtures.dashboardFile)
            picked = try SQLiteShell.run(
                nas.path,
                """
                ATTACH '\(dashboard.path)' AS d;
                SELECT c.video_id FROM content c JOIN d.content dc ON dc.id = c.id
                WHERE c.video_id = dc.video_id AND length(c.video_id) = 11 AND c.id = 'yt:' || lower(c.video_id)
                  AND c.id IN (SELECT content_id FROM content_summaries) AND dc.id IN (SELECT content_id FROM d.content_summaries)
                ORDER BY c.rowid LIMIT 1;
                """
            )
            let oldID = "yt:" + picked.lowercased()
            if !newID.isEmpty {
                try SQLiteShell.run(
                    dashboard.path,
                    """
                    UPDATE content SET id = '\(newID)' WHERE id = '\(oldID)';
                    UPDATE content_summaries SET content_id = '\(newID)' WHERE content_id = '\(oldID)';
                    """
                )
                try SQLiteShell.run(
                    nas.path,
                    """
                    UPDATE content SET id = '\(newID)' WHERE id = '\(oldID)';
                    UPDATE content_summaries SET content_id = '\(newID)' WHERE content_id = '\(oldID)';
                    UPDATE content_files SET content_id = '\(newID)' WHERE content_id = '\(oldID)';
                    UPDATE migration_log SET content_id = '\(newID)' WHERE content_id = '\(oldID)';
                    """
                )
            }
            try SQLiteShell.run(
                nas.path,
                """
                UPDATE content SET video_id = '\(other)', canonical_url = NULL, indexed_at = '2030-01-01T00:00:00Z'
                WHERE video_id = '\(picked)'
                """
            )
        }
        defer { fixture.cleanUp() }
        let original = picked
        let legacyID = newID.isEmpty ? try VideoID(original).legacyID : newID
        try await withTestStore { store in
            _ = try await fixture.importAll(into: store)
            #expect(try await fixture.verify(store).passed)
            // The dashboard's video keeps its summary rows and its legacy id; the NAS row's video has the NAS rows.
            #expect(try await ReportReader(store: store).resolve(legacyID)?.rawValue == original)
            #expect(try await ReportReader(store: store).report(id: other) != nil)
            let targets = try await sql(
                store,
                """
                SELECT source_file, target_video_id FROM migration_ledger
                WHERE source_table = 'content_summaries' AND target_video_id IN ('\(original)', '\(other)') ORDER BY 1
                """
            )
            #expect(targets == [["dashboard.sqlite", original], ["nas.sqlite", other]])
            let latest = try await sql(store, "SELECT count(*)::text FROM summaries WHERE video_id = '\(original)' AND is_latest")
            #expect(latest.first?.first != "0")
        }
    }
}
