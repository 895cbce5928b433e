import Hummingbird
import Logging
import ServiceLifecycle
import YTV2Core
import YTV2Store

/// Builds the dashboard: the router with every route, and the store's pool and the change broadcaster as services of
/// the application. `ytv2 serve` and the tests both call this, so the tests exercise exactly what runs.
package func buildApplication(
    configuration: DashboardConfiguration,
    store: Store,
    logger: Logger
) -> some ApplicationProtocol {
    let registry = DashboardMetrics.registry
    // The parts of the store the routes use: reads for every route, the one writer of videos for the write routes.
    let reports = ReportReader(store: store)
    let videos = VideoStore(store: store)
    // Nothing is kept while the change feed does not prove it hears every change (it could miss a delete), nor for a
    // request that carries a write this process has not heard of yet.
    let caches = ReadCaches(
        responseBytes: configuration.responseCacheBytes,
        itemBytes: configuration.itemCacheBytes,
        orderBytes: configuration.orderCacheBytes
    ) {
        !store.changeFeedStatus.live || Store.readAfter.map { !store.hasSeen($0) } ?? false
    }
    // A quarter of the orders' budget for the searches the index keeps, as for the match sets of the caches (which
    // stay empty once the index answers pages).
    let videoIndex = VideoIndex(reports: reports, searchBytes: configuration.orderCacheBytes / 4) {
        await caches.dropPagingWithoutIndex()
    }
    let broadcaster = ChangeBroadcaster(
        store: store,
        heartbeat: configuration.heartbeat,
        logger: logger,
        changed: { change in
            // The index first: an answer computed after the caches drop must count the change.
            await videoIndex.videosChanged([change.videoID.rawValue])
            await caches.invalidate(videos: [change.videoID.rawValue])
        },
        invalidate: { listening in
            await videoIndex.drop()
            await caches.invalidate(feedIsListening: listening)
        }
    )

    // HEAD answers what GET would, headers included, on every route.
    let router = Router(context: BasicRequestContext.self, options: .autoGenerateHeadEndpoints)
    router.add(middleware: SecurityHeadersMiddleware())
    router.add(middleware: LogRequestsMiddleware(.info))
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: APIErrorMiddleware())
    router.add(middleware: PathGuardMiddleware())
    router.add(middleware: ReadYourWritesMiddleware())
    // Static files come only from the packaged assets folder; anything else under it is a 404.
    router.add(middleware: FileMiddleware(DashboardAssets.directory, searchForIndexHtml: true, logger: logger))
    HealthController(store: store, version: configuration.version, ingestTokenSet: configuration.ingestToken?.isEmpty == false)
        .addRoutes(to: router)
    let shadow = ShadowReads(configuration: configuration.shadow, store: store, logger: logger)
    OperationsController(store: store, registry: registry, shadow: shadow).addRoutes(to: router)
    ReportsController(reports: reports, caches: caches, videoIndex: videoIndex, shadow: shadow).addRoutes(to: router)
    WriteController(
        videos: videos,
        reports: reports,
        adminToken: Token(configuration.adminToken),
        ingestToken: Token(configuration.ingestToken),
        caches: caches
    )
    .addRoutes(to: router)
    AudioController(reports: reports).addRoutes(to: router)
    LegacyController(
        store: store,
        version: configuration.version,
        adminTokenSet: configuration.adminToken?.isEmpty == false,
        ingestTokenSet: configuration.ingestToken?.isEmpty == false
    )
    .addRoutes(to: router)
    CapabilitiesController(
        adminTokenSet: configuration.adminToken?.isEmpty == false,
        ingestTokenSet: configuration.ingestToken?.isEmpty == false
    )
    .addRoutes(to: router)
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
            // A SIGTERM while the database is still unreachable ends the wait at once (ServeCommand exits quietly).
            _ = try await cancelWhenGracefulShutdown { try await store.migrate(retryingFor: .seconds(60)) }
            if let warning = await store.poolerWarning() { logger.warning("\(warning)") }
        }
    }
    return app
}
