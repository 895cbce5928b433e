import Logging
import Metrics
import PostgresNIO
import Synchronization
import YTV2Core

/// A streaming read replica (`DATABASE_READ_URL`) for the dashboard's reads. A read goes to it only when it has
/// replayed every change this process knows of (``ReadFreshness``): it waits for the replica up to ``maximumWait``,
/// then reads from the primary instead. While the replica is down or lagging beyond the bound, reads go straight to
/// the primary; a poller notices when it is back. It never answers 503 while the primary is up.
final class ReadReplica: Sendable {
    let client: PostgresClient
    let configuration: DatabaseConfiguration
    /// How long a read may wait for the replica to replay the newest change before it goes to the primary.
    let maximumWait: Duration
    let logger: Logger

    struct State {
        /// The newest position the replica reported as replayed.
        var replayed: WALPosition?
        /// A read timed out waiting for `lagging`: later reads needing it or more go to the primary at once, until the
        /// replica catches up.
        var laggingBehind: WALPosition?
        /// The replica could not be reached; reads go to the primary until a poll succeeds.
        var down = false
        var lagBytes: UInt64 = 0
    }

    private let state = Mutex(State())
    /// The replay-position query in flight, which every read waiting for the replica shares, instead of each waiting
    /// read asking the replica on its own.
    private let askingReplay = Mutex<Task<WALPosition?, Never>?>(nil)
    /// Gives up leases not granted within a second or whose connection closed (``withLease(_:)``); runs in ``run(primaryPosition:)``.
    private let leaseWatchdog = LeaseWatchdog(interval: .milliseconds(100), closedGrace: .zero)

    init(configuration: DatabaseConfiguration, maximumWait: Duration, logger: Logger) {
        self.configuration = configuration
        self.maximumWait = maximumWait
        self.logger = logger
        var clientConfiguration = configuration.clientConfiguration()
        clientConfiguration.options.connectTimeout = .seconds(1)
        self.client = PostgresClient(configuration: clientConfiguration, backgroundLogger: logger)
    }

    var snapshot: State { state.withLock { $0 } }

    /// Runs the replica's pool and a poller of its replay position and lag (once a second; the lag is measured
    /// against the primary's insert position).
    func run(primaryPosition: @escaping @Sendable () async throws -> WALPosition?) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.client.run() }
            group.addTask { await self.leaseWatchdog.run() }
            group.addTask {
                while !Task.isCancelled {
                    await self.poll(primaryPosition: primaryPosition)
                    try? await Task.sleep(for: .seconds(1))
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    private func poll(primaryPosition: @Sendable () async throws -> WALPosition?) async {
        let replayed = await replayedPosition()
        let primary = try? await primaryPosition()
        state.withLock { state in
            if let replayed, let primary { state.lagBytes = primary.bytes(after: replayed) }
        }
        ReplicaMetrics.lagBytes.record(Int64(clamping: snapshot.lagBytes))
    }

    /// Asks the replica how far it has replayed; marks it down (or up again) by the answer.
    private func replayedPosition() async -> WALPosition? {
        do {
            let position = try await withLease { connection in
                try await connection.query("SELECT pg_last_wal_replay_lsn()::text", logger: self.logger).first(String?.self)?
                    .flatMap(WALPosition.init)
            }
            state.withLock { state in
                if state.down { self.logger.notice("read replica reachable again") }
                state.down = false
                state.replayed = position
                if let lagging = state.laggingBehind, let position, position >= lagging { state.laggingBehind = nil }
            }
            return position
        } catch {
            state.withLock { state in
                if !state.down { self.logger.warning("read replica unreachable; reading from the primary", metadata: ["error": "\(error)"]) }
                state.down = true
            }
            return nil
        }
    }

    /// ``replayedPosition()``, asked once for all the callers that want it at the same time.
    private func sharedReplayedPosition() async -> WALPosition? {
        let task = askingReplay.withLock { current in
            if let current { return current }
            let task = Task { await self.replayedPosition() }
            current = task
            return task
        }
        let position = await task.value
        askingReplay.withLock { if $0 == task { $0 = nil } }
        return position
    }

    /// Why a read needing `position` cannot go to the replica now, or nil when it can (after waiting up to
    /// ``maximumWait`` for the replica to replay it).
    func unavailability(for position: WALPosition) async -> ReplicaFallback? {
        let current = snapshot
        if current.down { return .down }
        if let replayed = current.replayed, replayed >= position { return nil }
        if let lagging = current.laggingBehind, position >= lagging { return .lagging }
        let deadline = ContinuousClock.now + maximumWait
        while ContinuousClock.now < deadline {
            guard let replayed = await sharedReplayedPosition() else { return snapshot.down ? .down : .lagging }
            if replayed >= position { return nil }
            try? await Task.sleep(for: .milliseconds(5))
        }
        state.withLock { $0.laggingBehind = min($0.laggingBehind ?? position, position) }
        return .lagging
    }

    /// A pooled replica connection for `body`; given up when no connection comes within a second (the replica is
    /// down: the read goes to the primary instead of waiting), or when the leased connection closes under it.
    func withLease<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        try await mappingErrors {
            do {
                return try await leaseWatchdog.watching(timeout: .seconds(1)) { granted in
                    try await self.client.withConnection { connection in
                        granted(connection)
                        return try await body(connection)
                    }
                }
            } catch LeaseWatchdog.Expiry.notGranted {
                throw StoreError.unavailable("no read replica connection within a second")
            } catch LeaseWatchdog.Expiry.closedUnderStatement {
                throw StoreError.unavailable("the read replica connection closed")
            }
        }
    }

    func markDown() { state.withLock { $0.down = true } }
}

/// Why a read went to the primary although a replica is configured.
enum ReplicaFallback: String, Sendable {
    /// The replica did not replay the newest change within the wait bound.
    case lagging
    /// The replica cannot be reached.
    case down
    /// The change feed does not prove that this process hears every change, or a change's position is still unknown.
    case unknownFreshness = "unknown_freshness"
}

/// `/metrics` figures of the read replica (looked up at each use, as ``PoolMetrics`` explains).
enum ReplicaMetrics {
    static var lagBytes: Gauge { Gauge(label: "ytv2_replica_lag_bytes") }
    static var reads: Counter { Counter(label: "ytv2_replica_reads_total") }
    static func fallbacks(_ reason: ReplicaFallback) -> Counter {
        Counter(label: "ytv2_replica_fallbacks_total", dimensions: [("reason", reason.rawValue)])
    }
}

/// The read replica as `/health/db` shows it.
package struct ReadReplicaStatus: Sendable, Equatable {
    package var reachable: Bool
    /// WAL bytes the replica is behind the primary, at the last poll.
    package var lagBytes: UInt64
    /// Whether reads currently skip it because it did not replay a change in time.
    package var lagging: Bool
}

extension Store {
    /// Nil when no read replica is configured.
    package var readReplicaStatus: ReadReplicaStatus? {
        replica.map { replica in
            let state = replica.snapshot
            return ReadReplicaStatus(reachable: !state.down, lagBytes: state.lagBytes, lagging: state.laggingBehind != nil)
        }
    }
}
