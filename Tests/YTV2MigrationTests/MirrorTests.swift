import Foundation
import GRDB
import Logging
import Synchronization
import Testing
import YTV2Core
import YTV2Fixtures
import YTV2Legacy
import YTV2Migration
import YTV2Store
import YTV2TestSupport

/// The dual-write mirror: writes committed to PostgreSQL (by any process) reach the legacy dashboard file with a parity
/// record each; a mirror failure keeps the primary write, shows in the parity figures and the Shadow gate, and goes
/// through once the file can be written again.
@Suite struct MirrorTests {
    static func waitFor(_ condition: () async throws -> Bool) async throws -> Bool {
        for _ in 0..<400 {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    @Test func writesAndDeletesReachTheLegacyFileAndFailuresAreRetried() async throws {
        let fixture = try MigrationFixture.make(rows: 40, seed: 12)
        defer { fixture.cleanUp() }
        try await withTestStore { store in
            let legacy = try await fixture.importedWithLegacyCopy(into: store, phase: "DualWrite")

            var mirror = try LegacyMirror(store: store, path: legacy, logger: TestPostgres.logger)
            mirror.retryInterval = .milliseconds(200)
            let running = Task { [mirror] in try await mirror.run() }
            defer { running.cancel() }
            try await Task.sleep(for: .milliseconds(300))  // the feed is listening

            // A processor result and a dashboard delete, committed to PostgreSQL only.
            var metadata = VideoMetadata()
            metadata.title = "Processed during dual-write"
            _ = try await VideoStore(store: store).commit(
                VideoWrite(
                    videoID: try VideoID("DualWrite01"),
                    metadata: metadata,
                    summaries: [SummaryDraft(variant: .comprehensive, text: "Mirrored.")],
                    actor: "processor"
                )
            )
            let victim = try #require(fixture.expectations.curated.keys.sorted().last)
            _ = try await VideoStore(store: store).delete(try VideoID(victim), actor: "dashboard:admin", reason: "test")
            #expect(try await Self.waitFor { try await MigrationLedger(store: store).parityFigures(since: .distantPast).matches >= 2 })
            let rows = try await DatabaseQueue(path: legacy).read { try String.fetchAll($0, sql: "SELECT video_id FROM content") }
            #expect(rows.contains("DualWrite01") && !rows.contains(victim))

            // The legacy dashboard holds a write lock (on a thread of its own, until the test lets go): the mirror
            // fails, PostgreSQL keeps the write.
            let blocker = try DatabaseQueue(path: legacy)
            let holding = Mutex(false)
            let release = DispatchSemaphore(value: 0)
            let holder = Thread {
                try? blocker.inTransaction(.exclusive) { _ in
                    holding.withLock { $0 = true }
                    release.wait()
                    return .commit
                }
            }
            holder.start()
            defer { release.signal() }  // never leave the lock held when an expectation fails
            #expect(try await Self.waitFor { holding.withLock { $0 } })
            metadata.title = "Processed while the legacy file was locked"
            _ = try await VideoStore(store: store).commit(
                VideoWrite(
                    videoID: try VideoID("DualWrite02"),
                    metadata: metadata,
                    summaries: [SummaryDraft(variant: .comprehensive, text: "Later.")],
                    actor: "processor"
                )
            )
            #expect(
                try await Self.waitFor { try await MigrationLedger(store: store).parityFigures(since: .distantPast).unresolvedMirrorFailures == 1 }
            )
            #expect(try await ReportReader(store: store).report(id: "DualWrite02") != nil)
            let refused = try await MigrationPhases(store: store).status()
            #expect(refused.gate.first { $0.name == "unresolved mirror failures" }?.passed == false)
            #expect(try await MigrationLedger(store: store).unresolvedMirrorFailures() == ["DualWrite02"])

            // Lock released: the retry goes through, parity is whole again, and the gate opens.
            release.signal()
            #expect(
                try await Self.waitFor { try await MigrationLedger(store: store).parityFigures(since: .distantPast).unresolvedMirrorFailures == 0 }
            )
            let differences = try await LegacyExporter(store: store).verify(legacy)
            #expect(differences.isEmpty, "\(differences.prefix(5))")
            let figures = try await MigrationLedger(store: store).parityFigures(since: .distantPast)
            #expect(figures.mismatches == 0 && figures.matches >= 3)
            #expect(try await MigrationPhases(store: store).advance(actor: "test").phase == .shadow)
        }
    }

    @Test func theMirrorWritesNothingOutsideDualWriteAndShadow() async throws {
        try await withTestStore { store in
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-mirror-\(UUID().uuidString).db").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            _ = try LegacyDashboardWriter(creating: path)
            let outcome = try await LegacyMirror(store: store, path: path, logger: TestPostgres.logger).mirror("dQw4w9WgXcQ")
            #expect(outcome == .skipped)
            #expect(try await MigrationLedger(store: store).parityFigures(since: .distantPast).records == 0)
        }
    }
}
