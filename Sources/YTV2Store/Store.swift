import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle
import YTV2Core

/// The one gateway to the shared PostgreSQL database.
///
/// Every write is one transaction that holds the invariants of ARCHITECTURE.md; every read the dashboard needs
/// is a method here. The store is a `Service`: run it (in a `ServiceGroup`, or with ``withRunning(_:)``) for the
/// lifetime of the process, because it owns the connection pool.
public final class Store: Sendable, Service {
    public let configuration: DatabaseConfiguration
    public let client: PostgresClient
    let logger: Logger

    /// The NOTIFY channel of the change feed.
    public static let changeChannel = "ytv2_changes"

    public init(configuration: DatabaseConfiguration, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.client = PostgresClient(configuration: configuration.clientConfiguration(), backgroundLogger: logger)
    }

    /// Runs the pool until cancelled or gracefully shut down.
    public func run() async throws {
        await client.run()
    }

    /// Runs the pool for the duration of `body` (CLI commands and tests).
    public func withRunning<T: Sendable>(_ body: @Sendable (Store) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            // Let the pool's run loop start before the first lease (it warns about leases made before it runs).
            for _ in 0..<4 { await Task.yield() }
            defer { group.cancelAll() }
            return try await body(self)
        }
    }

    /// Applies pending schema migrations.
    @discardableResult
    public func migrate() async throws -> SchemaMigrator.Report {
        try await SchemaMigrator(logger: logger).migrate(client: client)
    }

    /// Applies pending migrations, retrying with backoff while the database is unreachable (it may still be starting).
    @discardableResult
    public func migrate(retryingFor patience: Duration) async throws -> SchemaMigrator.Report {
        var delay = Duration.milliseconds(250)
        let deadline = ContinuousClock.now + patience
        while true {
            do {
                let report = try await migrate()
                if !report.applied.isEmpty { logger.notice("applied migrations", metadata: ["files": "\(report.applied)"]) }
                return report
            } catch StoreError.unavailable(let reason) where ContinuousClock.now < deadline {
                logger.warning("database unavailable, retrying", metadata: ["reason": "\(reason)", "in": "\(delay)"])
                try await Task.sleep(for: delay)
                delay = min(delay * 2, .seconds(5))
            }
        }
    }

    /// One transaction; PostgresNIO's errors come out as ``StoreError`` with their SQLSTATE.
    func transaction<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await mappingErrors {
            try await client.withTransaction(logger: logger) { connection in
                try await body(connection)
            }
        }
    }

    func read<T: Sendable>(_ body: (PostgresConnection) async throws -> T) async throws -> T {
        try await mappingErrors {
            try await client.withConnection { connection in try await body(connection) }
        }
    }

    /// `SELECT 1` round trip, in milliseconds.
    public func ping() async throws -> Double {
        let start = ContinuousClock.now
        try await read { connection in
            _ = try await connection.query("SELECT 1", logger: logger).collect()
        }
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }
}

extension PostgresConnection {
    /// Serializes delete and result commits for one video until the transaction ends (invariant 3).
    func lockVideo(_ id: VideoID, logger: Logger) async throws {
        try await query("SELECT pg_advisory_xact_lock(7274002, hashtext(\(id.rawValue)))", logger: logger)
    }

    /// Sends `{video_id, op}` on the change channel; PostgreSQL delivers it when the transaction commits.
    func notifyChange(_ change: ChangeEvent, logger: Logger) async throws {
        try await query("SELECT pg_notify(\(Store.changeChannel), \(change.payload))", logger: logger)
    }
}

extension PostgresRowSequence {
    func collectRows() async throws -> [PostgresRow] { try await collect() }
}
