import PostgresNIO
import Synchronization
import YTV2Core

/// Watches every lease of one pool from a single loop (``run()``), on two counts: a lease not granted within its time
/// limit (the server is down and the pool would wait for it indefinitely), and a leased connection that closed under a
/// running statement (PostgresNIO 1.33 writes a query without a write promise, so a query sent just as the server drops
/// the connection is never answered). Either ends the lease's call at once with an ``Expiry`` and leaves the stuck work
/// behind, holding nothing but the dead connection.
///
/// One loop for all leases rather than a sleeping task beside each: that was a second task and a timer for every
/// statement, and a cancelled sleep keeps both until the time it was set for (swiftlang/swift#60441).
final class LeaseWatchdog: Sendable {
    /// Why a lease's call ended before its work did.
    enum Expiry: Error, Equatable {
        /// No connection was granted within the time limit.
        case notGranted(within: Duration)
        /// The leased connection closed and its statement did not end within ``LeaseWatchdog/closedGrace``.
        case closedUnderStatement
    }

    private struct Watched {
        let requested: ContinuousClock.Instant
        let timeout: Duration
        let end: @Sendable (Expiry) -> Void
        var connection: PostgresConnection?
        var closedSince: ContinuousClock.Instant?
    }

    private struct Leases {
        var nextID: UInt64 = 0
        var watched: [UInt64: Watched] = [:]
    }

    /// How often the loop looks at the leases in flight: the precision of both limits.
    let interval: Duration
    /// How long a statement may go on after its connection closed (enough for the normal error to arrive first).
    let closedGrace: Duration
    private let leases = Mutex(Leases())

    init(interval: Duration, closedGrace: Duration) {
        self.interval = interval
        self.closedGrace = closedGrace
    }

    /// Runs `body` watched: it is handed a function to report the connection it was granted. Throws ``Expiry`` when
    /// the lease is given up.
    func watching<T: Sendable>(
        timeout: Duration,
        _ body: @escaping @Sendable (_ granted: @escaping @Sendable (PostgresConnection) -> Void) async throws -> T
    ) async throws -> T {
        let requested = ContinuousClock.now
        let id = leases.withLock { leases in
            defer { leases.nextID &+= 1 }
            return leases.nextID
        }
        defer { _ = leases.withLock { $0.watched.removeValue(forKey: id) } }
        return try await withAbandonableTask {
            try await body { connection in self.leases.withLock { $0.watched[id]?.connection = connection } }
        } watchedBy: { end in
            let watched = Watched(requested: requested, timeout: timeout, end: { end(.failure($0)) })
            leases.withLock { $0.watched[id] = watched }
        }
    }

    /// Looks at the leases in flight every ``interval`` until cancelled.
    func run() async {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return }
            check(at: .now)
        }
    }

    /// Ends the leases past a limit at `now`.
    func check(at now: ContinuousClock.Instant) {
        let expired: [(Watched, Expiry)] = leases.withLock { leases in
            var expired: [(id: UInt64, expiry: Expiry)] = []
            var closedNow: [UInt64] = []
            for (id, watched) in leases.watched {
                guard let connection = watched.connection else {
                    if now - watched.requested >= watched.timeout { expired.append((id, .notGranted(within: watched.timeout))) }
                    continue
                }
                guard connection.isClosed else { continue }
                if now - (watched.closedSince ?? now) >= closedGrace {
                    expired.append((id, .closedUnderStatement))
                } else if watched.closedSince == nil {
                    closedNow.append(id)
                }
            }
            for id in closedNow { leases.watched[id]?.closedSince = now }
            return expired.compactMap { id, expiry in leases.watched.removeValue(forKey: id).map { ($0, expiry) } }
        }
        for (watched, expiry) in expired { watched.end(expiry) }
    }

    /// How many leases are in flight.
    var count: Int { leases.withLock { $0.watched.count } }
}
