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
        let status: String
        let database_type: String
        let latency_ms: Double
        let record_count: Int
        let schema_version: Int
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
                return DatabaseHealth(
                    status: "healthy",
                    database_type: "postgresql",
                    latency_ms: (latency * 100).rounded() / 100,
                    record_count: try await store.videoCount(),
                    schema_version: try await store.schemaVersion()
                )
            } catch {
                throw APIError.unavailable("the database is unreachable")
            }
        }
    }
}
