import Foundation
import PostgresNIO
import YTV2Core

/// Building blocks the writers of video rows share inside their transactions (``VideoStore``, ``JobQueue``,
/// ``MigrationLedger``): tombstones and the search words.
extension Store {
    func tombstoneDate(_ id: VideoID, on connection: PostgresConnection) async throws -> Date? {
        let rows = try await connection.query("SELECT deleted_at FROM tombstones WHERE video_id = \(id.rawValue)", logger: logger)
        return try await rows.first(Date.self)
    }

    /// Rewrites the words search finds the videos by (title, channel and latest summaries, as they are now in this
    /// transaction; `ytv2_search_document`, migration 0006). Every write that changes one of them calls this.
    func refreshSearchWords(of videoIDs: [String], on connection: PostgresConnection) async throws {
        try await connection.query(
            "UPDATE videos SET search = ytv2_search_document(video_id) WHERE video_id = ANY(\(videoIDs)::text[])",
            logger: logger
        )
    }

    /// The one way a tombstone goes: removed, and audited with when and by whom the video had been deleted.
    @discardableResult
    func clearTombstone(_ id: VideoID, actor: String, reason: String, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query(
            "DELETE FROM tombstones WHERE video_id = \(id.rawValue) RETURNING deleted_at, deleted_by",
            logger: logger
        )
        guard let cleared = try await rows.first((Date, String).self) else { return false }
        try await appendAudit(
            actor: actor,
            action: "video.tombstone_cleared",
            subject: id.rawValue,
            details: ["reason": reason, "deleted_at": ISO8601DateFormatter().string(from: cleared.0), "deleted_by": cleared.1],
            on: connection
        )
        return true
    }
}
