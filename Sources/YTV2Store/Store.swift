import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle
import Synchronization
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
    /// How long a caller waits for a pooled connection before the database counts as unavailable. While it is
    /// known to be unavailable, callers give up after ``unavailableLeaseTimeout`` so requests answer 503 quickly.
    let leaseTimeout: Duration
    let unavailableLeaseTimeout: Duration = .seconds(1)
    /// Whether the database answered the last attempt to use it.
    private let availability = LockedFlag(true)

    /// The NOTIFY channel of the change feed.
    public static let changeChannel = "ytv2_changes"

    public init(configuration: DatabaseConfiguration, logger: Logger, leaseTimeout: Duration = .seconds(10)) {
        self.configuration = configuration
        self.logger = logger
        self.leaseTimeout = leaseTimeout
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
    func transaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withLease { connection in
            try await connection.withTransaction(logger: self.logger) { transaction in try await body(transaction) }
        }
    }

    func read<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await withLease(body)
    }

    /// Leases a pooled connection for `body`. While the server is down the pool would wait for a connection
    /// indefinitely; a lease not granted within ``leaseTimeout`` fails as ``StoreError/unavailable(_:)`` instead,
    /// so callers answer 503 at once. Once leased, `body` runs as long as it needs.
    private func withLease<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let leased = LockedFlag(false)
        let availability = self.availability
        let timeout = availability.value ? leaseTimeout : unavailableLeaseTimeout
        let requested = ContinuousClock.now
        return try await mappingErrors {
            try await withThrowingTaskGroup(of: T?.self) { group in
                group.addTask {
                    try await self.client.withConnection { connection in
                        leased.set(true)
                        availability.set(true)
                        PoolMetrics.wait.recordNanoseconds(Int64((ContinuousClock.now - requested).inSeconds * 1_000_000_000))
                        PoolMetrics.leased.increment()
                        defer { PoolMetrics.leased.decrement() }
                        do {
                            return try await Self.abandoningIfClosed(connection) { try await body(connection) }
                        } catch {
                            if case StoreError.unavailable = StoreError.wrap(error) { availability.set(false) }
                            throw error
                        }
                    }
                }
                group.addTask {
                    try await Task.sleep(for: timeout)
                    if !leased.value {
                        PoolMetrics.timeouts.increment()
                        availability.set(false)
                        throw StoreError.unavailable("no database connection within \(timeout)")
                    }
                    return nil
                }
                while let result = try await group.next() {
                    if let value = result {
                        group.cancelAll()
                        return value
                    }
                }
                throw CancellationError()
            }
        }
    }

    /// Runs `body` on `connection`, giving up on it if the connection closes underneath while it runs.
    ///
    /// PostgresNIO (1.33) writes a query to the channel without a write promise: a query issued just as the server
    /// drops the connection is never answered, and its task waits forever. Seen when the server crashed under load.
    /// The body therefore runs in its own task, and a watchdog fails the call as unavailable once the connection has
    /// been closed for a second (enough for the normal error to arrive first); the stuck task is cancelled and left
    /// behind, holding nothing but the dead connection.
    static func abandoningIfClosed<T: Sendable>(
        _ connection: PostgresConnection, _ body: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let outcome = Mutex<CheckedContinuation<T, any Error>?>(nil)
        let finish: @Sendable (Result<T, any Error>) -> Void = { result in
            outcome.withLock { continuation in
                continuation?.resume(with: result)
                continuation = nil
            }
        }
        var work: Task<Void, Never>?
        var watchdog: Task<Void, Never>?
        defer {
            work?.cancel()
            watchdog?.cancel()
        }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                outcome.withLock { $0 = continuation }
                work = Task {
                    do { finish(.success(try await body())) } catch { finish(.failure(error)) }
                }
                watchdog = Task {
                    var closedSince: ContinuousClock.Instant?
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .milliseconds(250))
                        guard connection.isClosed else { continue }
                        let since = closedSince ?? .now
                        closedSince = since
                        if ContinuousClock.now - since >= .seconds(1) {
                            finish(.failure(StoreError.unavailable("the connection closed under a running statement")))
                            return
                        }
                    }
                }
            }
        } onCancel: {
            finish(.failure(CancellationError()))
        }
    }

    /// Server processes connected to this database, from every client (the caller's own included): for `/metrics`
    /// and for spotting connection leaks.
    public func databaseConnections() async throws -> Int {
        try await read { [self] connection in
            for try await count in try await connection.query(
                "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database()", logger: logger
            ).decode(Int.self) {
                return count
            }
            return 0
        }
    }

    /// `SELECT 1` round trip, in milliseconds.
    public func ping() async throws -> Double {
        let start = ContinuousClock.now
        try await read { [self] connection in
            _ = try await connection.query("SELECT 1", logger: logger).collect()
        }
        let elapsed = ContinuousClock.now - start
        return elapsed.inSeconds * 1000
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

/// A Bool shared between tasks (whether a lease was granted; whether the database answered).
/// The pool as the store uses it, for `/metrics` (the Prometheus registry of `ytv2 serve`; no-ops elsewhere).
enum PoolMetrics {
    /// Connections leased right now.
    static let leased = Meter(label: "ytv2_db_pool_leased_connections")
    /// How long a caller waited for a connection.
    static let wait = Metrics.Timer(label: "ytv2_db_pool_wait")
    /// Leases given up because no connection came within the lease timeout (answered 503).
    static let timeouts = Counter(label: "ytv2_db_pool_lease_timeouts_total")
}

private final class LockedFlag: Sendable {
    private let storage: Mutex<Bool>
    init(_ value: Bool) { storage = Mutex(value) }
    func set(_ value: Bool) { storage.withLock { $0 = value } }
    var value: Bool { storage.withLock { $0 } }
}
