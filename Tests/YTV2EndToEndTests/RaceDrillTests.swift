import Foundation
import NIOHTTP1
import Synchronization
import Testing
import YTV2Core
import YTV2Fakes
import YTV2Legacy
import YTV2Store
import YTV2TestSupport

/// Drill 2: a long delete session through the dashboard API while two `ytv2 worker` processes commit results for other
/// videos and for some of the videos being deleted, with random timings, for `E2E_RACE_SECONDS` (default 120).
@Suite(.serialized, EndToEnd.timeLimit(running: "E2E_RACE_SECONDS", default: 120, margin: 5)) struct RaceDrillTests {
    @Test func deletesHoldWhileTwoWorkersCommit() async throws {
        let seconds = EndToEnd.seconds("E2E_RACE_SECONDS", default: 120)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-e2e-race-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TestPostgres.shared.makeDatabase()
        let env = ["DATABASE_URL": database.url, "LOG_LEVEL": "warning"]
        let begun = ContinuousClock.now
        // Where the drill is, for a run that has to be read from its log.
        @Sendable func phase(_ text: String) { print("RACE | \((ContinuousClock.now - begun).components.seconds) s: \(text)") }
        try await EndToEnd.migrateFixtures(rows: 260, seed: 4, folder: folder, environment: env)
        phase("fixtures imported")

        let port = EndToEnd.freePort()
        let dashboard = "http://127.0.0.1:\(port)"
        let serve = try EndToEnd.Running(
            ["serve", "--port", String(port)],
            environment: env.merging(["YTV2_ADMIN_TOKEN": EndToEnd.adminToken]) { $1 },
            logFolder: folder
        )
        try await EndToEnd.waitForHealth(dashboard)
        var existing: [String] = []
        for page in 1...6 {
            let body = EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/reports?size=50&page=\(page)").1)
            existing += (body["reports"] as? [[String: Any]] ?? []).compactMap { $0["video_id"] as? String }
        }
        let victims = Array(existing.shuffled().prefix(200))
        phase("dashboard up, \(existing.count) videos listed")
        #expect(victims.count == 200)
        let newVideos = (0..<100).map { String(format: "RaceNew%04d", $0) }

        let services = FakeServices()
        // Slow answers keep jobs in flight while the deletes land.
        services.update { $0.answerDelay = 0...1_500 }
        let started = ContinuousClock.now
        let tally = Mutex([String: Int]())
        try await services.run { base in
            let processorEnv = env.merging(["YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "YTDLP": "0", "TTS_LOCAL": "0"]) { $1 }
            let workers = try (0..<2).map { _ in
                try EndToEnd.Running(["worker", "--concurrency", "2", "--lease-seconds", "10"], environment: processorEnv, logFolder: folder)
            }
            // Ten rounds: queue jobs for the round's victims (still present) and for new videos, then delete the victims
            // at random moments while the workers run those jobs. The gaps between deletes spread them over `seconds`.
            let spacing = seconds * 1000 / victims.count
            var remaining = victims
            var pendingNew = newVideos
            while !remaining.isEmpty {
                let round = tally.withLock { counts in
                    counts["rounds", default: 0] += 1
                    return counts["rounds"] ?? 0
                }
                phase("round \(round): queueing and deleting")
                let batch = Array(remaining.prefix(20))
                remaining.removeFirst(batch.count)
                let fresh = Array(pendingNew.prefix(max(1, newVideos.count * batch.count / 200)))
                pendingNew.removeFirst(min(fresh.count, pendingNew.count))
                let urls = (batch.shuffled().prefix(batch.count / 2 + 1) + fresh).map { "https://youtu.be/\($0)" }
                try await EndToEnd.cli(["process", "--queue-only", "--force"] + urls, environment: processorEnv)
                for id in batch.shuffled() {
                    try await Task.sleep(for: .milliseconds(spacing + Int.random(in: 0...(spacing / 2))))
                    let (status, _) = try await EndToEnd.http(.DELETE, dashboard + "/api/delete/yt:\(id)", token: EndToEnd.adminToken)
                    tally.withLock { $0[status == 200 ? "deletes" : "errors", default: 0] += 1 }
                }
            }
            if !pendingNew.isEmpty {
                try await EndToEnd.cli(["process", "--queue-only"] + pendingNew.map { "https://youtu.be/\($0)" }, environment: processorEnv)
            }
            // Let the workers drain the queue.
            phase("draining the queue")
            _ = try await EndToEnd.drainedJobs(database, limit: 1000, timeout: .seconds(60))
            phase("stopping the workers")
            for worker in workers { await worker.stop() }
        }
        phase("checking")
        let elapsed = ContinuousClock.now - started
        let (deletes, rounds, deleteErrors) = tally.withLock { ($0["deletes"] ?? 0, $0["rounds"] ?? 0, $0["errors"] ?? 0) }

        // Every delete holds, every other result is stored once, no revision gaps.
        var resurrections = 0
        for id in victims where try await EndToEnd.http(.GET, dashboard + "/api/reports/yt:\(id)").0 != 404 { resurrections += 1 }
        var lost = 0
        for id in newVideos where try await EndToEnd.http(.GET, dashboard + "/api/reports/yt:\(id)").0 != 200 { lost += 1 }
        let store = Store(configuration: database, logger: TestPostgres.logger)
        let (findings, tombstoned, cancelled) = try await store.withRunning { store in
            // Orphans, gaps in revision numbers, a revision equal to the one before it, not exactly one latest, content of
            // tombstoned videos: the same structural checks `migrate verify` runs.
            let findings = try await MigrationLedger(store: store).integrityFindings()
            let tombstoned = try await MigrationLedger(store: store).tombstoned(victims).count
            let cancelled = try await JobQueue(store: store).recent(limit: 1000).filter { $0.status == .cancelled }.count
            return (findings, tombstoned, cancelled)
        }
        let duplicates = findings.filter { $0.hasPrefix("a revision stored twice") }.count
        let gaps = findings.filter { $0.contains("gaps") || $0.contains("exactly one latest") }.count
        await serve.stop()
        #expect(deleteErrors == 0)
        #expect(resurrections == 0)
        #expect(tombstoned == 200)
        #expect(lost == 0)
        #expect(findings.isEmpty, "\(findings)")
        #expect(elapsed >= .seconds(seconds))
        EndToEnd.report(
            "race (2 workers)",
            iterations: rounds,
            operations: deletes + newVideos.count + victims.count / 2,
            failures: deleteErrors + lost,
            figures:
                "resurrections \(resurrections), lost writes \(lost), duplicate revisions \(duplicates), revision gaps \(gaps), jobs cancelled: deleted \(cancelled), \(elapsed.components.seconds) s"
        )
        try? await TestPostgres.shared.dropDatabase(database)
    }
}
