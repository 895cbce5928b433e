import Foundation
import Testing
import YTV2Core
import YTV2TestSupport

@testable import YTV2Store

@Suite struct BackupTests {
    @Test func backupDropRestoreGivesIdenticalFigures() async throws {
        let configuration = try await TestPostgres.shared.makeDatabase()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-backup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let backup = DatabaseBackup(logger: TestPostgres.logger)

        let (manifest, before) = try await Store(configuration: configuration, logger: TestPostgres.logger).withRunning { store in
            try await VideoStore(store: store).commit(
                Fixture.write(
                    "dQw4w9WgXcQ",
                    categories: [CategoryEntry(category: "History", subcategories: ["Biographies"])],
                    origin: .curated,
                    audio: TestAudio.mp3(100_000)
                )
            )
            try await VideoStore(store: store).commit(
                Fixture.write("AAAAAAAAAAA", summaries: [(.comprehensive, "héllo 👋"), (.audioFrench, "bonjour")])
            )
            try await VideoStore(store: store).commit(Fixture.write("BBBBBBBBBBB"))
            try await VideoStore(store: store).delete(Fixture.id("BBBBBBBBBBB"), actor: "admin")
            let manifest = try await backup.backup(store: store, to: directory)
            return (manifest, try await DatabaseBackup.figures(store: store))
        }
        #expect(manifest.tables["videos"]?.rows == 2)
        #expect(manifest.tables["tombstones"]?.rows == 1)
        #expect(manifest.tables == before)

        try await TestPostgres.shared.dropDatabase(configuration)
        let restored = try await backup.restore(from: directory, into: configuration)
        #expect(restored.dumpSHA256 == manifest.dumpSHA256)
        let after = try await Store(configuration: configuration, logger: TestPostgres.logger).withRunning { store in
            let figures = try await DatabaseBackup.figures(store: store)
            // The restored audit chain still verifies, and new entries extend it.
            #expect(try await AuditLog(store: store).verifyChain().isIntact)
            try await AuditLog(store: store).append(actor: "tester", action: "after.restore", details: ["ok": true])
            #expect(try await AuditLog(store: store).verifyChain().isIntact)
            #expect(try await ReportReader(store: store).audioBytes(for: Fixture.id("dQw4w9WgXcQ")) == TestAudio.mp3(100_000))
            return figures
        }
        #expect(after == before)
        try await TestPostgres.shared.dropDatabase(configuration)
    }

    @Test func aDumpThatNoLongerMatchesItsManifestIsRefusedBeforeRestoring() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-backup-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let backup = DatabaseBackup(logger: TestPostgres.logger)
        try await withTestStore { store in
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ"))
            _ = try await backup.backup(store: store, to: directory)
            let dump = directory.appendingPathComponent(DatabaseBackup.dumpName)
            let handle = try FileHandle(forWritingTo: dump)
            try handle.seekToEnd()
            try handle.write(contentsOf: Data([0x00]))
            try handle.close()
            do {
                _ = try await backup.restore(from: directory, into: store.configuration)
                Issue.record("a tampered dump must be refused")
            } catch StoreError.backup(let message) {
                #expect(message.contains("sha256"))
            }
            #expect(try await ReportReader(store: store).videoCount() == 1)
        }
    }
}
