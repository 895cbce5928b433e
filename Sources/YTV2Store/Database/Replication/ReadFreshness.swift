import PostgresNIO
import Synchronization

/// What this process knows about the newest committed change, so that reads never answer from a point older than
/// it. Fed by the change feed (every change heard) and by the process's own commits; read by the replica routing
/// (``Store/dashboardRead(_:)``) and by the response caches.
///
/// A change notification arrives after its commit, so the primary's WAL insert position asked *after* hearing it is
/// at or past that commit; until that answer is in, the change is "pending" and reads go to the primary.
final class ReadFreshness: Sendable {
    struct State {
        /// Every change heard or made so far is at or before this position.
        var required = WALPosition.zero
        /// Changes heard whose position is still being asked for.
        var pending = 0
        /// Whether the change feed proves it hears every change (its heartbeat comes back). Without that nothing
        /// guarantees the replica's freshness, so reads go to the primary.
        var feedIsLive = false
    }

    private let state = Mutex(State())

    var snapshot: State { state.withLock { $0 } }

    func raise(to position: WALPosition) {
        state.withLock { $0.required = max($0.required, position) }
    }

    func changeHeard() { state.withLock { $0.pending += 1 } }

    func changePositioned(_ position: WALPosition?) {
        state.withLock {
            $0.pending = max(0, $0.pending - 1)
            if let position { $0.required = max($0.required, position) }
        }
    }

    func feed(isLive: Bool) { state.withLock { $0.feedIsLive = isLive } }
}

extension Store {
    /// A reader's own requirement, carried by the request (the `ytv2_wal` cookie a write answered with): reads in this
    /// task wait for at least this position, wherever the write was made. Set with `Store.$readAfter.withValue`.
    @TaskLocal package static var readAfter: WALPosition?

    /// The primary's WAL insert position: at or past the end of every commit that finished before it is asked.
    package func currentWALPosition() async throws -> WALPosition? {
        try await read { [self] connection in
            try await connection.query("SELECT pg_current_wal_insert_lsn()::text", logger: logger).first(String.self).flatMap(WALPosition.init)
        }
    }

    /// Records a commit this process made, so its next reads (and the caches they fill) see it. Returns the position
    /// a client can carry to another replica (read-your-writes).
    @discardableResult
    func noteOwnCommit() async -> WALPosition? {
        guard let position = try? await currentWALPosition() else { return nil }
        freshness.raise(to: position)
        return position
    }

    /// Whether this process has seen everything up to `position` (a client's requirement): its caches may answer.
    package func hasSeen(_ position: WALPosition) -> Bool {
        let state = freshness.snapshot
        return state.pending == 0 && state.required >= position
    }
}
