import Foundation
import GRDB
import Testing
import YTV2Core
import YTV2Fixtures
import YTV2Legacy
import YTV2Migration
import YTV2Store
import YTV2TestSupport

/// `migrate export-legacy`: PostgreSQL written back in the legacy dashboard format, deletes and new videos included,
/// and proven by planning the file again; a tampered export is caught down to the video and field.
@Suite struct ExportLegacyTests {
    @Test func exportCarriesDeletesAndNewVideosAndVerifiesInReverse() async throws {
        let fixture = try MigrationFixture.make(rows: 60, seed: 8)
        defer { fixture.cleanUp() }
        try await withTestStore { store in
            _ = try await fixture.importAll(into: store)
            // Since the cutover: one video deleted, one processed (no legacy id, curated by nobody, two variants).
            let victim = try #require(fixture.expectations.curated.keys.sorted().first)
            _ = try await VideoStore(store: store).delete(try VideoID(victim), actor: "test", reason: "after the cutover")
            var metadata = VideoMetadata()
            metadata.title = "New after cutover"
            metadata.channelName = "Channel"
            metadata.indexedAt = Date(timeIntervalSince1970: 1_800_000_000.123)
            _ = try await VideoStore(store: store).commit(
                VideoWrite(
                    videoID: try VideoID("NewAfterCut"),
                    metadata: metadata,
                    categorization: Categorization(
                        entries: [CategoryEntry(category: "Technology", subcategories: ["Web Development"])],
                        origin: .processor
                    ),
                    summaries: [
                        SummaryDraft(variant: .comprehensive, text: "**Main:** point"), SummaryDraft(variant: .bulletPoints, text: "- a\n- b"),
                    ],
                    actor: "processor"
                )
            )

            let path = fixture.folder.appendingPathComponent("export.db").path
            let report = try await LegacyExporter(store: store).export(to: path)
            #expect(report.verified, "\(report.differences.prefix(10))")
            #expect(report.videos == (try await ReportReader(store: store).videoCount()))
            let file = try LegacySQLiteFile(path: path)
            #expect(try file.integrityCheck() == ["ok"])
            let ids = try await DatabaseQueue(path: path).read { try String.fetchAll($0, sql: "SELECT video_id FROM content") }
            #expect(ids.contains("NewAfterCut"))
            #expect(!ids.contains(victim))

            // A change in the file, or in PostgreSQL after the export, is named by the reverse verification.
            try await DatabaseQueue(path: path).write { try $0.execute(sql: "UPDATE content SET title = 'tampered' WHERE video_id = 'NewAfterCut'") }
            let differences = try await LegacyExporter(store: store).verify(path)
            #expect(differences.contains { $0.hasPrefix("NewAfterCut title") }, "\(differences)")
            // An existing file is never overwritten.
            await #expect(throws: LegacyReadError.self) { _ = try await LegacyExporter(store: store).export(to: path) }
        }
    }

    @Test func aSealedGuardRefusesTheExportFile() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-sealed-\(UUID().uuidString).db").path
        #expect(throws: LegacyWriteGuard.Refused.self) {
            _ = try LegacyWriteGuard.openForWriting(path, sealedBecause: "the migration is Complete")
        }
        #expect(!FileManager.default.fileExists(atPath: path))
    }
}
