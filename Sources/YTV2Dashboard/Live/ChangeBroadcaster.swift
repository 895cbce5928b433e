import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import YTV2Store

/// One message to an SSE client.
enum LiveMessage: Sendable, Equatable {
    case change(ChangeEvent)
    /// The feed lost its connection and is back: changes may have been missed, clients should refresh.
    case resync
    /// A comment line that keeps proxies from closing an idle stream.
    case heartbeat
}

/// The process's single change-feed listener, fanned out to every SSE client. A service of the application:
/// it runs the feed and a heartbeat, and on graceful shutdown ends every client stream so open SSE responses finish.
final class ChangeBroadcaster: Service, Sendable {
    private let store: Store
    private let heartbeat: Duration
    /// A client whose buffer is full this many messages deep is dropped, never allowed to hold others back.
    private let clientBuffer: Int
    private let clients = Mutex<[UUID: AsyncStream<LiveMessage>.Continuation]>([:])
    private let logger: Logger
    /// Drops everything derived from the database (caches, and what is kept up to date in place) when the feed
    /// connects, loses its connection or comes back: changes may have been missed. With `feedIsListening` false (the
    /// feed lost its connection) nothing new may be kept until it is back.
    private let invalidate: @Sendable (_ feedIsListening: Bool) async -> Void
    /// Told each change, in the order the feed delivers them, each awaited before the next: what is kept up to date in
    /// place (``VideoIndex``) and what the change touched in the caches (``ReadCaches/invalidate(videos:)``).
    private let changed: @Sendable (ChangeEvent) async -> Void

    init(
        store: Store,
        heartbeat: Duration = .seconds(15),
        clientBuffer: Int = 256,
        logger: Logger,
        changed: @escaping @Sendable (ChangeEvent) async -> Void = { _ in },
        invalidate: @escaping @Sendable (_ feedIsListening: Bool) async -> Void = { _ in }
    ) {
        self.store = store
        self.changed = changed
        self.invalidate = invalidate
        self.heartbeat = heartbeat
        self.clientBuffer = clientBuffer
        self.logger = logger
    }

    var clientCount: Int { clients.withLock { $0.count } }

    /// A new client's stream; it ends when the client is dropped or the service shuts down.
    func subscribe() -> AsyncStream<LiveMessage> {
        let (stream, continuation) = AsyncStream.makeStream(of: LiveMessage.self, bufferingPolicy: .bufferingOldest(clientBuffer))
        let id = UUID()
        clients.withLock { $0[id] = continuation }
        continuation.onTermination = { [weak self] _ in
            _ = self?.clients.withLock { $0.removeValue(forKey: id) }
        }
        return stream
    }

    func run() async throws {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in self.store.changeFeed().cancelOnGracefulShutdown() {
                    switch event {
                    case .connected:
                        // Changes made before the listener ran were not heard: start from a clean cache.
                        await self.invalidate(true)
                    case .reconnected:
                        await self.invalidate(true)
                        self.broadcast(.resync)
                    case .disconnected:
                        // Changes are not heard until the feed is back: keep nothing derived meanwhile.
                        await self.invalidate(false)
                    case .change(let change):
                        await self.changed(change)
                        self.broadcast(.change(change))
                    }
                }
            }
            group.addTask {
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    try? await Task.sleep(for: self.heartbeat)
                    self.broadcast(.heartbeat)
                }
            }
            try? await gracefulShutdown()
            group.cancelAll()
        }
        finishAll()
    }

    func broadcast(_ message: LiveMessage) {
        let current = clients.withLock { $0 }
        for (id, continuation) in current {
            if case .dropped = continuation.yield(message) {
                logger.notice("dropping a slow live-update client")
                continuation.finish()
                _ = clients.withLock { $0.removeValue(forKey: id) }
            }
        }
    }

    private func finishAll() {
        let current = clients.withLock { clients in
            defer { clients.removeAll() }
            return clients
        }
        for continuation in current.values { continuation.finish() }
    }
}
