import Hummingbird
import Logging
import YTV2Store

/// Builds the dashboard: the router with every route, and the store's pool as a service of the application.
/// `ytv2 serve` and the tests both call this, so the tests exercise exactly what runs.
public func buildApplication(
    configuration: DashboardConfiguration, store: Store, logger: Logger
) -> some ApplicationProtocol {
    let router = Router(context: BasicRequestContext.self)
    router.add(middleware: APIErrorMiddleware())
    HealthController(store: store, version: configuration.version).addRoutes(to: router)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "ytv2"),
        services: [store],
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
