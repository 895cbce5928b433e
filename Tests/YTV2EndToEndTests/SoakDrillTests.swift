import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
import YTV2Core
import YTV2Store
import YTV2TestSupport

/// Drill 5: mixed traffic against one `ytv2 serve` for `E2E_SOAK_SECONDS` (default 300): reads, searches, audio ranges,
/// ingests, deletes, SSE clients connecting and dropping, as fast as the clients get answers. Only the intended
/// answers come back, p99 stays stable, resident memory stays flat after warm-up, and no descriptor or database
/// connection leaks.
@Suite(.serialized, EndToEnd.timeLimit(running: "E2E_SOAK_SECONDS", default: 300, margin: 5)) struct SoakDrillTests {
    /// Closed-loop clients (each sends its next request when the last is answered): the highest rate the machine sustains.
    static let clients = 6
    static let sseClients = 2

    /// Latencies and failures, split into equal time segments so the first and last can be compared.
    final class Recorder: Sendable {
        let segments: Int
        let start: ContinuousClock.Instant
        let length: Duration
        let latencies: Mutex<[[Double]]>
        let failures = Mutex([String]())
        let operations = Mutex([String: Int]())

        init(segments: Int, length: Duration) {
            self.segments = segments
            self.length = length
            start = .now
            latencies = Mutex(Array(repeating: [], count: segments))
        }

        var elapsed: Duration { .now - start }
        var running: Bool { elapsed < length }

        func record(_ operation: String, milliseconds: Double, failure: String?) {
            let segment = min(segments - 1, Int(elapsed.inSeconds / length.inSeconds * Double(segments)))
            latencies.withLock { $0[segment].append(milliseconds) }
            operations.withLock { $0[operation, default: 0] += 1 }
            if let failure { failures.withLock { if $0.count < 200 { $0.append("\(operation): \(failure)") } } }
        }
    }

    /// What the clients share: videos ingested (and so deletable), the /proc samples, SSE events seen.
    final class Traffic: Sendable {
        let samples = Mutex([Sample]())
        let ingested = Mutex([String]())
        let sseEvents = Mutex(0)
        let sseVisits = Mutex(0)
    }

    /// What /proc says about the server process, and the database about its connections.
    struct Sample: Sendable {
        var at: Double
        var residentKiB: Int
        var descriptors: Int
        var databaseConnections: Int
    }

    @Test func mixedTrafficStaysFlat() async throws {
        let seconds = EndToEnd.seconds("E2E_SOAK_SECONDS", default: 300)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-e2e-soak-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TestPostgres.shared.makeDatabase()
        let env = ["DATABASE_URL": database.url, "LOG_LEVEL": "warning"]
        try await EndToEnd.migrateFixtures(rows: 400, seed: 31, folder: folder, environment: env, reports: true, audio: true)

        let port = EndToEnd.freePort()
        let dashboard = "http://127.0.0.1:\(port)"
        let serve = try EndToEnd.Running(
            ["serve", "--port", String(port)],
            environment: env.merging(["YTV2_ADMIN_TOKEN": EndToEnd.adminToken, "YTV2_INGEST_TOKEN": EndToEnd.ingestToken]) { $1 },
            logFolder: folder
        )
        try await EndToEnd.waitForHealth(dashboard)
        let pid = serve.process.processIdentifier

        // What there is to read: every video id, and those with audio.
        var ids: [String] = []
        var withAudio: [String] = []
        for page in 1...20 {
            let body = EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/reports?size=50&page=\(page)").1)
            let items = body["reports"] as? [[String: Any]] ?? []
            if items.isEmpty { break }
            for item in items {
                guard let id = item["video_id"] as? String else { continue }
                ids.append(id)
                if (item["media"] as? [String: Any])?["has_audio"] as? Bool == true { withAudio.append(id) }
            }
        }
        #expect(ids.count > 300 && withAudio.count > 10, "\(ids.count) videos, \(withAudio.count) with audio")
        let categories = (EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/filters").1)["categories"] as? [[String: Any]] ?? [])
            .compactMap { $0["value"] as? String ?? $0["category"] as? String ?? $0["name"] as? String }

        // Ranges inside each file (a range past the end rightly answers 416).
        var audioSizes: [String: Int] = [:]
        for id in withAudio {
            var head = HTTPClientRequest(url: dashboard + "/exports/by_video/\(id).mp3")
            head.method = .HEAD
            let response = try await HTTPClient.shared.execute(head, timeout: .seconds(10))
            audioSizes[id] = response.headers.first(name: "Content-Length").flatMap { Int($0) } ?? 0
        }
        #expect(audioSizes.values.allSatisfy { $0 > 0 })
        let (allIDs, audioIDs, sizes) = (ids, withAudio, audioSizes)
        let store = Store(configuration: database, logger: TestPostgres.logger)
        let report = try await store.withRunning { store in
            let baseline = try await Self.sample(pid: pid, store: store, at: 0)
            let client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup)
            let recorder = Recorder(segments: 10, length: .seconds(seconds))
            let traffic = Traffic()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<Self.clients {
                    group.addTask {
                        var random = SplitMix64(seed: UInt64(100 + index))
                        var counter = 0
                        while recorder.running {
                            counter += 1
                            try await Self.oneRequest(
                                client: client,
                                dashboard: dashboard,
                                random: &random,
                                recorder: recorder,
                                ids: allIDs,
                                withAudio: audioIDs,
                                audioSizes: sizes,
                                categories: categories,
                                newID: String(format: "Soak%d%06d", index, counter),
                                traffic: traffic
                            )
                        }
                    }
                }
                for index in 0..<Self.sseClients {
                    group.addTask {
                        var random = SplitMix64(seed: UInt64(900 + index))
                        while recorder.running {
                            try await Self.sseVisit(
                                client: client,
                                dashboard: dashboard,
                                stay: .milliseconds(300 + Int(random.next() % 2700)),
                                recorder: recorder,
                                traffic: traffic
                            )
                        }
                    }
                }
                group.addTask {
                    while recorder.running {
                        let sample = try await Self.sample(pid: pid, store: store, at: recorder.elapsed.inSeconds)
                        traffic.samples.withLock { $0.append(sample) }
                        try await Task.sleep(for: .seconds(2))
                    }
                }
                try await group.waitForAll()
            }
            try await client.shutdown()
            // After the load: SSE streams of dropped clients end at the next heartbeat (15 s) at the latest.
            try await Task.sleep(for: .seconds(17))
            let after = try await Self.sample(pid: pid, store: store, at: recorder.elapsed.inSeconds)
            return (baseline, after, traffic.samples.withLock { $0 }, recorder, traffic.sseEvents.withLock { $0 }, traffic.sseVisits.withLock { $0 })
        }
        let (baseline, after, samples, recorder, sseEvents, sseVisits) = report
        let serveAlive = serve.process.isRunning
        await serve.stop()

        // Warm-up: the first half, and at least a minute. Allocator arenas and the caches fill for one to three minutes
        // under this load before resident memory levels off (a 600 s run was flat from 100 s on; a 300 s run on a
        // slower machine from 190 s, having grown 12 % between 60 and 190 s), and the allocator still takes a few MB in
        // steps now and then (+0.9, +3.2 and +4.1 % over the second half in three runs). A leak grows for the whole run:
        // at 70 requests a second, 8 % of 75 MB over the second half is about 570 bytes per request.
        let warmUp = max(Double(seconds) / 2, 60)
        let memoryChecked = Double(seconds) >= warmUp + 60
        let steady = samples.filter { $0.at >= warmUp }
        let median: ([Int]) -> Int = { values in values.isEmpty ? 0 : values.sorted()[values.count / 2] }
        let residentAtWarmUp = median(steady.prefix(3).map(\.residentKiB))
        let residentAtEnd = median(steady.suffix(3).map(\.residentKiB))
        let growth = residentAtWarmUp == 0 ? 0 : Double(residentAtEnd - residentAtWarmUp) / Double(residentAtWarmUp) * 100
        let descriptorsAtWarmUp = median(steady.prefix(3).map(\.descriptors))
        let descriptorsAtEnd = median(steady.suffix(3).map(\.descriptors))
        let maxConnections = samples.map(\.databaseConnections).max() ?? 0
        let latencies = recorder.latencies.withLock { $0 }
        let firstSteady = latencies[2]
        let last = latencies[latencies.count - 1]
        let all = latencies.flatMap { $0 }
        let p99First = Self.percentile(firstSteady, 0.99)
        let p99Last = Self.percentile(last, 0.99)
        let failures = recorder.failures.withLock { $0 }
        let operations = recorder.operations.withLock { $0 }
        let rate = Double(all.count) / Double(seconds)

        #expect(failures.isEmpty, "\(failures.prefix(20))")
        #expect(serveAlive)
        // A run shorter than warm-up plus a minute (a shortened soak) cannot tell growth from warming up.
        #expect(!memoryChecked || growth < 8, "resident memory grew \(growth) % after warm-up (\(residentAtWarmUp) → \(residentAtEnd) KiB)")
        #expect(descriptorsAtEnd <= descriptorsAtWarmUp + 16, "descriptors \(descriptorsAtWarmUp) → \(descriptorsAtEnd)")
        // Idle again: back to the start, apart from the pooled database connections kept open (at most 10).
        #expect(after.descriptors <= baseline.descriptors + 10 + 2, "descriptors at rest \(baseline.descriptors) → \(after.descriptors)")
        #expect(maxConnections <= 10 + 1, "the server held \(maxConnections) database connections")
        #expect(p99Last <= 2 * p99First + 20, "p99 \(p99First) ms → \(p99Last) ms")
        #expect((operations["ingest"] ?? 0) > 0 && (operations["delete"] ?? 0) > 0 && (operations["audio range"] ?? 0) > 0 && sseEvents > 0)

        let summary = operations.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        print("SOAK | \(seconds) s, \(all.count) requests (\(summary)); SSE: \(sseVisits) clients came and went, \(sseEvents) events received")
        print("SOAK | p99 per segment (ms): " + latencies.map { String(format: "%.1f", Self.percentile($0, 0.99)) }.joined(separator: " "))
        print(
            "SOAK | samples (s: RSS KiB / fds / db connections): "
                + samples.map { String(format: "%.0f: %d/%d/%d", $0.at, $0.residentKiB, $0.descriptors, $0.databaseConnections) }.joined(
                    separator: ", "
                )
        )
        EndToEnd.report(
            "soak (\(seconds) s)",
            iterations: Self.clients + Self.sseClients,
            operations: all.count,
            failures: failures.count,
            figures: String(
                format: "%.0f req/s, p50 %.1f ms, p99 %.1f → %.1f ms, RSS %d → %d KiB (%+.1f %%), fds %d → %d (idle %d → %d), db connections ≤ %d",
                rate,
                Self.percentile(all, 0.5),
                p99First,
                p99Last,
                residentAtWarmUp,
                residentAtEnd,
                growth,
                descriptorsAtWarmUp,
                descriptorsAtEnd,
                baseline.descriptors,
                after.descriptors,
                maxConnections
            ) + (memoryChecked ? "" : " (too short to judge memory growth)")
        )
        try? await TestPostgres.shared.dropDatabase(database)
    }

    static func percentile(_ values: [Double], _ p: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }

    static func sample(pid: Int32, store: Store, at: Double) async throws -> Sample {
        let status = (try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8)) ?? ""
        let resident =
            status.split(separator: "\n").first { $0.hasPrefix("VmRSS:") }
            .flatMap { Int($0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first ?? "") } ?? 0
        let descriptors = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count) ?? 0
        // The test's own connection, running this count, is not the server's.
        let connections = try await store.databaseConnections()
        return Sample(at: at, residentKiB: resident, descriptors: descriptors, databaseConnections: connections)
    }

    /// One request of the mix; anything but the intended answer is a failure.
    static func oneRequest(
        client: HTTPClient,
        dashboard: String,
        random: inout SplitMix64,
        recorder: Recorder,
        ids: [String],
        withAudio: [String],
        audioSizes: [String: Int],
        categories: [String],
        newID: String,
        traffic: Traffic
    ) async throws {
        let roll = Int(random.next() % 100)
        let pick = { (list: [String], random: inout SplitMix64) in list[Int(random.next() % UInt64(list.count))] }
        var request: HTTPClientRequest
        var operation: String
        var expected: Set<Int> = [200]
        switch roll {
        case 0..<25:
            operation = "list"
            let sorts = ["newest", "oldest", "title_az", "title_za", "duration_desc"]
            var url = dashboard + "/api/reports?size=24&page=\(1 + random.next() % 5)&sort=\(pick(sorts, &random))"
            if !categories.isEmpty, random.next() % 2 == 0 {
                url += "&category=" + (pick(categories, &random).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            }
            request = HTTPClientRequest(url: url)
        case 25..<40:
            operation = "search"
            request = HTTPClientRequest(
                url: dashboard + "/api/reports?size=12&q=\(pick(["the", "swift", "history", "how", "video", "zzz"], &random))"
            )
        case 40..<48:
            operation = "filters"
            request = HTTPClientRequest(url: dashboard + "/api/filters")
        case 48..<58:
            operation = "report"
            let id = pick(ids, &random)
            request = HTTPClientRequest(url: dashboard + (random.next() % 2 == 0 ? "/api/reports/yt:\(id)" : "/r/yt:\(id)"))
            expected = [200, 404]  // may have been deleted by another client
        case 58..<76:
            operation = "audio range"
            let id = pick(withAudio, &random)
            request = HTTPClientRequest(url: dashboard + "/exports/by_video/\(id).mp3")
            let size = max(1, audioSizes[id] ?? 1)
            let start = Int(random.next() % UInt64(size))
            let end = min(size - 1, start + Int(random.next() % 4096))
            request.headers.add(name: "Range", value: random.next() % 3 == 0 ? "bytes=-\(min(500, size))" : "bytes=\(start)-\(end)")
            expected = [206, 404]
        case 76..<88:
            operation = "ingest"
            request = HTTPClientRequest(url: dashboard + "/ingest/report")
            request.method = .POST
            request.headers.add(name: "X-INGEST-TOKEN", value: EndToEnd.ingestToken)
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: EndToEnd.ingestBody(id: newID, title: "Soak \(newID)", text: "**Soak** summary of \(newID).")))
        default:
            operation = "delete"
            // Videos ingested during the run, as often as they are ingested: the dataset keeps its size, so the
            // latency figures of the first and the last tenth are comparable.
            guard let victim = traffic.ingested.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) else { return }
            request = HTTPClientRequest(url: dashboard + "/api/delete/yt:\(victim)")
            request.method = .DELETE
            request.headers.add(name: "Authorization", value: "Bearer \(EndToEnd.adminToken)")
        }
        let started = ContinuousClock.now
        do {
            let response = try await client.execute(request, timeout: .seconds(30))
            _ = try await response.body.collect(upTo: 1 << 24)
            let status = Int(response.status.code)
            // Deletable once stored, not before: a delete racing its own ingest would rightly answer 404.
            if operation == "ingest", status == 200 { traffic.ingested.withLock { $0.append(newID) } }
            recorder.record(
                operation,
                milliseconds: (ContinuousClock.now - started).inSeconds * 1000,
                failure: expected.contains(status) ? nil : "HTTP \(status) for \(request.url)"
            )
        } catch {
            recorder.record(operation, milliseconds: (ContinuousClock.now - started).inSeconds * 1000, failure: "\(error) for \(request.url)")
        }
    }

    /// Connects to the event stream, reads for `stay` (counting events as they arrive), and drops the connection.
    static func sseVisit(client: HTTPClient, dashboard: String, stay: Duration, recorder: Recorder, traffic: Traffic) async throws {
        let reader = Task {
            let response = try await client.execute(HTTPClientRequest(url: dashboard + "/api/report-events"), timeout: .seconds(60))
            guard response.status == .ok else {
                recorder.record("sse", milliseconds: 0, failure: "HTTP \(response.status.code)")
                return
            }
            for try await chunk in response.body {
                let events = String(buffer: chunk).components(separatedBy: "event: ").count - 1
                traffic.sseEvents.withLock { $0 += events }
            }
        }
        try await Task.sleep(for: stay)
        reader.cancel()
        if case .failure(let error) = await reader.result, !(error is CancellationError), !"\(error)".localizedCaseInsensitiveContains("cancel") {
            recorder.record("sse", milliseconds: 0, failure: "\(error)")
        }
        traffic.sseVisits.withLock { $0 += 1 }
    }
}
