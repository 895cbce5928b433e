import Foundation
import GRDB
import YTV2Core

/// One video as the legacy dashboard stored it: its metadata, categories, and latest summary per variant.
public struct LegacyDashboardVideo: Sendable {
    public var id: VideoID
    public var metadata: VideoMetadata
    public var categories: [CategoryEntry]
    public var hasAudio: Bool
    /// Latest text per variant; the first is the video's main summary.
    public var summaries: [(variant: String, text: String)]

    public init(id: VideoID, metadata: VideoMetadata, categories: [CategoryEntry], hasAudio: Bool, summaries: [(variant: String, text: String)]) {
        self.id = id
        self.metadata = metadata
        self.categories = categories
        self.hasAudio = hasAudio
        self.summaries = summaries
    }
}

/// Writes a new dashboard SQLite file in the legacy format (the schema the legacy dashboard had, with its later
/// columns), so the legacy dashboard could serve it. Opened through ``LegacyWriteGuard``: refused after Complete.
public struct LegacyDashboardWriter {
    let queue: DatabaseQueue
    public let path: String

    /// Creates the file; an existing file is never overwritten.
    public init(creating path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw LegacyReadError(file: path, problem: "already exists; choose a new file name")
        }
        queue = try LegacyWriteGuard.openForWriting(path)
        try queue.write { try $0.execute(sql: LegacyFixtures.dashboardSchema) }
        self.path = path
    }

    /// Appends videos in one transaction.
    public func append(_ videos: [LegacyDashboardVideo]) throws {
        try queue.inTransaction { db in
            for video in videos {
                try LegacyFixtures.insert(Self.contentRow(video), into: "content", db: db)
                if let main = video.summaries.first {
                    try db.execute(
                        sql: "INSERT INTO content_summaries (content_id, summary_text, summary_type) VALUES (?, ?, ?)",
                        arguments: [video.id.legacyID, main.text, main.variant])
                }
                for summary in video.summaries {
                    try db.execute(
                        sql: """
                            INSERT INTO summary_variants (video_id, variant_type, revision, content, is_latest, created_at)
                            VALUES (?, ?, 1, ?, 1, ?)
                            """,
                        arguments: [video.id.rawValue, summary.variant, summary.text, LegacyFixtures.isoTimestamp(video.metadata.indexedAt ?? Date())])
                }
            }
            return .commit
        }
    }

    /// ISO-8601 in UTC with milliseconds, rounded as PostgreSQL rounds (the precision the migration compares at).
    static func isoMilliseconds(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let (seconds, fraction) = (milliseconds - ((milliseconds % 1000) + 1000) % 1000, ((milliseconds % 1000) + 1000) % 1000)
        let whole = Date(timeIntervalSince1970: Double(seconds / 1000)).formatted(.iso8601)
        return String(whole.dropLast()) + String(format: ".%03dZ", fraction)
    }

    static func contentRow(_ video: LegacyDashboardVideo) -> [String: (any DatabaseValueConvertible)?] {
        let m = video.metadata
        let json: ([String]) -> String = { String(decoding: (try? JSONEncoder().encode($0)) ?? Data("[]".utf8), as: UTF8.self) }
        let categorized = video.categories.contains { !$0.subcategories.isEmpty }
        let subcategories = categorized
            ? String(decoding: (try? JSONEncoder().encode(["categories": video.categories])) ?? Data(), as: UTF8.self) : nil
        return [
            "id": video.id.legacyID, "video_id": video.id.rawValue, "title": m.title ?? "", "canonical_url": video.id.canonicalURL,
            "thumbnail_url": m.thumbnailURL, "published_at": m.publishedAt.map(Self.isoMilliseconds),
            "indexed_at": m.indexedAt.map(Self.isoMilliseconds), "duration_seconds": m.durationSeconds, "word_count": m.wordCount,
            "has_audio": video.hasAudio ? 1 : 0, "has_transcript": (m.hasTranscript ?? false) ? 1 : 0, "transcript_chars": m.transcriptChars,
            "channel_name": m.channelName, "channel_id": m.channelID, "view_count": m.viewCount, "like_count": m.likeCount,
            "comment_count": m.commentCount, "category": json(video.categories.map(\.category)), "content_type": m.contentType,
            "complexity_level": m.complexityLevel, "language": m.language, "key_topics": json(m.keyTopics ?? []),
            "named_entities": json(m.namedEntities ?? []), "format_source": "youtube", "processing_status": "complete",
            "subcategory": categorized ? video.categories.first { !$0.subcategories.isEmpty }?.subcategories.first : nil,
            "subcategories_json": subcategories, "summary": video.summaries.first?.text,
            "created_at": m.indexedAt.map(LegacyFixtures.sqliteTimestamp), "updated_at": m.indexedAt.map(LegacyFixtures.sqliteTimestamp),
        ]
    }
}
