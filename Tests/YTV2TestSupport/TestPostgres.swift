import Foundation
import Logging
import PostgresNIO
import YTV2Store

#if canImport(Glibc)
import Glibc
#endif

/// One PostgreSQL server per test run, started with the same zero-configuration code `ytv2` uses
/// (`YTV2_TEST_DATABASE_URL` points at an existing server instead), and a fresh database per test, dropped afterwards.
package actor TestPostgres {
    package static let shared = TestPostgres()

    package static let logger: Logger = {
        var logger = Logger(label: "ytv2.tests")
        logger.logLevel = .warning
        return logger
    }()

    /// Memoized as tasks: the actor is reentrant, and parallel suites must share one server and one template.
    private var server: Task<(DatabaseConfiguration, LocalCluster?), any Error>?
    private var template: Task<String, any Error>?

    /// The private test cluster, stopped when the test process exits.
    package func localCluster() async throws -> LocalCluster? {
        try await startedServer().1
    }

    /// The server's maintenance connection settings.
    package func serverConfiguration() async throws -> DatabaseConfiguration {
        try await startedServer().0
    }

    private func startedServer() async throws -> (DatabaseConfiguration, LocalCluster?) {
        if let server { return try await server.value }
        let task = Task { () throws -> (DatabaseConfiguration, LocalCluster?) in
            if let url = ProcessInfo.processInfo.environment["YTV2_TEST_DATABASE_URL"], !url.isEmpty {
                return (try DatabaseConfiguration(url: url), nil)
            }
            let root = URL(fileURLWithPath: "/tmp/ytv2-test-\(getpid())-\(UUID().uuidString.prefix(6))")
            let cluster = LocalCluster(root: root, durable: false)
            TestClusterCleanup.register(cluster)
            return (try await cluster.start(logger: Self.logger), cluster)
        }
        server = task
        return try await task.value
    }

    /// A new database. `migrated` databases are copied from a template migrated once per run (fast); others are empty.
    package func makeDatabase(migrated: Bool = true) async throws -> DatabaseConfiguration {
        let server = try await serverConfiguration()
        let name = "t_" + UUID().uuidString.replacingOccurrences(of: "-", with: "").prefix(16).lowercased()
        if migrated {
            let template = try await migratedTemplate(server)
            try await Self.execute("CREATE DATABASE \(name) TEMPLATE \(template)", on: server)
        } else {
            try await Self.execute("CREATE DATABASE \(name)", on: server)
        }
        return server.with(database: name)
    }

    package func dropDatabase(_ configuration: DatabaseConfiguration) async throws {
        let server = try await serverConfiguration()
        try await Self.execute("DROP DATABASE IF EXISTS \(configuration.database) WITH (FORCE)", on: server)
    }

    private func migratedTemplate(_ server: DatabaseConfiguration) async throws -> String {
        if let template { return try await template.value }
        let task = Task { () throws -> String in
            let name = "ytv2_template_\(getpid())"
            try await Self.execute("DROP DATABASE IF EXISTS \(name) WITH (FORCE)", on: server)
            try await Self.execute("CREATE DATABASE \(name)", on: server)
            let store = Store(configuration: server.with(database: name), logger: Self.logger)
            _ = try await store.withRunning { try await $0.migrate() }
            return name
        }
        template = task
        return try await task.value
    }

    /// Runs one statement on the server's maintenance database. Names come from the harness, never from input.
    package static func execute(_ sql: String, on server: DatabaseConfiguration) async throws {
        let connection = try await PostgresConnection.connect(
            configuration: try server.connectionConfiguration(),
            id: 1,
            logger: logger
        )
        do {
            try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            try await connection.close()
        } catch {
            try? await connection.close()
            throw StoreError.wrap(error)
        }
    }
}

/// Runs `body` with a store on a fresh, migrated (or empty) database that is dropped afterwards.
package func withTestStore<T: Sendable>(migrated: Bool = true, _ body: @Sendable (Store) async throws -> T) async throws -> T {
    let configuration = try await TestPostgres.shared.makeDatabase(migrated: migrated)
    // A generous lease timeout: the suites run in parallel with the end-to-end drills on two cores, and a test that
    // queues fifty writes on one video must not fail for waiting its turn. (Production keeps 10 s.)
    let store = Store(configuration: configuration, logger: TestPostgres.logger, leaseTimeout: .seconds(90))
    do {
        let result = try await store.withRunning(body)
        try await TestPostgres.shared.dropDatabase(configuration)
        return result
    } catch {
        try? await TestPostgres.shared.dropDatabase(configuration)
        throw error
    }
}

/// Stops the test cluster and removes its folder when the test process exits.
enum TestClusterCleanup {
    nonisolated(unsafe) private static var cluster: LocalCluster?

    static func register(_ cluster: LocalCluster) {
        self.cluster = cluster
        atexit {
            guard let cluster = TestClusterCleanup.cluster else { return }
            cluster.stopImmediately()
            try? FileManager.default.removeItem(at: cluster.root)
        }
    }
}
