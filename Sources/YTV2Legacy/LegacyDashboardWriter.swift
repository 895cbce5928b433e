import Foundation
import GRDB
import YTV2Core

/// One video as the legacy dashboard stored it: its metadata, categories, and latest summary per variant.
package struct LegacyDashboardVideo: Sendable {
    package var id: VideoID
    package var metadata: VideoMetadata
    package var categories: [CategoryEntry]
    package var hasAudio: Bool
    package var audioDurationSeconds: Double?
    /// Latest text per variant; the first is the video's main summary.
    package var summaries: [(variant: String, text: String)]

    package init(
        id: VideoID,
        metadata: VideoMetadata,
        categories: [CategoryEntry],
        hasAudio: Bool,
        audioDurationSeconds: Double? = nil,
        summaries: [(variant: String, text: String)]
    ) {
        self.id = id
        self.metadata = metadata
        self.categories = categories
        self.hasAudio = hasAudio
        self.audioDurationSeconds = hasAudio ? audioDurationSeconds : nil
        self.summaries = summaries
    }
}

/// Writes a dashboard SQLite file in the legacy format (the schema the legacy dashboard had, with its later columns),
/// so the legacy dashboard could serve it: a new file for an export, or an existing one kept in step by the
/// dual-write mirror. Opened through ``LegacyWriteGuard``: refused after Complete.
package struct LegacyDashboardWriter: Sendable {
    let queue: DatabaseQueue
    package let path: String

    /// Creates the file; an existing file is never overwritten.
    package init(creating path: String) throws {
        guard !FileManager.default.fileExists(atPath: path) else {
            throw LegacyReadError(file: path, problem: "already exists; choose a new file name")
        }
        queue = try LegacyWriteGuard.openForWriting(path)
        try queue.write { try $0.execute(sql: LegacyTables.dashboardSchema) }
        self.path = path
    }

    /// Opens an existing legacy dashboard file to keep it in step (the dual-write mirror).
    package init(existing path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw LegacySQLiteFile.OpenError.missing(path) }
        queue = try LegacyWriteGuard.openForWriting(path)
        self.path = path
    }

    /// Appends videos in one transaction.
    package func append(_ videos: [LegacyDashboardVideo]) throws {
        try queue.inTransaction { db in
            for video in videos { try Self.insert(video, db: db) }
            return .commit
        }
    }

    /// Makes the file hold exactly `video` (its content row, main summary and variants), in one transaction.
    package func replace(_ video: LegacyDashboardVideo) throws {
        try queue.inTransaction { db in
            try Self.removeRows(of: video.id, db: db)
            try Self.insert(video, db: db)
            return .commit
        }
    }

    /// Removes a video's rows (a delete mirrored).
    package func remove(_ id: VideoID) throws {
        try queue.inTransaction { db in
            try Self.removeRows(of: id, db: db)
            return .commit
        }
    }

    /// sha256 of what the file holds for the video, in the canonical form of ``expectedChecksum(_:)``; nil when the
    /// file has no row for it.
    package func checksum(of id: VideoID) throws -> String? {
        try queue.read { db in
            guard let content = try Row.fetchOne(db, sql: "SELECT * FROM content WHERE id = ?", arguments: [id.legacyID]) else { return nil }
            var lines: [String] = []
            for name in content.columnNames where Self.contentColumns.contains(name) {
                lines.append("content.\(name)=\(Self.text(content[name] as DatabaseValue))")
            }
            let variants = try Row.fetchAll(
                db,
                sql: "SELECT variant_type, content FROM summary_variants WHERE video_id = ? AND is_latest = 1",
                arguments: [id.rawValue]
            )
            for row in variants {
                lines.append("variant.\(row["variant_type"] as String? ?? "")=\(row["content"] as String? ?? "")")
            }
            return Array(lines.sorted().joined(separator: "\n").utf8).sha256Hex
        }
    }

    /// sha256 of what the file must hold for `video`.
    package static func expectedChecksum(_ video: LegacyDashboardVideo) -> String {
        var lines: [String] = []
        for (name, value) in contentRow(video) where contentColumns.contains(name) {
            lines.append("content.\(name)=\(text(value?.databaseValue ?? .null))")
        }
        for summary in video.summaries { lines.append("variant.\(summary.variant)=\(summary.text)") }
        return Array(lines.sorted().joined(separator: "\n").utf8).sha256Hex
    }

    /// The columns a checksum covers: what the mirror writes, without the bookkeeping timestamps.
    static let contentColumns: Set<String> = [
        "id", "video_id", "title", "canonical_url", "thumbnail_url", "published_at", "indexed_at", "duration_seconds", "word_count",
        "has_audio", "audio_duration_seconds", "has_transcript", "transcript_chars", "channel_name", "channel_id", "view_count", "like_count",
        "comment_count",
        "category", "content_type", "complexity_level", "language", "key_topics", "named_entities", "subcategory", "subcategories_json", "summary",
    ]

    static func text(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: ""
        case .int64(let number): String(number)
        case .double(let number): String(number)
        case .string(let string): string
        case .blob(let data): Array(data).sha256Hex
        }
    }

    static func removeRows(of id: VideoID, db: Database) throws {
        try db.execute(sql: "DELETE FROM content_summaries WHERE content_id = ?", arguments: [id.legacyID])
        try db.execute(sql: "DELETE FROM summary_variants WHERE video_id IN (?, ?)", arguments: [id.rawValue, id.legacyID])
        try db.execute(sql: "DELETE FROM content WHERE id = ?", arguments: [id.legacyID])
    }

    static func insert(_ video: LegacyDashboardVideo, db: Database) throws {
        try LegacyTables.insert(contentRow(video), into: "content", db: db)
        if let main = video.summaries.first {
            try db.execute(
                sql: "INSERT INTO content_summaries (content_id, summary_text, summary_type) VALUES (?, ?, ?)",
                arguments: [video.id.legacyID, main.text, main.variant]
            )
        }
        for summary in video.summaries {
            try db.execute(
                sql: "INSERT INTO summary_variants (video_id, variant_type, revision, content, is_latest, created_at) VALUES (?, ?, 1, ?, 1, ?)",
                arguments: [video.id.rawValue, summary.variant, summary.text, isoMilliseconds(video.metadata.indexedAt ?? Date())]
            )
        }
    }

    /// ISO-8601 in UTC with milliseconds, rounded as PostgreSQL rounds (the precision the migration compares at).
    static func isoMilliseconds(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let fraction = ((milliseconds % 1000) + 1000) % 1000
        let whole = Date(timeIntervalSince1970: Double((milliseconds - fraction) / 1000)).formatted(.iso8601)
        return String(whole.dropLast()) + String(format: ".%03dZ", fraction)
    }

    /// Sorted keys: the same video must give the same bytes every time (its checksum is compared after the write).
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()

    static func contentRow(_ video: LegacyDashboardVideo) -> [String: (any DatabaseValueConvertible)?] {
        let m = video.metadata
        let json: ([String]) -> String = { String(decoding: (try? encoder.encode($0)) ?? Data("[]".utf8), as: UTF8.self) }
        let categorized = video.categories.contains { !$0.subcategories.isEmpty }
        let subcategories =
            categorized
            ? String(decoding: (try? encoder.encode(["categories": video.categories])) ?? Data(), as: UTF8.self) : nil
        return [
            "id": video.id.legacyID, "video_id": video.id.rawValue, "title": m.title ?? "", "canonical_url": video.id.canonicalURL,
            "thumbnail_url": m.thumbnailURL, "published_at": m.publishedAt.map(Self.isoMilliseconds),
            "indexed_at": m.indexedAt.map(Self.isoMilliseconds), "duration_seconds": m.durationSeconds, "word_count": m.wordCount,
            "has_audio": video.hasAudio ? 1 : 0, "audio_duration_seconds": video.audioDurationSeconds,
            "has_transcript": (m.hasTranscript ?? false) ? 1 : 0, "transcript_chars": m.transcriptChars,
            "channel_name": m.channelName, "channel_id": m.channelID, "view_count": m.viewCount, "like_count": m.likeCount,
            "comment_count": m.commentCount, "category": json(video.categories.map(\.category)), "content_type": m.contentType,
            "complexity_level": m.complexityLevel, "language": m.language, "key_topics": json(m.keyTopics ?? []),
            "named_entities": json(m.namedEntities ?? []), "format_source": "youtube", "processing_status": "complete",
            "subcategory": categorized ? video.categories.first { !$0.subcategories.isEmpty }?.subcategories.first : nil,
            "subcategories_json": subcategories, "summary": video.summaries.first?.text,
            "created_at": m.indexedAt.map(LegacyTables.sqliteTimestamp), "updated_at": m.indexedAt.map(LegacyTables.sqliteTimestamp),
        ]
    }
}
