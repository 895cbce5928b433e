import Foundation
import Logging
import ServiceLifecycle
import YTV2Core
import YTV2Legacy
import YTV2Store

/// The dual-write mirror of phases DualWrite and Shadow: follows the change feed (which carries every processor
/// result and every dashboard delete, from any process) and makes the legacy dashboard file hold what PostgreSQL
/// holds for each changed video, so the legacy dashboard could keep serving. PostgreSQL stays primary: the mirror
/// only ever reads it, so a mirror failure can never fail or undo a write. Each mirrored write appends a parity
/// record (checksums of both sides); a failure is recorded and retried until it goes through. A `Service`: on graceful
/// shutdown the write in hand finishes and nothing new is started.
package struct LegacyMirror: Sendable, Service {
    package let store: Store
    /// The legacy dashboard file, opened once for the mirror's lifetime.
    let writer: LegacyDashboardWriter
    package var retryInterval: Duration = .seconds(5)
    let logger: Logger

    /// Opens the legacy dashboard file at `path` (it must exist: the mirror keeps a copy in step, it does not make one).
    package init(store: Store, path: String, logger: Logger) throws {
        self.store = store
        self.writer = try LegacyDashboardWriter(existing: path)
        self.logger = logger
    }

    /// The phases in which the mirror writes.
    package static let mirroringPhases: Set<String> = [MigrationPhase.dualWrite.rawValue, MigrationPhase.shadow.rawValue]

    /// Follows the change feed and retries failures until cancelled or shut down gracefully.
    package func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: retryInterval) }
                    if Task.isShuttingDownGracefully { break }
                    try? await retryFailures()
                }
            }
            group.addTask {
                var lastSeen = Date()
                for await event in store.changeFeed().cancelOnGracefulShutdown() {
                    switch event {
                    case .connected, .disconnected: break
                    case .reconnected:
                        // Changes committed while the feed was down were missed: mirror everything changed since.
                        let (updated, deleted) =
                            (try? await MigrationLedger(store: store).videosChanged(since: lastSeen.addingTimeInterval(-5))) ?? ([], [])
                        for id in updated + deleted { await mirror(id) }
                    case .change(let change):
                        await mirror(change.videoID.rawValue)
                    }
                    lastSeen = Date()
                }
            }
            try await group.next()
            group.cancelAll()
        }
    }

    package enum Outcome: String, Sendable, Equatable {
        case match, mismatch
        case mirrorFailed = "mirror_failed"
        case skipped
    }

    /// Makes the legacy file hold what PostgreSQL holds for `id` and records the parity of that write. Skipped
    /// outside DualWrite and Shadow.
    @discardableResult
    package func mirror(_ id: String) async -> Outcome {
        do {
            guard Self.mirroringPhases.contains(try await MigrationLedger(store: store).phaseRecord().phase) else { return .skipped }
        } catch {
            logger.warning("mirror cannot read the phase", metadata: ["error": "\(error)"])
            return .skipped
        }
        var operation = "commit"
        var primary: String?
        do {
            let videoID = try VideoID(id)
            if let video = try await LegacyExporter.legacyVideos([id], store: store).first {
                primary = LegacyDashboardWriter.expectedChecksum(video)
                try writer.replace(video)
            } else {
                operation = "delete"
                try writer.remove(videoID)
            }
            let mirrored = try writer.checksum(of: videoID)
            let outcome: Outcome = mirrored == primary ? .match : .mismatch
            try await MigrationLedger(store: store).recordParity(
                operation: operation,
                videoID: id,
                primarySHA256: primary,
                mirrorSHA256: mirrored,
                outcome: outcome.rawValue,
                detail: outcome == .match ? nil : "the legacy file holds something else than was written"
            )
            try await MigrationLedger(store: store).resolveMirrorFailures(id)
            return outcome
        } catch {
            logger.warning("mirror write failed; will retry", metadata: ["video": "\(id)", "error": "\(error)"])
            try? await MigrationLedger(store: store).recordParity(
                operation: operation,
                videoID: id,
                primarySHA256: primary,
                mirrorSHA256: nil,
                outcome: Outcome.mirrorFailed.rawValue,
                detail: String(describing: error)
            )
            return .mirrorFailed
        }
    }

    /// Mirrors again every video whose last mirror write failed.
    package func retryFailures() async throws {
        for id in try await MigrationLedger(store: store).unresolvedMirrorFailures() { await mirror(id) }
    }
}
