import AsyncHTTPClient
import Foundation
import NIOCore
import PostgresNIO
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

/// Drill: the deployment of many dashboards. A primary with a streaming hot standby, PgBouncer in transaction mode,
/// three `ytv2 serve` replicas (through PgBouncer with DATABASE_DIRECT_URL; through PgBouncer without it; with
/// DATABASE_READ_URL on the standby) and two workers, under reads, ingests and deletes for `E2E_TOPOLOGY_SECONDS`
/// (default 30), then with the standby's replay paused, with the standby stopped, and through a rolling restart.
/// A deleted video must be gone from every replica one second after the delete was acknowledged, an ingested one
/// readable from every replica within a second; no request may fail but the live-update streams of a stopping replica;
/// no acknowledged write may be lost.
@Suite(.serialized, EndToEnd.timeLimit(running: "E2E_TOPOLOGY_SECONDS", default: 30, margin: 10)) struct TopologyDrillTests {
    /// One `ytv2 serve` process and how it reaches the database.
    final class Replica: @unchecked Sendable {
        let name: String
        let port: Int
        let environment: [String: String]
        let folder: URL
        private let lock = NSLock()
        private var running: EndToEnd.Running?
        private var isDraining = false

        init(name: String, environment: [String: String], folder: URL) {
            self.name = name
            self.port = EndToEnd.freePort()
            self.environment = environment
            self.folder = folder
        }

        var base: String { "http://127.0.0.1:\(port)" }
        var process: EndToEnd.Running? { lock.withLock { running } }
        /// Taken out of the balancer's rotation before it is stopped, as deployments do before they send SIGTERM.
        var draining: Bool {
            get { lock.withLock { isDraining } }
            set { lock.withLock { isDraining = newValue } }
        }

        func start() async throws {
            let process = try EndToEnd.Running(["serve", "--port", String(port)], environment: environment, logFolder: folder)
            lock.withLock { running = process }
            try await EndToEnd.waitForHealth(base)
        }
    }

    /// What the drill counts.
    struct Tally: Sendable {
        var reads = 0
        var failedRequests: [String] = []
        var staleAnswers: [String] = []
        var lateIngests: [String] = []
        var ackedIngests: [String] = []
        var ackedDeletes: [String] = []
        var sseEnded = 0
        var checks = 0
    }

    @Test func replicasBehindAPoolerAndAStandbyNeverServeAStaleDelete() async throws {
        let seconds = EndToEnd.seconds("E2E_TOPOLOGY_SECONDS", default: 30)
        guard PgBouncer.binary != nil else {
            Issue.record("pgbouncer is not installed (scripts/setup --test installs it)")
            return
        }
        let folder = URL(fileURLWithPath: "/tmp/ytv2-e2e-topology-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: folder.path)
        // A primary of its own: the standby copies a whole cluster.
        let cluster = LocalCluster(root: folder.appendingPathComponent("primary"), durable: false)
        let primary = try await cluster.start(logger: TestPostgres.logger)
        let standby = try await StreamingStandby.start(from: primary)
        let bouncer = try await PgBouncer.start(in: primary)
        defer {
            bouncer.stop()
            cluster.stopImmediately()
            try? FileManager.default.removeItem(at: folder)
        }
        let pooled = bouncer.configuration(for: primary)
        let replicaDatabase = standby.configuration(for: primary)
        let base = ["LOG_LEVEL": "warning", "YTV2_ADMIN_TOKEN": EndToEnd.adminToken, "YTV2_INGEST_TOKEN": EndToEnd.ingestToken]
        try await EndToEnd.cli(["db", "migrate"], environment: base.merging(["DATABASE_URL": primary.url]) { $1 })
        let replicas = [
            Replica(
                name: "pooled+direct",
                environment: base.merging(["DATABASE_URL": pooled.url, "DATABASE_DIRECT_URL": primary.url]) { $1 },
                folder: folder
            ),
            Replica(name: "pooled only", environment: base.merging(["DATABASE_URL": pooled.url]) { $1 }, folder: folder),
            Replica(
                name: "read replica",
                environment: base.merging(["DATABASE_URL": primary.url, "DATABASE_READ_URL": replicaDatabase.url]) { $1 },
                folder: folder
            ),
        ]
        for replica in replicas { try await replica.start() }
        defer { for replica in replicas { if let process = replica.process { Task { await process.stop() } } } }

        // Enough connections per replica for the load, the checks of every write and a live-update stream at once.
        var clientConfiguration = HTTPClient.Configuration()
        clientConfiguration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: clientConfiguration)
        defer { Task { try? await client.shutdown() } }
        let drill = Drill(replicas: replicas, client: client)
        let services = FakeServices()
        let figures = Mutex([String]())
        try await services.run { fakes in
            let processorEnv = base.merging([
                "DATABASE_URL": pooled.url, "YOUTUBE_BASE_URL": fakes, "LLM_BASE_URL": fakes + "/v1", "YTDLP": "0", "TTS_LOCAL": "0",
            ]) { $1 }
            let workers = try [
                EndToEnd.Running(["worker", "--concurrency", "2"], environment: processorEnv, logFolder: folder),
                EndToEnd.Running(
                    ["worker", "--concurrency", "2"],
                    environment: processorEnv.merging(["DATABASE_URL": primary.url]) { $1 },
                    logFolder: folder
                ),
            ]
            // Seed through the replicas themselves, then open one live-update stream per replica.
            for index in 0..<40 { try await drill.ingest(String(format: "TopoSeed%03d", index), audio: index % 4 == 0) }
            let streams = replicas.map { replica in Task { await drill.followEvents(replica) } }
            let load = Task { try await drill.readLoad() }
            // Steady: ingests and deletes through the load balancer, each checked on every replica a second later.
            @Sendable func writeFor(_ duration: Duration) async throws { try await drill.write(for: duration, processorEnvironment: processorEnv) }
            try await writeFor(.seconds(seconds))

            // The read replica serves the reader's reads: uncached list pages make transactions on the standby. Forty
            // filter sets none asked before (the read load asks others; the pages of one filter set and sort share one
            // order): each reads its order there at least.
            // A replica that fell behind during the writes is skipped until its poller (once a second) sees it caught
            // up: wait for that, as the reads below are meant for a replica in step.
            for _ in 0..<100 {
                let health = EndToEnd.json(try await drill.get(replicas[2], "/health/db").1)
                if (health["read_replica"] as? [String: Any])?["status"] as? String == "up" { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let before = try await Self.standbyTransactions(replicaDatabase)
            for index in 1...40 { _ = try await drill.get(replicas[2], "/api/reports?size=12&sort=title_az&channel=Standby%20\(index)") }
            // A server process publishes its statistics at most once a second, and an idle one up to ten seconds
            // later: the standby's count of transactions catches up with the reads after a while.
            var onStandby = try await Self.standbyTransactions(replicaDatabase) - before
            let counted = ContinuousClock.now
            while onStandby < 40, ContinuousClock.now - counted < .seconds(15) {
                try await Task.sleep(for: .milliseconds(500))
                onStandby = try await Self.standbyTransactions(replicaDatabase) - before
            }
            #expect(onStandby >= 40, "the standby served \(onStandby) transactions for 40 uncached reads")
            figures.withLock { $0.append("40 uncached reads → \(onStandby) standby transactions") }

            // Replay paused for 5 s: the replica falls behind; reads of the changes made meanwhile go to the primary.
            let fallbacksBefore = try await drill.fallbacks(replicas[2])
            try await Self.onStandby(replicaDatabase, "SELECT pg_wal_replay_pause()")
            try await writeFor(.seconds(5))
            try await Self.onStandby(replicaDatabase, "SELECT pg_wal_replay_resume()")
            let lagging = try await drill.fallbacks(replicas[2]) - fallbacksBefore
            #expect(lagging > 0, "reads fell back to the primary while replay was paused")
            figures.withLock { $0.append("replay paused 5 s → \(lagging) reads fell back to the primary") }

            // The standby stopped: reads go on, from the primary.
            let downBefore = try await drill.fallbacks(replicas[2])
            await standby.stop()
            try await writeFor(.seconds(5))
            let down = try await drill.fallbacks(replicas[2]) - downBefore
            figures.withLock { $0.append("standby stopped → \(down) reads from the primary, none failed") }

            // A rolling restart under load, as a deployment does it: the replica leaves the balancer's rotation, gets
            // SIGTERM with requests still in flight, and comes back; requests go to the others meanwhile.
            var exits: [String] = []
            for replica in replicas {
                guard let process = replica.process else { continue }
                let stopping = Task { try await writeFor(.seconds(2)) }
                replica.draining = true
                try await Task.sleep(for: .milliseconds(100))
                let sent = ContinuousClock.now
                kill(process.process.processIdentifier, SIGTERM)
                while process.process.isRunning, ContinuousClock.now - sent < .seconds(20) { try await Task.sleep(for: .milliseconds(10)) }
                let took = ContinuousClock.now - sent
                #expect(!process.process.isRunning && process.process.terminationStatus == 0, "\(replica.name) stopped cleanly")
                #expect(took < .seconds(5), "\(replica.name) took \(took) to stop")
                exits.append(String(format: "%.1f s", took.inSeconds))
                try await stopping.value
                try await replica.start()
                replica.draining = false
            }
            figures.withLock { $0.append("rolling restart exits \(exits.joined(separator: ", "))") }
            try await writeFor(.seconds(2))
            load.cancel()
            _ = try? await load.value
            await drill.waitForChecks()
            for stream in streams { stream.cancel() }
            let drained = try await EndToEnd.drainedJobs(primary, limit: 1000, timeout: .seconds(60))
            let succeeded = drained.filter { $0.status == .succeeded }.count
            let jobs = drill.jobsQueued
            #expect(succeeded == jobs, "every queued job stored once its worker finished")
            figures.withLock { $0.append("jobs \(succeeded)/\(jobs)") }
            for worker in workers { await worker.stop() }
        }

        // Nothing acknowledged was lost: every ingest is stored (or deleted later), every delete is a tombstone.
        let final = drill.tally.withLock { $0 }
        let store = Store(configuration: primary, logger: TestPostgres.logger)
        let (missing, resurrected) = try await store.withRunning { store in
            let present = Set(try await MigrationLedger(store: store).videoStates(final.ackedIngests).keys)
            let deleted = Set(final.ackedDeletes)
            let missing = final.ackedIngests.filter { !present.contains($0) && !deleted.contains($0) }
            let tombstoned = try await MigrationLedger(store: store).tombstoned(final.ackedDeletes)
            return (missing.count, final.ackedDeletes.filter { present.contains($0) || !tombstoned.contains($0) }.count)
        }
        #expect(final.staleAnswers.isEmpty, "\(final.staleAnswers.prefix(5))")
        #expect(final.lateIngests.isEmpty, "\(final.lateIngests.prefix(5))")
        #expect(final.failedRequests.isEmpty, "\(final.failedRequests.prefix(5))")
        #expect(missing == 0 && resurrected == 0)
        let failures = final.staleAnswers.count + final.lateIngests.count + final.failedRequests.count + missing + resurrected
        EndToEnd.report(
            "topology (3 replicas)",
            iterations: final.ackedIngests.count + final.ackedDeletes.count,
            operations: final.reads + final.checks,
            failures: failures,
            figures: "stale answers \(final.staleAnswers.count), late ingests \(final.lateIngests.count), failed requests "
                + "\(final.failedRequests.count), lost writes \(missing + resurrected), SSE streams ended by restarts \(final.sseEnded); "
                + figures.withLock { $0.joined(separator: "; ") }
        )
    }

    /// Transactions the standby has committed in the drill's database.
    static func standbyTransactions(_ standby: DatabaseConfiguration) async throws -> Int {
        var result = 0
        try await withConnection(standby) { connection in
            for try await count in try await connection.query(
                "SELECT xact_commit::int FROM pg_stat_database WHERE datname = current_database()",
                logger: TestPostgres.logger
            ).decode(Int.self) {
                result = count
            }
        }
        return result
    }

    static func onStandby(_ standby: DatabaseConfiguration, _ sql: String) async throws {
        try await withConnection(standby) { try await $0.query(PostgresQuery(unsafeSQL: sql), logger: TestPostgres.logger) }
    }

    static func withConnection(_ configuration: DatabaseConfiguration, _ body: (PostgresConnection) async throws -> Void) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: try configuration.connectionConfiguration(),
            id: 1,
            logger: TestPostgres.logger
        )
        do {
            try await body(connection)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// The drill's client: a load balancer over the replicas (a refused connection goes to the next replica, as a balancer
/// does when a replica stops), the writes, and the checks of every acknowledged write on every replica.
final class Drill: Sendable {
    let replicas: [TopologyDrillTests.Replica]
    let client: HTTPClient
    let tally = Mutex(TopologyDrillTests.Tally())
    private let live = Mutex([String]())
    private let pendingChecks = Mutex([Task<Void, Never>]())
    private let sequence = Mutex((writes: 0, jobs: 0))

    init(replicas: [TopologyDrillTests.Replica], client: HTTPClient) {
        self.replicas = replicas
        self.client = client
    }

    var jobsQueued: Int { sequence.withLock { $0.jobs } }

    /// Ingests (a third with audio) and deletes through the balancer for `duration`, and a processing job every eighth
    /// round for the workers.
    func write(for duration: Duration, processorEnvironment: [String: String]) async throws {
        let end = ContinuousClock.now + duration
        while ContinuousClock.now < end {
            let number = sequence.withLock { state in
                state.writes += 1
                return state.writes
            }
            let id = String(format: "TopoNew%04d", number)
            try await ingest(id, audio: number % 3 == 0)
            if let victim = deletable() { try await delete(victim) }
            if number % 8 == 0 {
                try await EndToEnd.cli(
                    ["process", "--queue-only", "https://youtu.be/" + String(format: "TopoJob%04d", number)],
                    environment: processorEnvironment
                )
                sequence.withLock { $0.jobs += 1 }
            }
            try await Task.sleep(for: .milliseconds(150))
        }
    }

    enum Failure: Error { case refused }

    /// One request to one replica. A refused connection (the replica is restarting) throws ``Failure/refused``; any
    /// other failure of an accepted request is counted.
    func send(_ replica: TopologyDrillTests.Replica, _ request: HTTPClientRequest) async throws -> (Int, [UInt8]) {
        do {
            let response = try await client.execute(request, timeout: .seconds(15))
            let body = try await response.body.collect(upTo: 1 << 26)
            let status = Int(response.status.code)
            if status >= 500 { tally.withLock { $0.failedRequests.append("\(replica.name) \(request.url) → \(status)") } }
            return (status, Array(body.readableBytesView))
        } catch let error as HTTPClientError where error == .connectTimeout || error == .getConnectionFromPoolTimeout {
            // No connection was accepted (the replica is stopping or starting): a balancer sends the request elsewhere.
            throw Failure.refused
        } catch let error as HTTPClientError where error == .remoteConnectionClosed && request.method == .GET {
            // A kept-alive connection the stopping replica closed as the request went out: balancers retry such reads.
            throw Failure.refused
        } catch ChannelError.ioOnClosedChannel where request.method == .GET {
            // The same race seen from the client's side: the request was written to a connection already closed by
            // the stopping replica, so the replica never received it.
            throw Failure.refused
        } catch let error as IOError where error.errnoCode == ECONNRESET && request.method == .GET {
            // The same race again: the stopping replica closed the connection with the request unread, and the kernel
            // answered the request with a reset.
            throw Failure.refused
        } catch is CancellationError {
            throw CancellationError()  // the drill stopping its own load, not a failure of the replica
        } catch {
            if "\(error)".contains("connectionRefused") || "\(error)".contains("Connection refused") { throw Failure.refused }
            tally.withLock { $0.failedRequests.append("\(replica.name) \(request.url): \(error)") }
            throw error
        }
    }

    func get(_ replica: TopologyDrillTests.Replica, _ path: String) async throws -> (Int, [UInt8]) {
        try await send(replica, HTTPClientRequest(url: replica.base + path))
    }

    /// Through the "load balancer": a random replica, the next one when it refuses.
    func balanced(_ make: (TopologyDrillTests.Replica) -> HTTPClientRequest) async throws -> (Int, [UInt8]) {
        let start = Int.random(in: 0..<replicas.count)
        for offset in 0..<(replicas.count * 20) {
            let replica = replicas[(start + offset) % replicas.count]
            if replica.draining { continue }
            do { return try await send(replica, make(replica)) } catch Failure.refused { try await Task.sleep(for: .milliseconds(25)) }
        }
        throw Failure.refused
    }

    func ingest(_ id: String, audio: Bool) async throws {
        let body = EndToEnd.ingestBody(id: id, title: "Topology \(id) token\(id.lowercased())", text: "**Overview:** \(id)\n• point")
        var json = EndToEnd.json(body)
        json["source_metadata"] = ["youtube": ["video_id": id, "channel_name": "Channel \(id)"]]
        let payload = try JSONSerialization.data(withJSONObject: json)
        let (status, _) = try await balanced { replica in
            var request = HTTPClientRequest(url: replica.base + "/ingest/report")
            request.method = .POST
            request.headers.add(name: "X-INGEST-TOKEN", value: EndToEnd.ingestToken)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: payload))
            return request
        }
        #expect(status == 200, "ingest \(id)")
        guard status == 200 else { return }
        if audio {
            let boundary = "topology"
            var form = ByteBuffer()
            form.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"video_id\"\r\n\r\n\(id)\r\n")
            form.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.mp3\"\r\n\r\n")
            form.writeBytes(TestAudio.mp3(frames: 20))
            form.writeString("\r\n--\(boundary)--\r\n")
            let (audioStatus, _) = try await balanced { replica in
                var request = HTTPClientRequest(url: replica.base + "/ingest/audio")
                request.method = .POST
                request.headers.add(name: "X-INGEST-TOKEN", value: EndToEnd.ingestToken)
                request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
                request.body = .bytes(form)
                return request
            }
            #expect(audioStatus == 200, "audio \(id)")
        }
        let acked = ContinuousClock.now
        tally.withLock { $0.ackedIngests.append(id) }
        live.withLock { $0.append(id) }
        schedule {
            // Readable from every replica within a second (a replica that is restarting meanwhile is not asked).
            for replica in self.replicas {
                var seen = false
                var restarting = false
                var answers: [Int] = []
                // At least one request, even when this check itself starts late on a busy machine.
                repeat {
                    do {
                        let status = try await self.get(replica, "/api/reports/\(id)").0
                        answers.append(status)
                        seen = status == 200
                    } catch {
                        restarting = true
                    }
                    if !seen, !restarting { try? await Task.sleep(for: .milliseconds(50)) }
                } while !seen && !restarting && ContinuousClock.now - acked < .seconds(1)
                if !seen, !restarting {
                    self.tally.withLock {
                        $0.lateIngests.append("\(replica.name): \(id) not readable 1 s after its ingest (answers \(Set(answers).sorted()))")
                    }
                }
            }
        }
    }

    /// A video to delete: an ingested one, oldest first, leaving a few.
    func deletable() -> String? {
        live.withLock { ids in ids.count > 10 ? ids.removeFirst() : nil }
    }

    func delete(_ id: String) async throws {
        let (status, _) = try await balanced { replica in
            var request = HTTPClientRequest(url: replica.base + "/api/delete/yt:\(id)")
            request.method = .DELETE
            request.headers.add(name: "Authorization", value: "Bearer \(EndToEnd.adminToken)")
            return request
        }
        #expect(status == 200, "delete \(id)")
        guard status == 200 else { return }
        let acked = ContinuousClock.now
        tally.withLock { $0.ackedDeletes.append(id) }
        schedule {
            try? await Task.sleep(until: acked + .seconds(1))
            // No replica serves it a second later: not as one report, in a list, in the facets, or as audio.
            for replica in self.replicas where replica.process?.process.isRunning == true {
                let token = "token\(id.lowercased())"
                let checks: [(String, ([UInt8], Int) -> Bool)] = [
                    ("/api/reports/\(id)", { _, status in status == 404 }),
                    ("/api/reports?q=\(token)", { body, _ in ((EndToEnd.json(body)["pagination"] as? [String: Any])?["total"] as? Int) == 0 }),
                    (
                        "/api/filters?q=\(token)",
                        { body, _ in
                            ((EndToEnd.json(body)["channels"] as? [[String: Any]]) ?? []).allSatisfy { ($0["value"] as? String) != "Channel \(id)" }
                        }
                    ),
                    ("/exports/by_video/\(id).mp3", { _, status in status == 404 }),
                ]
                for (path, isGone) in checks {
                    guard let (status, body) = try? await self.get(replica, path) else { continue }
                    self.tally.withLock { $0.checks += 1 }
                    if !isGone(body, status) {
                        self.tally.withLock { $0.staleAnswers.append("\(replica.name) \(path): status \(status) 1 s after the delete") }
                    }
                }
            }
        }
    }

    /// Reads of every kind through the balancer until cancelled.
    func readLoad() async throws {
        let paths = [
            "/api/reports", "/api/reports?sort=title_az&size=20", "/api/reports?q=topology&page=2", "/api/filters",
            "/api/filters?channel=Channel%20TopoSeed001", "/api/reports?has_audio=true", "/health/db",
        ]
        while !Task.isCancelled {
            _ = try? await balanced { replica in HTTPClientRequest(url: replica.base + paths.randomElement()!) }
            tally.withLock { $0.reads += 1 }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// One live-update stream to `replica`, reconnected when the replica restarts; counts how often it ended.
    func followEvents(_ replica: TopologyDrillTests.Replica) async {
        while !Task.isCancelled {
            if let response = try? await client.execute(HTTPClientRequest(url: replica.base + "/api/report-events"), timeout: .seconds(600)) {
                do { for try await _ in response.body {} } catch {}
                if !Task.isCancelled { tally.withLock { $0.sseEnded += 1 } }
            }
            try? await Task.sleep(for: .milliseconds(200))
        }
    }

    /// The replica's reads that went to the primary although a read replica is configured (`/metrics`).
    func fallbacks(_ replica: TopologyDrillTests.Replica) async throws -> Int {
        let (_, body) = try await get(replica, "/metrics")
        return String(decoding: body, as: UTF8.self).split(separator: "\n")
            .filter { $0.hasPrefix("ytv2_replica_fallbacks_total{") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }
            .reduce(0) { $0 + Int($1) }
    }

    private func schedule(_ check: @escaping @Sendable () async -> Void) {
        let task = Task { await check() }
        pendingChecks.withLock { $0.append(task) }
    }

    func waitForChecks() async {
        for task in pendingChecks.withLock({ $0 }) { await task.value }
    }
}
