import Foundation
import Logging
import Metrics
import PostgresNIO
import Synchronization
import YTV2Core

/// A change to one video, announced on the change channel when its transaction commits.
package struct ChangeEvent: Sendable, Equatable, Codable {
    package enum Operation: String, Sendable, Codable { case added, updated, deleted }

    package var videoID: VideoID
    package var op: Operation
    /// The variants whose summaries the change added.
    package var summaryTypes: [String]

    package init(videoID: VideoID, op: Operation, summaryTypes: [String]) {
        self.videoID = videoID
        self.op = op
        self.summaryTypes = summaryTypes
    }

    enum CodingKeys: String, CodingKey {
        case videoID = "video_id"
        case op
        case summaryTypes = "summary_types"
    }

    /// The NOTIFY payload: `{"op": ..., "summary_types": [...], "video_id": ...}`.
    var payload: String { (try? jsonText(self)) ?? "{}" }

    init?(payload: String) {
        guard let event = try? JSONDecoder().decode(ChangeEvent.self, from: Data(payload.utf8)) else { return nil }
        self = event
    }
}

/// What the change feed delivers: changes, and whether it can be trusted to hear every change.
package enum ChangeFeedEvent: Sendable, Equatable {
    /// The listener is proven to hear changes (its first heartbeat came back); changes committed from now on are
    /// delivered.
    case connected
    /// The listener hears changes again after being down; changes committed meanwhile were missed, so readers that keep
    /// state (an open dashboard) should refresh.
    case reconnected
    /// The listener cannot be trusted to hear changes (its connection dropped, or its heartbeat stopped coming back);
    /// until `reconnected`, nothing derived from the database should be kept. The text says why.
    case disconnected(String)
    case change(ChangeEvent)
}

/// The change feed's state, for `/health/db` and `/metrics`.
package struct ChangeFeedStatus: Sendable, Equatable {
    /// Why a feed is down, in short (the `reason` label of `ytv2_change_feed_down`).
    package enum Cause: String, Sendable {
        case notStarted = "not_started"
        case noHeartbeat = "no_heartbeat"
        case connectionLost = "connection_lost"
        case cannotConnect = "cannot_connect"
        case stopped
    }

    /// Whether the feed is proven to hear every change right now.
    package var live: Bool
    /// Why it is not (nil while live), in a sentence and in short.
    package var problem: String?
    package var cause: Cause?
    /// When this process's last heartbeat came back.
    package var lastHeartbeat: Date?
}

/// Shared between the feed's tasks and the health routes.
final class ChangeFeedHealth: Sendable {
    private let status = Mutex(
        ChangeFeedStatus(live: false, problem: "the change feed has not started", cause: .notStarted, lastHeartbeat: nil)
    )

    var current: ChangeFeedStatus { status.withLock { $0 } }

    func update(_ change: (inout ChangeFeedStatus) -> Void) {
        let (before, after) = status.withLock { status in
            let before = status
            change(&status)
            return (before, status)
        }
        Gauge(label: "ytv2_change_feed_up").record(after.live ? 1 : 0)
        if let cause = before.cause, cause != after.cause {
            Gauge(label: "ytv2_change_feed_down", dimensions: [("reason", cause.rawValue)]).record(0)
        }
        if let cause = after.cause { Gauge(label: "ytv2_change_feed_down", dimensions: [("reason", cause.rawValue)]).record(1) }
    }
}

extension Store {
    /// How often the feed proves it hears changes: a heartbeat NOTIFY sent through the pool must come back on the
    /// feed's own connection.
    package static let heartbeatInterval: Duration = .seconds(2)
    /// A feed whose heartbeat has not come back for this long counts as down.
    package static let heartbeatDeadline: Duration = .seconds(6)

    /// What the change feed is doing now.
    package var changeFeedStatus: ChangeFeedStatus { feedHealth.current }

    /// Listens to the change channel on a dedicated session (`DATABASE_DIRECT_URL`, else `DATABASE_URL`: LISTEN does
    /// not work through the pool, nor through a transaction-mode pooler) and reconnects with backoff after the
    /// connection drops. Iterate the returned sequence; stop iterating (or cancel the task) to close the connection.
    /// One feed per process is enough: fan it out to many consumers.
    ///
    /// The feed does not take a working LISTEN on trust: it sends a heartbeat through the pool at once and every
    /// ``heartbeatInterval``, and only once one comes back does it report `.connected`. A feed that hears nothing
    /// (LISTEN through PgBouncer in transaction mode is accepted, then never delivers) stays down, and says why.
    package func changeFeed(maximumBackoff: Duration = .seconds(5)) -> AsyncStream<ChangeFeedEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ChangeFeedEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        let task = Task { await self.listen(maximumBackoff: maximumBackoff, into: continuation) }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private func listen(maximumBackoff: Duration, into continuation: AsyncStream<ChangeFeedEvent>.Continuation) async {
        let feedID = UUID().uuidString
        let liveness = FeedLiveness()
        var backoff = Duration.milliseconds(100)
        var connectionNumber = 0
        while !Task.isCancelled {
            connectionNumber += 1
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: try sessionConfiguration.connectionConfiguration(),
                    id: connectionNumber,
                    logger: logger
                )
                do {
                    try await connection.listen(on: Self.changeChannel) { notifications in
                        backoff = .milliseconds(100)
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask {
                                try await self.sendHeartbeats(feedID: feedID, liveness: liveness, into: continuation)
                            }
                            group.addTask {
                                for try await notification in notifications {
                                    self.deliver(notification.payload, feedID: feedID, liveness: liveness, into: continuation)
                                }
                            }
                            try await group.next()
                            group.cancelAll()
                        }
                    }
                } catch {
                    if !Task.isCancelled { logger.warning("change feed connection lost", metadata: ["error": "\(StoreError.wrap(error))"]) }
                }
                if !Task.isCancelled {
                    markDown("the change feed's connection was lost; reconnecting", cause: .connectionLost, liveness: liveness, into: continuation)
                }
                try? await connection.close()
            } catch {
                logger.warning("change feed cannot connect", metadata: ["error": "\(StoreError.wrap(error))"])
                markDown("the change feed cannot connect: \(StoreError.wrap(error))", cause: .cannotConnect, liveness: liveness, into: continuation)
            }
            if Task.isCancelled { break }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, maximumBackoff)
        }
        freshness.feed(isLive: false)
        feedHealth.update {
            $0.live = false
            $0.problem = "the change feed stopped"
            $0.cause = .stopped
        }
        continuation.finish()
    }

    /// Heartbeats through the pool, and the verdict when they stop coming back.
    private func sendHeartbeats(
        feedID: String,
        liveness: FeedLiveness,
        into continuation: AsyncStream<ChangeFeedEvent>.Continuation
    ) async throws {
        let listening = ContinuousClock.now
        var sequence = 0
        while !Task.isCancelled {
            sequence += 1
            let payload = "{\"heartbeat\":\"\(feedID)\",\"seq\":\(sequence)}"
            do {
                _ = try await read { connection in
                    try await connection.query("SELECT pg_notify(\(Self.changeChannel), \(payload))", logger: self.logger)
                }
            } catch {
                logger.debug("heartbeat not sent", metadata: ["error": "\(error)"])
            }
            try await Task.sleep(for: Self.heartbeatInterval)
            let silence = ContinuousClock.now - max(liveness.lastBeat ?? listening, listening)
            if silence > Self.heartbeatDeadline {
                let problem =
                    hasDirectSession
                    ? "the change feed receives nothing (its heartbeat has not come back for \(Int(silence.inSeconds)) s): is DATABASE_DIRECT_URL a pooler?"
                    : "the change feed receives nothing: is DATABASE_URL a transaction pooler? set DATABASE_DIRECT_URL"
                markDown(problem, cause: .noHeartbeat, liveness: liveness, into: continuation)
            }
        }
    }

    private func deliver(
        _ payload: String,
        feedID: String,
        liveness: FeedLiveness,
        into continuation: AsyncStream<ChangeFeedEvent>.Continuation
    ) {
        if payload.hasPrefix("{\"heartbeat\":") {
            guard payload.hasPrefix("{\"heartbeat\":\"\(feedID)\"") else { return }  // another process's
            let wasLive = liveness.beat()
            feedHealth.update {
                $0.live = true
                $0.problem = nil
                $0.cause = nil
                $0.lastHeartbeat = Date()
            }
            freshness.feed(isLive: true)
            if !wasLive {
                if liveness.hasBeenLive { continuation.yield(.reconnected) } else { continuation.yield(.connected) }
                liveness.markLiveOnce()
            }
            return
        }
        guard let event = ChangeEvent(payload: payload) else {
            logger.warning("ignoring a malformed change notification")
            return
        }
        // The change committed before its notification arrived: the primary's position asked now is past it.
        freshness.changeHeard()
        Task { [self] in freshness.changePositioned(try? await currentWALPosition()) }
        continuation.yield(.change(event))
    }

    private func markDown(
        _ problem: String,
        cause: ChangeFeedStatus.Cause,
        liveness: FeedLiveness,
        into continuation: AsyncStream<ChangeFeedEvent>.Continuation
    ) {
        freshness.feed(isLive: false)
        let wasLive = liveness.down()
        let previous = feedHealth.current.problem
        feedHealth.update {
            $0.live = false
            $0.problem = problem
            $0.cause = cause
        }
        if previous != problem { logger.warning("\(problem)") }
        if wasLive { continuation.yield(.disconnected(problem)) }
    }
}

/// Whether the feed's own heartbeat is coming back.
private final class FeedLiveness: Sendable {
    private struct State {
        var live = false
        var hasBeenLive = false
        var lastBeat: ContinuousClock.Instant?
    }

    private let state = Mutex(State())

    var lastBeat: ContinuousClock.Instant? { state.withLock { $0.lastBeat } }
    var hasBeenLive: Bool { state.withLock { $0.hasBeenLive } }

    /// Records a heartbeat; returns whether the feed was already live.
    func beat() -> Bool {
        state.withLock { state in
            defer {
                state.live = true
                state.lastBeat = .now
            }
            return state.live
        }
    }

    func markLiveOnce() { state.withLock { $0.hasBeenLive = true } }

    /// Marks the feed down; returns whether it was live.
    func down() -> Bool {
        state.withLock { state in
            defer { state.live = false }
            return state.live
        }
    }
}
