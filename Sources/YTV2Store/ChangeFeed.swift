import Foundation
import Logging
import PostgresNIO
import YTV2Core

/// A change to one video, announced on the change channel when its transaction commits.
public struct ChangeEvent: Sendable, Equatable, Codable {
    public enum Operation: String, Sendable, Codable { case added, updated, deleted }

    public var videoID: VideoID
    public var op: Operation
    /// The variants whose summaries the change added.
    public var summaryTypes: [String]

    public init(videoID: VideoID, op: Operation, summaryTypes: [String]) {
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

/// What the change feed delivers: changes, and when its connection was (re-)established.
public enum ChangeFeedEvent: Sendable, Equatable {
    /// The listener is connected for the first time; changes committed from now on are delivered.
    case connected
    /// The listener lost its connection and is back; changes committed meanwhile were missed, so readers
    /// that keep state (an open dashboard) should refresh.
    case reconnected
    /// The listener lost its connection (it keeps trying): until `reconnected`, changes may be missed, so nothing
    /// derived from the database should be trusted past this point.
    case disconnected
    case change(ChangeEvent)
}

extension Store {
    /// Listens to the change channel on a dedicated connection (LISTEN does not work through the pool) and
    /// reconnects with backoff after the connection drops. Iterate the returned sequence; stop iterating (or cancel
    /// the task) to close the connection. One feed per process is enough: fan it out to many consumers.
    public func changeFeed(maximumBackoff: Duration = .seconds(5)) -> AsyncStream<ChangeFeedEvent> {
        let (stream, continuation) = AsyncStream.makeStream(of: ChangeFeedEvent.self, bufferingPolicy: .bufferingNewest(10_000))
        let configuration = self.configuration
        let logger = self.logger
        let task = Task {
            await Self.listen(configuration: configuration, logger: logger, maximumBackoff: maximumBackoff, into: continuation)
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    private static func listen(
        configuration: DatabaseConfiguration,
        logger: Logger,
        maximumBackoff: Duration,
        into continuation: AsyncStream<ChangeFeedEvent>.Continuation
    ) async {
        var hasConnected = false
        var backoff = Duration.milliseconds(100)
        var connectionNumber = 0
        while !Task.isCancelled {
            connectionNumber += 1
            do {
                let connection = try await PostgresConnection.connect(
                    configuration: try configuration.connectionConfiguration(),
                    id: connectionNumber,
                    logger: logger
                )
                do {
                    try await connection.listen(on: changeChannel) { notifications in
                        continuation.yield(hasConnected ? .reconnected : .connected)
                        hasConnected = true
                        backoff = .milliseconds(100)
                        for try await notification in notifications {
                            if let event = ChangeEvent(payload: notification.payload) {
                                continuation.yield(.change(event))
                            } else {
                                logger.warning("ignoring a malformed change notification")
                            }
                        }
                    }
                } catch {
                    if !Task.isCancelled { logger.warning("change feed connection lost", metadata: ["error": "\(StoreError.wrap(error))"]) }
                }
                if hasConnected && !Task.isCancelled { continuation.yield(.disconnected) }
                try? await connection.close()
            } catch {
                logger.warning("change feed cannot connect", metadata: ["error": "\(StoreError.wrap(error))"])
            }
            if Task.isCancelled { break }
            try? await Task.sleep(for: backoff)
            backoff = min(backoff * 2, maximumBackoff)
        }
        continuation.finish()
    }
}
