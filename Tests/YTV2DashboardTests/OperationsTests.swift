import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import NIOHTTP1
import Testing
import YTV2Core
import YTV2Dashboard
import YTV2Store
import YTV2TestSupport

@Suite struct OperationsTests {
    @Test func retiredSyncRoutesAnswer410AndChangeNothing() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 2)
            for (path, method) in [
                ("/api/upload-database", HTTPRequest.Method.get), ("/api/upload-database", .post), ("/api/download-database", .get),
                ("/api/upload-report", .post),
            ] {
                try await client.execute(uri: path, method: method, body: ByteBuffer(string: "SQLite format 3")) { response in
                    #expect(response.status == .gone, "\(method) \(path)")
                    let error = try JSONDecoder().decode(APIErrorBody.self, from: response.body)
                    #expect(error.message.contains("retired"))
                }
            }
            #expect(try await ReportReader(store: store).videoCount() == 2)
        }
    }

    @Test func traversalAndSourceFilesAre404() async throws {
        try await Harness.withDashboard { client, _ in
            for path in [
                "/../Package.swift", "/%2e%2e/Package.swift", "/static/../../Package.swift", "/static/%2e%2e/%2e%2e/Package.swift",
                "/Package.swift", "/Sources/YTV2Core/VideoID.swift", "/.ytv2/cluster.json", "/etc/passwd", "/static/..%2f..%2fPackage.swift",
            ] {
                try await client.execute(uri: path, method: .get) { response in
                    #expect(response.status == .notFound, "\(path)")
                    #expect(!String(buffer: response.body).contains("swift-tools-version"))
                }
            }
        }
    }

    @Test func securityHeadersAndBackendHealthAndMetrics() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 2)
            try await client.execute(uri: "/health", method: .get) { response in
                let csp = response.headers[HTTPField.Name("Content-Security-Policy")!] ?? ""
                #expect(csp.contains("script-src 'self'"))
                #expect(!csp.contains("unsafe-inline"))
                #expect(csp.contains("frame-ancestors 'none'"))
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
                #expect(response.headers[HTTPField.Name("Referrer-Policy")!] == "no-referrer")
            }
            try await client.execute(uri: "/nope", method: .get) { response in
                #expect(response.headers[HTTPField.Name("X-Content-Type-Options")!] == "nosniff")
            }
            struct Backend: Decodable {
                let backend: String
                let read_source: String
                let migration_phase: String
            }
            let backend = try await client.getJSON("/health/backend", as: Backend.self)
            #expect(backend.backend == "postgresql" && backend.migration_phase == "Off")
            _ = try await client.getJSON("/api/reports", as: ListBody.self)
            _ = try await client.getJSON("/api/reports", as: ListBody.self)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                let text = String(buffer: response.body)
                // Each cache: its hits and misses, and what it holds (the second list was answered from the first).
                // The figures are the process's: other suites' dashboards run beside this one, so only a counter that
                // this request raised is compared.
                let hits = text.split(separator: "\n").first { $0.hasPrefix("ytv2_cache_hits_total{cache=\"responses\"} ") }
                #expect((hits?.split(separator: " ").last).flatMap { Double($0) }.map { $0 >= 1 } == true, "\(hits ?? "missing")")
                #expect(text.contains("ytv2_cache_misses_total{cache=\"items\"}"))
                #expect(text.contains("ytv2_cache_bytes{cache=\"items\"}") && text.contains("ytv2_cache_entries{cache=\"totals\"}"))
                #expect(text.contains("http_server_request_duration_bucket{http_route=\"/api/reports\""))
                #expect(text.contains("http_server_request_duration_bucket{http_route=\"/health/backend\""))
                // The pool: connections leased now, how long callers waited, lease timeouts, the server's count.
                #expect(text.contains("ytv2_db_pool_leased_connections"))
                #expect(text.contains("ytv2_db_pool_wait_bucket"))
                let server = text.split(separator: "\n").first { $0.hasPrefix("ytv2_db_server_connections ") }
                #expect((server?.split(separator: " ").last).flatMap { Double($0) }.map { $0 >= 1 } == true, "\(server ?? "missing")")
            }
        }
    }

    @Test func changesMadeThroughTheStoreReachAnSSEClient() async throws {
        let configuration = try await TestPostgres.shared.makeDatabase()
        let store = Store(configuration: configuration, logger: TestPostgres.logger)
        let port = Int.random(in: 20_000...29_999)
        var dashboard = DashboardConfiguration(port: port)
        dashboard.heartbeat = .milliseconds(500)
        let app = buildApplication(configuration: dashboard, store: store, logger: TestPostgres.logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await app.runService(gracefulShutdownSignals: []) }
            defer { group.cancelAll() }
            try await Harness.waitForServer(port: port)
            try await TestVideos.seed(store, count: 1)

            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/report-events")
            request.method = .GET
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            #expect(response.status == .ok)
            #expect(response.headers.first(name: "content-type")?.hasPrefix("text/event-stream") == true)
            struct EventData: Decodable, Equatable {
                let video_id: String
                let summary_types: [String]
            }
            let deleted = ("report-deleted", EventData(video_id: "vid00000000", summary_types: []))
            let added = ("report-added", EventData(video_id: "dQw4w9WgXcQ", summary_types: ["comprehensive"]))
            var received = ""
            var sentWrites = false
            var seen: [(String, EventData)] = []
            for try await chunk in response.body {
                received += String(buffer: chunk)
                if !sentWrites, received.contains(": connected") {
                    sentWrites = true
                    // Give the broadcaster's listener a moment after the client subscribed, then write through the store.
                    try await Task.sleep(for: .milliseconds(300))
                    try await VideoStore(store: store).delete(Harness.id("vid00000000"), actor: "admin")
                    try await VideoStore(store: store).commit(
                        VideoWrite(
                            videoID: Harness.id("dQw4w9WgXcQ"),
                            metadata: VideoMetadata(title: "new"),
                            summaries: [SummaryDraft(variant: .comprehensive, text: "x")],
                            actor: "processor"
                        )
                    )
                }
                // Only complete events (a chunk may end inside one).
                let complete =
                    received.hasSuffix("\n\n")
                    ? received : String(received[..<(received.range(of: "\n\n", options: .backwards)?.upperBound ?? received.startIndex)])
                seen = Harness.serverSentEvents(complete).compactMap { event in
                    (try? JSONDecoder().decode(EventData.self, from: Data(event.data.utf8))).map { (event.name, $0) }
                }
                let done = seen.contains { $0 == deleted } && seen.contains { $0 == added } && received.contains(": keep-alive")
                if done { break }
            }
            #expect(seen.contains { $0 == deleted })
            #expect(seen.contains { $0 == added })
            #expect(received.contains(": keep-alive"))
        }
        try await TestPostgres.shared.dropDatabase(configuration)
    }

    @Test func databaseDownAnswers503AndRecoversWithoutRestart() async throws {
        // Its own cluster: stopping the shared test server would break the suites running beside this one. Durable, as
        // in production: an immediate stop is a crash, and the test checks that committed writes survive it.
        let root = URL(fileURLWithPath: "/tmp/ytv2-down-\(UUID().uuidString.prefix(8))")
        let cluster = LocalCluster(root: root, durable: true)
        defer {
            cluster.stopImmediately()
            try? FileManager.default.removeItem(at: root)
        }
        let configuration = try await cluster.start(logger: TestPostgres.logger)
        let store = Store(configuration: configuration, logger: TestPostgres.logger)
        let app = buildApplication(configuration: DashboardConfiguration(port: 0), store: store, logger: TestPostgres.logger)
        try await app.test(.live) { client in
            try await TestVideos.seed(store, count: 2)
            #expect(try await client.getJSON("/api/reports", as: ListBody.self).pagination.total == 2)
            try await cluster.stop(mode: "immediate")
            // The list above was kept by the response cache: it answers 503 once the change feed has noticed the
            // loss (nothing is served from the cache while the feed is down).
            var down = false
            for _ in 0..<100 where !down {
                down = try await client.execute(uri: "/api/reports", method: .get) { $0.status == .serviceUnavailable }
                if !down { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(down)
            for path in ["/api/reports", "/api/filters", "/api/reports/vid00000000", "/health/db"] {
                let error = try await client.getJSON(path, as: APIErrorBody.self, status: .serviceUnavailable)
                #expect(error.error == "database_unavailable")
            }
            _ = try await client.getJSON("/health", as: [String: String].self)
            _ = try await cluster.start(logger: TestPostgres.logger)
            var recovered = false
            for _ in 0..<150 where !recovered {
                recovered = try await client.execute(uri: "/api/reports", method: .get) { $0.status == .ok }
                if !recovered { try await Task.sleep(for: .milliseconds(200)) }
            }
            #expect(recovered)
            #expect(try await client.getJSON("/api/reports", as: ListBody.self).pagination.total == 2)
        }
    }
}

extension Harness {
    /// The `event:`/`data:` pairs of an SSE stream (comments skipped).
    static func serverSentEvents(_ text: String) -> [(name: String, data: String)] {
        text.components(separatedBy: "\n\n").compactMap { block in
            var name: String?
            var data: String?
            for line in block.split(separator: "\n") {
                if line.hasPrefix("event: ") { name = String(line.dropFirst(7)) }
                if line.hasPrefix("data: ") { data = String(line.dropFirst(6)) }
            }
            guard let name, let data else { return nil }
            return (name, data)
        }
    }

    /// Polls until something accepts connections on `port`.
    static func waitForServer(port: Int) async throws {
        for _ in 0..<100 {
            var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/health")
            request.method = .GET
            if let response = try? await HTTPClient.shared.execute(request, timeout: .seconds(1)), response.status == .ok { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw CancellationError()
    }
}
