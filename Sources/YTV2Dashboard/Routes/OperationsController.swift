import Foundation
import HTTPTypes
import Hummingbird
import Metrics
import NIOCore
import Prometheus
import YTV2Store

/// The legacy system's whole-database sync routes: they answer 410 Gone (and `ytv2 doctor` checks that they do).
package let retiredSyncRoutes: [(method: HTTPRequest.Method, path: String)] = [
    (.get, "/api/upload-database"), (.post, "/api/upload-database"), (.get, "/api/download-database"), (.post, "/api/upload-report"),
]

/// `/health/backend`, `/metrics`, and the retired whole-database sync routes (410 Gone).
struct OperationsController: Sendable {
    let store: Store
    let registry: PrometheusCollectorRegistry
    let shadow: ShadowReads

    struct Backend: ResponseEncodableJSON {
        let backend: String
        let read_source: String
        let migration_phase: String
    }

    /// `/health/migration`: the phase and the figures of its gates (consistency, p50/p99 of both sides, parity).
    struct MigrationHealth: ResponseEncodableJSON {
        let phase: String
        let since: String?
        let shadow: ShadowFigures
        let parity: ParityFigures
        let consistency: Double
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/health/backend") { _, _ in
            // In phase Shadow (with a legacy copy configured) the read routes answer from the legacy copy.
            let readSource = await shadow.active() ? "legacy-sqlite" : "postgresql"
            let phase = (try? await MigrationLedger(store: store).phaseRecord().phase) ?? "Off"
            return Backend(backend: "postgresql", read_source: readSource, migration_phase: phase)
        }
        router.get("/health/migration") { _, _ in
            do {
                let phase = try await MigrationLedger(store: store).phaseRecord()
                let since = phase.since ?? .distantPast
                let shadow = try await MigrationLedger(store: store).shadowFigures(since: since)
                return MigrationHealth(
                    phase: phase.phase,
                    since: phase.since.map(APIDate.string),
                    shadow: shadow,
                    parity: try await MigrationLedger(store: store).parityFigures(since: since),
                    consistency: shadow.consistency
                )
            } catch {
                throw APIError.unavailable("the database is unreachable")
            }
        }
        router.get("/metrics") { _, _ in
            // Connections the server has for this database (all clients), read at scrape time.
            if let count = try? await store.databaseConnections() { Gauge(label: "ytv2_db_server_connections").record(count) }
            var headers = HTTPFields()
            headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
        let retired = APIError(
            .gone,
            code: "gone",
            message: "whole-database sync is retired: the processor and the dashboard share one PostgreSQL database; nothing is overwritten"
        )
        for route in retiredSyncRoutes {
            router.on(RouterPath(route.path), method: route.method) { _, _ -> Response in throw retired }
        }
    }
}
