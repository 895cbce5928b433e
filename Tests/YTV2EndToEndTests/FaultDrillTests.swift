import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing
import YTV2Core
import YTV2Fakes
import YTV2Store
import YTV2TestSupport

#if canImport(Glibc)
import Glibc
import NIOHTTP1
#endif

/// Drill 4: faults. PostgreSQL crashes (`pg_ctl stop -m immediate`) under a read/write load while workers commit; a
/// worker and an import are killed with SIGKILL mid-way.
@Suite(.serialized, EndToEnd.timeLimit(margin: 10)) struct FaultDrillTests {
    /// What the load saw, per kind of request.
    struct Tally: Sendable {
        var requests = 0
        var unavailable = 0
        /// Answers other than the intended ones (200, 404 for a delete already done, 503 while the database is down).
        var unexpected: [String] = []
        var ackedDeletes: [String] = []
        var ackedIngests: [String] = []
    }

    /// State shared by the load clients and the task that crashes the server.
    final class Load: Sendable {
        let tally = Mutex(Tally())
        let pendingDeletes: Mutex<[String]>
        let pendingIngests: Mutex<[String]>
        let phase = Mutex("before")
        let outage = Mutex(Duration.zero)

        init(deletes: [String], ingests: [String]) {
            pendingDeletes = Mutex(deletes)
            pendingIngests = Mutex(ingests)
        }

        var pending: Int { pendingDeletes.withLock { $0.count } + pendingIngests.withLock { $0.count } }
        var running: Bool { phase.withLock { $0 } != "done" }
    }

    @Test func databaseCrashUnderLoadLosesNoCommittedWrite() async throws {
        // Its own durable cluster: stopping the shared test server would break the suites running beside this one, and
        // an immediate stop of a durable server is a crash whose committed transactions must survive.
        let root = URL(fileURLWithPath: "/tmp/ytv2-e2e-fault-\(UUID().uuidString.prefix(8))")
        let cluster = LocalCluster(root: root, durable: true)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-e2e-fault-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer {
            cluster.stopImmediately()
            try? FileManager.default.removeItem(at: root)
            try? FileManager.default.removeItem(at: folder)
        }
        let database = try await cluster.start(logger: TestPostgres.logger)
        let env = ["DATABASE_URL": database.url, "LOG_LEVEL": "warning"]
        try await EndToEnd.migrateFixtures(rows: 80, seed: 12, folder: folder, environment: env)

        let port = EndToEnd.freePort()
        let dashboard = "http://127.0.0.1:\(port)"
        let serve = try EndToEnd.Running(
            ["serve", "--port", String(port)],
            environment: env.merging(["YTV2_ADMIN_TOKEN": EndToEnd.adminToken, "YTV2_INGEST_TOKEN": EndToEnd.ingestToken]) { $1 },
            logFolder: folder
        )
        try await EndToEnd.waitForHealth(dashboard)
        let listed = EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/reports?size=50").1)
        let victims = Array((listed["reports"] as? [[String: Any]] ?? []).compactMap { $0["video_id"] as? String }.shuffled().prefix(25))
        let ingests = (0..<25).map { String(format: "FaultIng%03d", $0) }
        let jobVideos = (0..<20).map { String(format: "FaultJob%03d", $0) }

        let services = FakeServices()
        // Answers that take a while keep jobs in flight when the server goes down.
        services.update { $0.answerDelay = 100...1_200 }
        let load = Load(deletes: victims, ingests: ingests)
        let workersSurvived = Mutex(false)
        try await services.run { base in
            let processorEnv = env.merging(["YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "YTDLP": "0", "TTS_LOCAL": "0"]) { $1 }
            let workers = try (0..<2).map { _ in
                try EndToEnd.Running(["worker", "--concurrency", "2", "--lease-seconds", "5"], environment: processorEnv, logFolder: folder)
            }
            try await EndToEnd.cli(["process", "--queue-only"] + jobVideos.prefix(10).map { "https://youtu.be/\($0)" }, environment: processorEnv)

            try await withThrowingTaskGroup(of: Void.self) { group in
                for client in 0..<4 {
                    group.addTask {
                        var random = SplitMix64(seed: UInt64(client + 1))
                        while load.running { try await Self.oneRequest(dashboard, random: &random, load: load) }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: .seconds(2))
                    // More jobs just before the crash, so some are mid-way when the server goes.
                    try await EndToEnd.cli(
                        ["process", "--queue-only"] + jobVideos.suffix(10).map { "https://youtu.be/\($0)" },
                        environment: processorEnv
                    )
                    try await Task.sleep(for: .seconds(1))
                    // The crash: no shutdown checkpoint, connections cut mid-transaction.
                    load.phase.withLock { $0 = "during" }
                    let down = ContinuousClock.now
                    _ = try await cluster.stop(mode: "immediate")
                    // Longer than the dashboard waits for a connection (10 s): a request that waits out its lease
                    // answers 503, so the outage is visible however the machine schedules the requests.
                    try await Task.sleep(for: .seconds(12))
                    _ = try await cluster.start(logger: TestPostgres.logger)
                    load.outage.withLock { $0 = ContinuousClock.now - down }
                    load.phase.withLock { $0 = "after" }
                    // Load goes on until every refused write went through, and a few seconds more.
                    try await Task.sleep(for: .seconds(4))
                    for _ in 0..<600 {
                        if load.pending == 0 { break }
                        try await Task.sleep(for: .milliseconds(100))
                    }
                    load.phase.withLock { $0 = "done" }
                }
                try await group.waitForAll()
            }
            // Let the workers finish the queue; they went through the crash without a restart.
            _ = try await EndToEnd.drainedJobs(database, limit: 100, timeout: .seconds(120))
            workersSurvived.withLock { $0 = workers.allSatisfy { $0.process.isRunning } }
            for worker in workers { await worker.stop() }
        }

        let result = load.tally.withLock { $0 }
        let outage = load.outage.withLock { $0 }
        let serveSurvived = serve.process.isRunning
        let healthAfter = try await EndToEnd.http(.GET, dashboard + "/health/db").0
        // Every acknowledged delete holds, every acknowledged ingest is there with its summaries.
        var lost = 0
        for id in result.ackedDeletes where try await EndToEnd.http(.GET, dashboard + "/api/reports/yt:\(id)").0 != 404 { lost += 1 }
        for id in result.ackedIngests {
            let (status, body) = try await EndToEnd.http(.GET, dashboard + "/api/reports/yt:\(id)")
            if status != 200 || !String(decoding: body, as: UTF8.self).contains("Ingested during the fault drill \(id)") { lost += 1 }
        }
        let store = Store(configuration: database, logger: TestPostgres.logger)
        let (findings, tombstoned, jobs, incomplete) = try await store.withRunning { store in
            let jobs = try await JobQueue(store: store).recent(limit: 100)
            var incomplete: [String] = []
            for job in jobs where job.status == .succeeded {
                let stored = try await ReportReader(store: store).storedVariants(job.videoID)
                if !Set(job.variants).isSubset(of: stored) { incomplete.append("\(job.videoID): has \(stored.sorted()), asked \(job.variants)") }
            }
            return (
                try await MigrationLedger(store: store).integrityFindings(),
                try await MigrationLedger(store: store).tombstoned(result.ackedDeletes).count, jobs, incomplete
            )
        }
        let failedJobs = jobs.filter { $0.status != .succeeded }.map { "\($0.videoID) \($0.status): \($0.reason ?? "")" }
        let retried = jobs.filter { $0.attempts > 1 }.count
        await serve.stop()

        #expect(result.unexpected.isEmpty, "\(result.unexpected.prefix(10))")
        #expect(result.unavailable > 0, "no request saw the outage")
        #expect(result.ackedDeletes.count == victims.count && result.ackedIngests.count == ingests.count)
        #expect(lost == 0)
        #expect(tombstoned == result.ackedDeletes.count)
        #expect(jobs.count == jobVideos.count && failedJobs.isEmpty, "\(failedJobs)")
        #expect(incomplete.isEmpty, "\(incomplete)")
        #expect(findings.isEmpty, "\(findings)")
        #expect(serveSurvived && workersSurvived.withLock { $0 }, "a service had to be restarted")
        #expect(healthAfter == 200)
        for log in [serve.output] { #expect(!log.contains(EndToEnd.adminToken) && !log.contains(EndToEnd.ingestToken)) }
        let duplicates = findings.filter { $0.hasPrefix("a revision stored twice") }.count
        let halfWritten = findings.filter { $0.contains("half-written") || $0.hasPrefix("summary revisions of a video") }.count
        EndToEnd.report(
            "faults: database crash",
            iterations: 1,
            operations: result.requests,
            failures: result.unexpected.count + lost + failedJobs.count,
            figures:
                "outage \(outage.components.seconds) s, 503 answers \(result.unavailable), lost writes \(lost), duplicate revisions \(duplicates), "
                + "half-written videos \(halfWritten), jobs retried \(retried)/\(jobs.count), restarts 0"
        )
    }

    @Test func killedWorkerAndKilledImportComplete() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-e2e-kill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TestPostgres.shared.makeDatabase()
        let env = ["DATABASE_URL": database.url, "LOG_LEVEL": "warning"]
        let store = Store(configuration: database, logger: TestPostgres.logger)

        // kill -9 of a worker holding two jobs: another worker takes them over once their leases run out.
        let videos = (0..<4).map { String(format: "KillJob%04d", $0) }
        let services = FakeServices()
        let outcome = Mutex<([Job], Int)>(([], 0))
        try await services.run { base in
            let processorEnv = env.merging(["YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "YTDLP": "0", "TTS_LOCAL": "0"]) { $1 }
            try await EndToEnd.cli(["process", "--queue-only"] + videos.map { "https://youtu.be/\($0)" }, environment: processorEnv)
            await services.gate.close()
            let doomed = try EndToEnd.Running(["worker", "--concurrency", "2", "--lease-seconds", "3"], environment: processorEnv, logFolder: folder)
            for _ in 0..<1500 where await services.gate.waiting < 2 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(await services.gate.waiting == 2, "the worker never got mid-job")
            kill(doomed.process.processIdentifier, SIGKILL)
            await doomed.stop()
            await services.gate.open()
            let rescuer = try EndToEnd.Running(
                ["worker", "--concurrency", "2", "--lease-seconds", "3"],
                environment: processorEnv,
                logFolder: folder
            )
            let jobs = try await EndToEnd.drainedJobs(database, limit: 10, timeout: .seconds(90))
            let result = try await store.withRunning { store in
                var revisions = 0
                for id in videos { revisions += try await ReportReader(store: store).revisions(of: VideoID(id), variant: .comprehensive).count }
                return (jobs, revisions)
            }
            await rescuer.stop()
            outcome.withLock { $0 = result }
        }
        let (jobs, revisions) = outcome.withLock { $0 }
        #expect(jobs.count == 4 && jobs.allSatisfy { $0.status == .succeeded }, "\(jobs.map { "\($0.videoID) \($0.status)" })")
        #expect(jobs.filter { $0.attempts == 2 }.count == 2, "the two interrupted jobs run a second time, the others once")
        #expect(revisions == 4, "one comprehensive revision per video")

        // kill -9 of `migrate import` part-way: the next run completes and `migrate verify` passes.
        let (_, snapshot) = try await EndToEnd.migrateFixtures(rows: 3000, seed: 21, folder: folder, environment: env, importing: false)
        let importer = try EndToEnd.Running(["migrate", "import", snapshot], environment: env, logFolder: folder)
        let ledgerAtKill = try await Store(configuration: database, logger: TestPostgres.logger).withRunning { store in
            var count = 0
            for _ in 0..<3000 where importer.process.isRunning {
                count = try await MigrationLedger(store: store).ledgerCount(files: ["dashboard.sqlite", "nas.sqlite"])
                if count > 0 { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            kill(importer.process.processIdentifier, SIGKILL)
            return count
        }
        await importer.stop()
        #expect(ledgerAtKill > 0, "the import ended before it could be killed")
        try await EndToEnd.cli(["migrate", "import", snapshot], environment: env)
        // `cli` fails the test unless verify exits 0, which it does only when every check holds.
        try await EndToEnd.cli(["migrate", "verify", snapshot], environment: env)
        try? await TestPostgres.shared.dropDatabase(database)
        EndToEnd.report(
            "faults: kill -9",
            iterations: 2,
            operations: videos.count + 1,
            failures: (jobs.count == 4 && revisions == 4 ? 0 : 1),
            figures:
                "worker: 2 jobs interrupted, stored once each (\(revisions) revisions for \(videos.count) videos); import killed after \(ledgerAtKill) ledger lines, rerun verified"
        )
    }

    /// One request of the mixed load: reads, a delete or an ingest. Writes refused while the database is down stay
    /// pending and are sent again.
    static func oneRequest(_ dashboard: String, random: inout SplitMix64, load: Load) async throws {
        let roll = random.next() % 10
        var label = "request"
        let status: Int
        let started = ContinuousClock.now
        do {
            if roll < 2, let id = load.pendingDeletes.withLock({ $0.popLast() }) {
                label = "delete \(id)"
                status = try await EndToEnd.http(.DELETE, dashboard + "/api/delete/yt:\(id)", token: EndToEnd.adminToken).0
                // 404 "already deleted": an earlier attempt committed but its answer was lost.
                if status == 200 || status == 404 {
                    load.tally.withLock { $0.ackedDeletes.append(id) }
                } else {
                    load.pendingDeletes.withLock { $0.insert(id, at: 0) }
                }
            } else if roll < 4, let id = load.pendingIngests.withLock({ $0.popLast() }) {
                label = "ingest \(id)"
                status = try await EndToEnd.ingest(
                    EndToEnd.ingestBody(id: id, title: "Fault drill \(id)", text: "Ingested during the fault drill \(id)."),
                    dashboard: dashboard
                )
                if status == 200 {
                    load.tally.withLock { $0.ackedIngests.append(id) }
                } else {
                    load.pendingIngests.withLock { $0.insert(id, at: 0) }
                }
            } else if roll < 6 {
                label = "search"
                status = try await EndToEnd.http(.GET, dashboard + "/api/reports?q=the&size=12").0
            } else if roll < 7 {
                label = "filters"
                status = try await EndToEnd.http(.GET, dashboard + "/api/filters").0
            } else {
                label = "list"
                status = try await EndToEnd.http(.GET, dashboard + "/api/reports?size=24&sort=newest&page=\(1 + random.next() % 3)").0
            }
        } catch {
            let phase = load.phase.withLock { $0 }
            load.tally.withLock { $0.unexpected.append("\(label) (load phase: \(phase)) failed after \(ContinuousClock.now - started): \(error)") }
            try await Task.sleep(for: .milliseconds(100))
            return
        }
        load.tally.withLock {
            $0.requests += 1
            if status == 503 { $0.unavailable += 1 }
            let intended = status == 200 || status == 503 || (label.hasPrefix("delete") && status == 404)
            if !intended { $0.unexpected.append("\(label): \(status)") }
        }
        if status == 503 { try await Task.sleep(for: .milliseconds(50)) }
    }
}
