import Foundation
import Hummingbird
import NIOCore
import YTV2Core
import YTV2Store

/// The legacy dashboard's informational routes, in their legacy shapes (the SQLite-era `telegram_bot.py` and its
/// PostgreSQL-era `server.py`): `/status`, `/api/config`, `/api/refresh` (the legacy frontend calls it after every
/// delete; nothing needs refreshing here, the change feed keeps every reader current), `/api/version`. (This API's
/// OpenAPI document, `Public/openapi.json`, is served as a static file at `/openapi.json`.)
struct LegacyController: Sendable {
    let store: Store
    let version: String
    let adminTokenSet: Bool
    let ingestTokenSet: Bool

    struct Status: ResponseEncodableJSON {
        struct Services: Encodable {
            let database: String
            let change_feed: String
            let delete_api: String
            let ingest_api: String
        }
        struct Reports: Encodable { let total: Int }
        struct Configuration: Encodable {
            let backend: String
            let version: String
        }
        let status: String
        let timestamp: String
        let services: Services
        let reports: Reports
        let configuration: Configuration
    }

    struct Config: ResponseEncodableJSON {
        struct Telegram: Encodable { let configured: Bool }
        struct Web: Encodable {
            let api: String
            let audio: String
            let events: String
        }
        struct Directories: Encodable {
            let reports: String
            let audio: String
        }
        let telegram: Telegram
        let web: Web
        let directories: Directories
        let version: String
    }

    struct Refresh: ResponseEncodableJSON {
        let status: String
        let message: String
        let reports_count: Int
        let timestamp: String
    }

    struct Version: ResponseEncodableJSON {
        let deployment_commit: String
        let branch: String
        let timestamp: String
        let version: String
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/status") { _, _ in
            let count = try? await ReportReader(store: store).videoCount()
            return Status(
                status: count == nil ? "degraded" : "ok",
                timestamp: APIDate.string(Date()),
                services: .init(
                    database: count == nil ? "unreachable" : "postgresql",
                    change_feed: store.changeFeedStatus.live ? "up" : "down",
                    delete_api: adminTokenSet ? "enabled" : "disabled",
                    ingest_api: ingestTokenSet ? "enabled" : "disabled"
                ),
                reports: .init(total: count ?? 0),
                configuration: .init(backend: "postgresql", version: version)
            )
        }
        router.get("/api/config") { _, _ in
            // What the legacy reported of its setup, without a secret: everything lives in the database here.
            Config(
                telegram: .init(configured: false),
                web: .init(api: "/api/reports", audio: "/exports/by_video/<video_id>.mp3", events: "/api/report-events"),
                directories: .init(reports: "postgresql", audio: "postgresql"),
                version: version
            )
        }
        router.get("/api/refresh") { _, _ in
            do {
                return Refresh(
                    status: "success",
                    message: "nothing to refresh: every read comes from the database",
                    reports_count: try await ReportReader(store: store).videoCount(),
                    timestamp: APIDate.string(Date())
                )
            } catch {
                throw APIError.unavailable("the database is unreachable")
            }
        }
        router.get("/api/version") { _, _ in
            Version(deployment_commit: "ytv2-\(version)", branch: "main", timestamp: APIDate.string(Date()), version: version)
        }
    }
}
