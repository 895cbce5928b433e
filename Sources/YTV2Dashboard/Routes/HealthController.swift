import Foundation
import Hummingbird
import YTV2Store

/// `/health` (liveness, no database), `/health/db` (a round trip and a few figures; 503 when unreachable) and
/// `/health/ingest` (what the legacy processor's ingest client asks before each write).
struct HealthController: Sendable {
    let store: Store
    let version: String
    /// Whether `YTV2_INGEST_TOKEN` is configured (the ingest routes answer 401 to everything without it).
    let ingestTokenSet: Bool

    struct IngestHealth: ResponseEncodable {
        let status: String
        let token_set: Bool
        /// The legacy client's name for "the database is configured"; it always is here.
        let pg_dsn_set: Bool
    }

    struct Liveness: ResponseEncodable {
        let status: String
        let timestamp: String
        let service: String
        let version: String
    }

    struct DatabaseHealth: ResponseEncodable {
        struct Feed: Encodable {
            let status: String
            /// Why the feed is down: nothing is cached meanwhile (every read goes to the database) and replica reads
            /// go to the primary.
            let problem: String?
            let last_heartbeat: String?
            let direct_session: Bool
        }

        struct Replica: Encodable {
            let status: String
            let lag_bytes: UInt64
        }

        /// `healthy`, or `degraded` while the change feed is down or the read replica is skipped (the service still
        /// answers correctly, from the primary and without caches).
        let status: String
        let database_type: String
        let latency_ms: Double
        let record_count: Int
        let schema_version: Int
        let change_feed: Feed
        let read_replica: Replica?
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/health") { _, _ in
            Liveness(
                status: "healthy",
                timestamp: ISO8601DateFormatter().string(from: Date()),
                service: "ytv2-dashboard",
                version: version
            )
        }
        router.get("/health/ingest") { _, _ in
            IngestHealth(status: "ok", token_set: ingestTokenSet, pg_dsn_set: true)
        }
        router.get("/health/db") { _, _ in
            do {
                let latency = try await store.ping()
                let feed = store.changeFeedStatus
                let replica = store.readReplicaStatus
                let degraded = !feed.live || replica.map { !$0.reachable || $0.lagging } == true
                return DatabaseHealth(
                    status: degraded ? "degraded" : "healthy",
                    database_type: "postgresql",
                    latency_ms: (latency * 100).rounded() / 100,
                    record_count: try await ReportReader(store: store).videoCount(),
                    schema_version: try await store.schemaVersion(),
                    change_feed: .init(
                        status: feed.live ? "up" : "down",
                        problem: feed.problem,
                        last_heartbeat: feed.lastHeartbeat.map(APIDate.string),
                        direct_session: store.hasDirectSession
                    ),
                    read_replica: replica.map {
                        .init(status: !$0.reachable ? "down" : $0.lagging ? "lagging" : "up", lag_bytes: $0.lagBytes)
                    }
                )
            } catch {
                throw APIError.unavailable("the database is unreachable")
            }
        }
    }
}
