import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import PostgresNIO
import Testing
import YTV2Core
import YTV2Dashboard
import YTV2Store
import YTV2TestSupport

/// Dashboards as they are deployed beside others: behind a transaction-mode pooler, and with writes made elsewhere.
/// A misconfiguration may cost speed (no caches), never correctness (a stale delete).
@Suite struct DeploymentTests {
    /// A dashboard on `store` over real HTTP (the store's database is dropped afterwards by the caller).
    static func withDashboard(_ store: Store, _ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = buildApplication(
            configuration: DashboardConfiguration(port: 0, adminToken: Harness.adminToken, ingestToken: Harness.ingestToken),
            store: store,
            logger: TestPostgres.logger
        )
        try await app.test(.live, body)
    }

    static func total(_ client: some TestClientProtocol, _ uri: String = "/api/reports", headers: HTTPFields = [:]) async throws -> Int {
        try await client.getJSON(uri, as: ListBody.self, headers: headers).pagination.total
    }

    @Test func behindAPoolerWithoutADirectSessionNothingIsCachedAndADeleteShowsAtOnce() async throws {
        let configuration = try await TestPostgres.shared.makeDatabase()
        defer { Task { try? await TestPostgres.shared.dropDatabase(configuration) } }
        let bouncer = try await PgBouncer.start(in: configuration)
        defer { bouncer.stop() }
        let elsewhere = Store(configuration: configuration, logger: TestPostgres.logger)
        let pooled = Store(endpoints: DatabaseEndpoints(primary: bouncer.configuration(for: configuration)), logger: TestPostgres.logger)
        try await elsewhere.withRunning { elsewhere in
            try await TestVideos.seed(elsewhere, count: 3)
            try await Self.withDashboard(pooled) { client in
                #expect(try await Self.total(client) == 3)
                _ = try await client.getJSON("/api/reports/vid00000000", as: Item.self)
                // Another process deletes; its notification can never reach this dashboard's feed through the pooler.
                try await VideoStore(store: elsewhere).delete(Harness.id("vid00000000"), actor: "elsewhere")
                #expect(try await Self.total(client) == 2)
                _ = try await client.getJSON("/api/reports/vid00000000", as: APIErrorBody.self, status: .notFound)
                // The feed says it is down and why, once its heartbeat has had time to fail.
                struct Health: Decodable {
                    struct Feed: Decodable {
                        let status: String
                        let problem: String?
                        let direct_session: Bool
                    }
                    let status: String
                    let change_feed: Feed
                }
                var health = try await client.getJSON("/health/db", as: Health.self)
                let started = ContinuousClock.now
                while health.change_feed.problem?.contains("receives nothing") != true, ContinuousClock.now - started < .seconds(12) {
                    try await Task.sleep(for: .milliseconds(250))
                    health = try await client.getJSON("/health/db", as: Health.self)
                }
                #expect(health.status == "degraded" && health.change_feed.status == "down" && !health.change_feed.direct_session)
                #expect(health.change_feed.problem?.contains("set DATABASE_DIRECT_URL") == true)
                // The metrics registry is the process's: other suites' dashboards in this test process set the same gauges,
                // so only their presence is checked here (/health/db above is this dashboard's own).
                try await client.execute(uri: "/metrics", method: .get) { response in
                    let text = String(buffer: response.body)
                    #expect(text.contains("ytv2_change_feed_up "))
                    #expect(text.contains("ytv2_change_feed_down{reason=\"no_heartbeat\"}"))
                }
                try await VideoStore(store: elsewhere).delete(Harness.id("vid00000001"), actor: "elsewhere")
                #expect(try await Self.total(client) == 1)
            }
        }
    }

    @Test func aWriteCarriesItsPositionToTheNextReadOnAnyReplica() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 3)
            // Wait for a heartbeat sent after the seed: from then on this dashboard keeps what it reads. (The first
            // heartbeat can come back before the seed's own change notifications, which would then drop what was read.)
            let halfASecondAfterSeed = Date().addingTimeInterval(0.5)
            let started = ContinuousClock.now
            while store.changeFeedStatus.lastHeartbeat.map({ $0 > halfASecondAfterSeed }) != true, ContinuousClock.now - started < .seconds(8) {
                try await Task.sleep(for: .milliseconds(50))
            }
            #expect(store.changeFeedStatus.live)
            #expect(try await Self.total(client) == 3)
            // A write this dashboard cannot hear about (no notification): its cached answer stays as it was...
            let position = try await store.client.withConnection { connection in
                try await connection.query("DELETE FROM videos WHERE video_id = 'vid00000002'", logger: TestPostgres.logger)
                for try await text in try await connection.query("SELECT pg_current_wal_insert_lsn()::text", logger: TestPostgres.logger)
                    .decode(String.self)
                { return text }
                return ""
            }
            #expect(try await Self.total(client) == 3)
            // ...but a client carrying the write's position (as another replica's answer to it gave it) sees the write.
            #expect(try await Self.total(client, headers: [HTTPField.Name("X-YTV2-Commit-LSN")!: position]) == 2)
            #expect(try await Self.total(client, headers: [.cookie: "ytv2_wal=\(position)"]) == 2)

            // The dashboard's own writes answer with their position, as a header and a cookie.
            try await client.execute(uri: "/api/delete/vid00000001", method: .delete, headers: WriteAPITests.bearer(Harness.adminToken)) {
                #expect($0.status == .ok)
                let header = try #require($0.headers[HTTPField.Name("X-YTV2-Commit-LSN")!])
                #expect(WALPosition(header).map { $0 >= WALPosition(position)! } == true)
                #expect($0.headers[.setCookie]?.hasPrefix("ytv2_wal=\(header);") == true)
            }
        }
    }
}
