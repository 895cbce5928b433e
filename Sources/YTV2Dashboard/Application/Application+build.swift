import Hummingbird
import Logging
import NIOCore
import YTV2Store

/// Builds the dashboard: the router with every route, and the store's pool and the change broadcaster as services of
/// the application. `ytv2 serve` and the tests both call this, so the tests exercise exactly what runs.
public func buildApplication(
    configuration: DashboardConfiguration, store: Store, logger: Logger
) -> some ApplicationProtocol {
    let registry = DashboardMetrics.registry
    let facetCache = ChangeInvalidatedCache<ReportFacets>()
    let totalCache = ChangeInvalidatedCache<Int>()
    let responseCache = ChangeInvalidatedCache<ByteBuffer>(capacity: 1_024)
    let broadcaster = ChangeBroadcaster(store: store, heartbeat: configuration.heartbeat, logger: logger) { listening in
        await facetCache.invalidate(feedIsListening: listening)
        await totalCache.invalidate(feedIsListening: listening)
        await responseCache.invalidate(feedIsListening: listening)
    }

    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: APIErrorMiddleware())
    router.add(middleware: PathGuardMiddleware())
    // Static files come only from the packaged assets folder; anything else under it is a 404.
    router.add(middleware: FileMiddleware(DashboardAssets.directory, searchForIndexHtml: true, logger: logger))
    HealthController(store: store, version: configuration.version).addRoutes(to: router)
    let shadow = ShadowReads(configuration: configuration.shadow, store: store, logger: logger)
    OperationsController(store: store, registry: registry, shadow: shadow).addRoutes(to: router)
    ReportsController(store: store, facetCache: facetCache, totalCache: totalCache, responseCache: responseCache, shadow: shadow)
        .addRoutes(to: router)
    WriteController(
        store: store, adminToken: Token(configuration.adminToken), ingestToken: Token(configuration.ingestToken), afterWrite: {
            await facetCache.invalidate()
            await totalCache.invalidate()
            await responseCache.invalidate()
        }
    ).addRoutes(to: router)
    AudioController(store: store).addRoutes(to: router)
    LiveController(broadcaster: broadcaster).addRoutes(to: router)

    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "ytv2"),
        services: [store, broadcaster],
        onServerRunning: { channel in
            await configuration.onServerRunning(channel.localAddress?.port ?? configuration.port)
        },
        logger: logger
    )
    if configuration.migrateOnStart {
        app.beforeServerStarts {
            try await store.migrate(retryingFor: .seconds(60))
        }
    }
    return app
}
