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
package final class Store: Sendable, Service {
    /// The pool's database: `DATABASE_URL`, possibly through a transaction-mode pooler.
    package let configuration: DatabaseConfiguration
    /// Where sessions go: the change feed's LISTEN (`DATABASE_DIRECT_URL`, else `configuration`).
    package let sessionConfiguration: DatabaseConfiguration
    /// Whether `sessionConfiguration` was given apart from the pool's.
    package let hasDirectSession: Bool
    package let client: PostgresClient
    /// The dashboard's read replica (`DATABASE_READ_URL`), if any.
    let replica: ReadReplica?
    /// The newest change this process knows of (replica reads and caches never answer from before it).
    let freshness = ReadFreshness()
    /// What the change feed is doing, for `/health/db` and `/metrics`.
    let feedHealth = ChangeFeedHealth()
    let logger: Logger
    /// How long a caller waits for a pooled connection before the database counts as unavailable. While it is
    /// known to be unavailable, callers give up after ``unavailableLeaseTimeout`` so requests answer 503 quickly.
    let leaseTimeout: Duration
    let unavailableLeaseTimeout: Duration = .seconds(1)
    /// Whether the database answered the last attempt to use it.
    private let availability = LockedFlag(true)
    /// Gives up leases not granted in time or stuck on a closed connection (``withLease(_:)``); runs in ``run()``.
    let leaseWatchdog = LeaseWatchdog(interval: .milliseconds(250), closedGrace: .seconds(1))

    /// The NOTIFY channel of the change feed.
    package static let changeChannel = "ytv2_changes"
    /// The longest alias `video_aliases` holds (its CHECK in 0001): longer ids are never stored or looked up as aliases.
    package static let maximumAliasLength = 200

    package convenience init(configuration: DatabaseConfiguration, logger: Logger, leaseTimeout: Duration = .seconds(10)) {
        self.init(endpoints: DatabaseEndpoints(primary: configuration), logger: logger, leaseTimeout: leaseTimeout)
    }

    /// - Parameter replicaWait: how long a dashboard read may wait for the read replica to replay the newest change
    ///   before it reads from the primary.
    package init(endpoints: DatabaseEndpoints, logger: Logger, leaseTimeout: Duration = .seconds(10), replicaWait: Duration = .seconds(1)) {
        self.configuration = endpoints.primary
        self.sessionConfiguration = endpoints.session
        self.hasDirectSession = endpoints.direct != nil
        self.logger = logger
        self.leaseTimeout = leaseTimeout
        self.client = PostgresClient(configuration: endpoints.primary.clientConfiguration(), backgroundLogger: logger)
        self.replica = endpoints.readReplica.map { ReadReplica(configuration: $0, maximumWait: replicaWait, logger: logger) }
    }

    /// Runs the pool, its lease watchdog (and the read replica's) until cancelled or gracefully shut down.
    package func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            group.addTask { await self.leaseWatchdog.run() }
            if let replica {
                group.addTask { await replica.run { [self] in try await currentWALPosition() } }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Runs the pool for the duration of `body` (CLI commands and tests).
    package func withRunning<T: Sendable>(_ body: @Sendable (Store) async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.run() }
            // Let the pool's run loop start before the first lease (it warns about leases made before it runs).
            for _ in 0..<4 { await Task.yield() }
            defer { group.cancelAll() }
            return try await body(self)
        }
    }

    /// Applies pending schema migrations over a session of their own on the direct URL (``sessionConfiguration``).
    /// They hold no session state (see ``SchemaMigrator/migrate(on:)``), so they are safe through a pooler too.
    @discardableResult
    package func migrate() async throws -> SchemaMigrator.Report {
        let migrator = try SchemaMigrator(logger: logger)
        return try await mappingErrors {
            let connection = try await PostgresConnection.connect(
                configuration: try sessionConfiguration.connectionConfiguration(),
                id: 0,
                logger: logger
            )
            do {
                let report = try await migrator.migrate(on: connection)
                try await connection.close()
                return report
            } catch {
                try? await connection.close()
                throw error
            }
        }
    }

    /// Whether sessions to `DATABASE_URL` go through a transaction-mode pooler: two sessions opened one after the
    /// other (the first still open) get the same server process only when a pooler hands its server connection from one
    /// client to the next between transactions; a server gives each session its own process.
    package func isBehindTransactionPooler() async throws -> Bool {
        try await mappingErrors {
            let options = try configuration.connectionConfiguration()
            func pid(_ connection: PostgresConnection) async throws -> Int32? {
                try await connection.query("SELECT pg_backend_pid()", logger: logger).first(Int32.self)
            }
            let first = try await PostgresConnection.connect(configuration: options, id: 0, logger: logger)
            do {
                let firstPID = try await pid(first)
                let second = try await PostgresConnection.connect(configuration: options, id: 1, logger: logger)
                let secondPID = try? await pid(second)
                try? await second.close()
                try? await first.close()
                return firstPID != nil && firstPID == secondPID
            } catch {
                try? await first.close()
                throw error
            }
        }
    }

    /// The sentence `ytv2 serve` and `ytv2 db migrate` say when `DATABASE_URL` is a transaction-mode pooler and no
    /// `DATABASE_DIRECT_URL` is set; nil when all is well.
    package func poolerWarning() async -> String? {
        guard !hasDirectSession, (try? await isBehindTransactionPooler()) == true else { return nil }
        return "DATABASE_URL goes through a transaction-mode pooler (two sessions shared one server connection): migrations "
            + "run there with transaction-scoped locks only, but LISTEN cannot work through it, so the change feed hears "
            + "nothing and the dashboard keeps no caches; set DATABASE_DIRECT_URL to the server itself (or a session-mode pool)"
    }

    /// Applies pending migrations, retrying with backoff while the database is unreachable (it may still be starting).
    @discardableResult
    package func migrate(retryingFor patience: Duration) async throws -> SchemaMigrator.Report {
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

    /// A read the dashboard answers users with: from the read replica when one is configured and it has replayed every
    /// change this process knows of (and the reader's own requirement, ``readAfter``), else from the primary.
    func dashboardRead<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        guard let replica else { return try await read(body) }
        let known = freshness.snapshot
        let required = max(known.required, Self.readAfter ?? .zero)
        var fallback: ReplicaFallback? = known.feedIsLive && known.pending == 0 ? nil : .unknownFreshness
        if fallback == nil { fallback = await replica.unavailability(for: required) }
        if fallback == nil {
            do {
                let value = try await replica.withLease(body)
                ReplicaMetrics.reads.increment()
                return value
            } catch let error as StoreError {
                guard case .unavailable = error else { throw error }
                replica.markDown()
                fallback = .down
            }
        }
        ReplicaMetrics.fallbacks(fallback ?? .down).increment()
        return try await read(body)
    }

    /// Leases a pooled connection for `body`, watched by ``leaseWatchdog`` on two counts. While the server is down the
    /// pool would wait for a connection indefinitely: a lease not granted within ``leaseTimeout`` fails as
    /// ``StoreError/unavailable(_:)``, so callers answer 503 at once. And a query sent just as the server drops the
    /// connection is never answered (seen when the server crashed under load): once the leased connection has been
    /// closed for a second the call fails as unavailable too, and the stuck body is left behind.
    private func withLease<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let availability = self.availability
        let timeout = availability.value ? leaseTimeout : unavailableLeaseTimeout
        let requested = ContinuousClock.now
        return try await mappingErrors {
            do {
                return try await self.leaseWatchdog.watching(timeout: timeout) { granted in
                    try await self.client.withConnection { connection in
                        granted(connection)
                        availability.set(true)
                        PoolMetrics.wait.recordNanoseconds(Int64((ContinuousClock.now - requested).inSeconds * 1_000_000_000))
                        let inUse = PoolMetrics.leased
                        inUse.increment()
                        defer { inUse.decrement() }
                        do {
                            return try await body(connection)
                        } catch {
                            if case StoreError.unavailable = StoreError.wrap(error) { availability.set(false) }
                            throw error
                        }
                    }
                }
            } catch LeaseWatchdog.Expiry.notGranted(let within) {
                PoolMetrics.timeouts.increment()
                availability.set(false)
                throw StoreError.unavailable("no database connection within \(within)")
            } catch LeaseWatchdog.Expiry.closedUnderStatement {
                throw StoreError.unavailable("the connection closed under a running statement")
            }
        }
    }

    /// Client connections to this database from every client but the one asking: for `/metrics` and for spotting
    /// connection leaks. (Autovacuum workers and other server processes are not counted: they come and go by themselves.)
    package func databaseConnections() async throws -> Int {
        try await read { [self] connection in
            try await connection.query(
                "SELECT count(*)::int FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()",
                logger: logger
            ).first(Int.self) ?? 0
        }
    }

    /// `SELECT 1` round trip, in milliseconds.
    package func ping() async throws -> Double {
        let start = ContinuousClock.now
        try await read { [self] connection in
            _ = try await connection.query("SELECT 1", logger: logger).collect()
        }
        let elapsed = ContinuousClock.now - start
        return elapsed.inSeconds * 1000
    }
}

extension PostgresRowSequence {
    /// The first row decoded as `Column…`, or nil when there is none (the rest are not read): the store's one way of
    /// reading a single value.
    func first<each Column: PostgresDecodable & Sendable>(_ type: (repeat each Column).Type) async throws -> (repeat each Column)? {
        for try await row in decode(type) { return row }
        return nil
    }
}

extension PostgresConnection {
    /// The first key of every per-video lock (`pg_advisory_xact_lock(videoLockKey, hashtext(video_id))`).
    static let videoLockKey: Int32 = 7_274_002

    /// Serializes delete and result commits for one video until the transaction ends (invariant 3).
    func lockVideo(_ id: VideoID, logger: Logger) async throws {
        try await lockVideos([id.rawValue], logger: logger)
    }

    /// The per-video locks of `ids`, taken in sorted order so that two transactions locking overlapping sets never
    /// wait on each other in a cycle.
    func lockVideos(_ ids: [String], logger: Logger) async throws {
        try await query(
            """
            SELECT pg_advisory_xact_lock(\(Self.videoLockKey), hashtext(id))
            FROM unnest(\(ids.sorted())::text[]) WITH ORDINALITY AS t(id, n) ORDER BY n
            """,
            logger: logger
        )
    }

    /// Sends `{video_id, op}` on the change channel; PostgreSQL delivers it when the transaction commits.
    func notifyChange(_ change: ChangeEvent, logger: Logger) async throws {
        try await query("SELECT pg_notify(\(Store.changeChannel), \(change.payload))", logger: logger)
    }
}

/// The pool as the store uses it, for `/metrics` (the Prometheus registry of `ytv2 serve`; no-ops elsewhere). The
/// handles are looked up at each use, not kept: one made before the metrics system is bootstrapped would stay a
/// no-op for good (a store can be used before the dashboard bootstraps it).
enum PoolMetrics {
    /// Connections leased right now.
    static var leased: Meter { Meter(label: "ytv2_db_pool_leased_connections") }
    /// How long a caller waited for a connection.
    static var wait: Metrics.Timer { Metrics.Timer(label: "ytv2_db_pool_wait") }
    /// Leases given up because no connection came within the lease timeout (answered 503).
    static var timeouts: Counter { Counter(label: "ytv2_db_pool_lease_timeouts_total") }
}

/// A Bool shared between tasks (whether the database answered).
private final class LockedFlag: Sendable {
    private let storage: Mutex<Bool>
    init(_ value: Bool) { storage = Mutex(value) }
    func set(_ value: Bool) { storage.withLock { $0 = value } }
    var value: Bool { storage.withLock { $0 } }
}
