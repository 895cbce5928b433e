import Foundation
import YTV2Core

/// How the dashboard listens and what it reports about itself.
package struct DashboardConfiguration: Sendable {
    package var host: String
    package var port: Int
    package var version: String
    /// `YTV2_ADMIN_TOKEN`: deletes. Unset disables the routes.
    package var adminToken: String?
    /// `YTV2_INGEST_TOKEN`: ingest of reports and audio. Unset disables the routes.
    package var ingestToken: String?
    /// How often SSE clients get a keep-alive comment.
    package var heartbeat: Duration = .seconds(15)
    /// Apply pending migrations before accepting requests, retrying while the database is unreachable.
    package var migrateOnStart: Bool
    /// Called once the server listens, with the port it got (useful with port 0).
    package var onServerRunning: @Sendable (Int) async -> Void
    /// Shadow reads against the legacy copy in phase Shadow; nil serves PostgreSQL in every phase.
    package var shadow: ShadowConfiguration?
    /// How many bytes of encoded responses the read cache keeps at most (`YTV2_RESPONSE_CACHE_MB`); 0 keeps none.
    package var responseCacheBytes: Int = 8 * 1024 * 1024
    /// How many bytes of encoded list items the read cache keeps at most (`YTV2_ITEM_CACHE_MB`); 0 keeps none.
    package var itemCacheBytes: Int = 24 * 1024 * 1024
    /// How many bytes of list orders (every match of a filter set in one sort's order) the read cache keeps at most
    /// (`YTV2_ORDER_CACHE_MB`); 0 keeps none, and every page is read with an offset.
    package var orderCacheBytes: Int = 16 * 1024 * 1024

    package init(
        host: String = "127.0.0.1",
        port: Int = 10000,
        version: String = YTV2Version.current,
        adminToken: String? = nil,
        ingestToken: String? = nil,
        migrateOnStart: Bool = true,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.version = version
        self.adminToken = adminToken
        self.ingestToken = ingestToken
        self.migrateOnStart = migrateOnStart
        self.onServerRunning = onServerRunning
    }
}
