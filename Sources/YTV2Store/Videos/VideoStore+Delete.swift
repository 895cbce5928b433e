import Foundation
import PostgresNIO
import YTV2Core

extension VideoStore {
    /// Deletes a video with its summaries, audio and aliases in one transaction, records a tombstone (who, when, why)
    /// and an audit entry. Throws ``StoreError/videoNotFound(_:deletedAt:)`` for an unknown or already deleted video.
    @discardableResult
    package func delete(_ id: VideoID, actor: String, reason: String = "") async throws -> DeleteOutcome {
        var outcome = try await store.transaction { [self] connection in
            try await connection.lockVideo(id, logger: store.logger)
            let counts = try await connection.query(
                """
                SELECT (SELECT count(*) FROM summaries WHERE video_id = \(id.rawValue)),
                       (SELECT count(*) FROM audio WHERE video_id = \(id.rawValue))
                FROM videos WHERE video_id = \(id.rawValue)
                """,
                logger: store.logger
            )
            guard let (summaries, audio) = try await counts.first((Int, Int).self) else {
                throw StoreError.videoNotFound(id, deletedAt: try await store.tombstoneDate(id, on: connection))
            }
            try await connection.query("DELETE FROM videos WHERE video_id = \(id.rawValue)", logger: store.logger)
            try await connection.query(
                """
                INSERT INTO tombstones (video_id, deleted_by, reason) VALUES (\(id.rawValue), \(actor), \(reason))
                ON CONFLICT (video_id) DO UPDATE SET deleted_at = now(), deleted_by = EXCLUDED.deleted_by, reason = EXCLUDED.reason
                """,
                logger: store.logger
            )
            try await store.appendAudit(
                actor: actor,
                action: "video.delete",
                subject: id.rawValue,
                details: DeleteAudit(reason: reason, summaries: summaries, audio: audio),
                on: connection
            )
            try await connection.notifyChange(ChangeEvent(videoID: id, op: .deleted, summaryTypes: []), logger: store.logger)
            return DeleteOutcome(videoID: id, summariesDeleted: summaries, audioDeleted: audio)
        }
        outcome.commitPosition = await store.noteOwnCommit()
        return outcome
    }
}

private struct DeleteAudit: Encodable {
    let reason: String
    let summaries: Int
    let audio: Int
}
