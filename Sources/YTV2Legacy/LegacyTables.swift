import Foundation
import GRDB

/// The legacy SQLite files as the legacy apps wrote them: their tables, a row insert, and their timestamp format. The
/// production writer of legacy files (``LegacyDashboardWriter``: the dual-write mirror and the rollback export) writes
/// with these, and so does the fixture generator of the tests and the demo.
package enum LegacyTables {
    /// The dashboard file's tables, as the legacy dashboard created them (its later columns came by ALTER TABLE).
    package static let dashboardSchema = """
        CREATE TABLE content (id TEXT PRIMARY KEY, title TEXT, canonical_url TEXT, thumbnail_url TEXT, published_at TEXT,
            indexed_at TEXT, duration_seconds INTEGER, word_count INTEGER, has_audio BOOLEAN, audio_duration_seconds REAL,
            has_transcript BOOLEAN, transcript_chars INTEGER, video_id TEXT, channel_name TEXT, channel_id TEXT,
            view_count INTEGER, like_count INTEGER, comment_count INTEGER, category TEXT, content_type TEXT,
            complexity_level TEXT, language TEXT, key_topics TEXT, named_entities TEXT, format_source TEXT,
            processing_status TEXT, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP);
        ALTER TABLE content ADD COLUMN subcategory TEXT;
        ALTER TABLE content ADD COLUMN subcategories_json TEXT;
        ALTER TABLE content ADD COLUMN summary TEXT;
        ALTER TABLE content ADD COLUMN analysis TEXT;
        CREATE TABLE content_summaries (id INTEGER PRIMARY KEY AUTOINCREMENT, content_id TEXT UNIQUE REFERENCES content(id),
            summary_text TEXT, summary_type TEXT DEFAULT 'comprehensive', created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP);
        CREATE TABLE summary_variants (video_id TEXT, variant_type TEXT, revision INTEGER, content TEXT, raw_payload TEXT,
            metadata TEXT, is_latest INTEGER, created_at TEXT, updated_at TEXT, file_size INTEGER, word_count INTEGER);
        """

    /// The NAS file's tables, as the legacy processor created them.
    package static let nasSchema = """
        CREATE TABLE content (id TEXT PRIMARY KEY, title TEXT NOT NULL, canonical_url TEXT, thumbnail_url TEXT, published_at TEXT,
            indexed_at TEXT, duration_seconds INTEGER, word_count INTEGER, has_audio BOOLEAN, audio_duration_seconds REAL,
            has_transcript BOOLEAN, transcript_chars INTEGER, video_id TEXT, channel_name TEXT, channel_id TEXT,
            view_count INTEGER, like_count INTEGER, comment_count INTEGER, category TEXT, content_type TEXT,
            complexity_level TEXT, language TEXT, key_topics TEXT, named_entities TEXT, format_source TEXT,
            processing_status TEXT, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP);
        CREATE TABLE content_summaries (content_id TEXT PRIMARY KEY, summary_text TEXT, summary_type TEXT);
        CREATE TABLE content_files (id INTEGER PRIMARY KEY, content_id TEXT, file_type TEXT, file_path TEXT, file_size INTEGER,
            created_at TEXT);
        CREATE TABLE migration_log (id INTEGER PRIMARY KEY, source_file TEXT, content_id TEXT, status TEXT, message TEXT,
            processed_at TEXT);
        """

    /// Inserts `row` into `table`, column by column: only the columns the table has (older files lack later columns).
    package static func insert(_ row: [String: (any DatabaseValueConvertible)?], into table: String, db: Database) throws {
        let columns = try db.columns(in: table).map(\.name).filter { row.keys.contains($0) }
        var arguments = StatementArguments()
        var placeholders: [String] = []
        for column in columns {
            placeholders.append("?")
            _ = arguments.append(contentsOf: [row[column] ?? nil])
        }
        try db.execute(
            sql: "INSERT INTO \(table) (\(columns.joined(separator: ", "))) VALUES (\(placeholders.joined(separator: ", ")))",
            arguments: arguments
        )
    }

    /// `YYYY-MM-DD HH:MM:SS` in UTC, SQLite's `CURRENT_TIMESTAMP` format, which the legacy apps wrote.
    package static func sqliteTimestamp(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", parts.year!, parts.month!, parts.day!, parts.hour!, parts.minute!, parts.second!)
    }
}
