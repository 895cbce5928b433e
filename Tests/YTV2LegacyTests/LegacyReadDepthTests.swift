import Foundation
import Testing
import YTV2Core
import YTV2Legacy

/// A plan's first pass reads only `LegacyRecord.identityColumns(of:)` of each row; whatever the values, it must learn
/// what a whole read learns about the row's identity, times and readability.
@Suite struct LegacyReadDepthTests {
    /// Every column the readers look at, per table, plus one they do not.
    static let columns: [String: [String]] = [
        "content": [
            "id", "title", "video_id", "canonical_url", "published_at", "indexed_at", "created_at", "updated_at",
            "duration_seconds", "has_audio", "category", "subcategory", "subcategories_json", "key_topics",
            "named_entities", "analysis", "summary", "view_count", "language", "unrelated",
        ],
        "content_summaries": ["content_id", "summary_text", "summary_type", "created_at", "unrelated"],
        "summary_variants": ["video_id", "variant_type", "content", "created_at", "updated_at", "unrelated"],
        "content_files": ["content_id", "file_path", "created_at", "processed_at", "unrelated"],
        "migration_log": ["content_id", "created_at", "processed_at", "unrelated"],
    ]
    static let texts = [
        "", " ", "null", "[]", "{}", "[\"a\"", "{'categories': [", "20241301", "2024-03-01T10:00:00Z", "1709424000", "yt:abc",
        "yt:AbCdEfGhIjK", "hash:0f3a", "AbCdEfGhIjK", "https://youtu.be/AbCdEfGhIjK", "https://www.youtube.com/watch?v=aBcDeFgHiJk",
        "{\"categories\": [{\"category\": \"Science\"}]}", "{\"key_topics\": [\"x\"]}", "\u{0}", "🎬",
    ]

    @Test(arguments: ["content", "content_summaries", "summary_variants", "content_files", "migration_log"])
    func anIdentityReadLearnsWhatAWholeReadLearns(table: String) throws {
        var random = SplitMix64(seed: 31)
        let columns = try #require(Self.columns[table])
        let identityColumns = try #require(LegacyRecord.identityColumns(of: table))
        var errors = 0
        var ids = 0
        for rowid in Int64(1)...3_000 {
            let values: [LegacyValue] = columns.map { _ in
                switch random.next() % 5 {
                case 0: .null
                case 1: .integer(Int64(random.next() % 2_000_000_000))
                case 2: .real([0.5, 1_709_424_000.25, -1][Int(random.next() % 3)])
                default: .text(Self.texts[Int(random.next() % UInt64(Self.texts.count))])
                }
            }
            let whole = LegacyRow(table: table, rowid: rowid, columns: columns, values: values)
            let kept = columns.indices.filter { identityColumns.contains(columns[$0]) }
            let identity = LegacyRow(table: table, rowid: rowid, columns: kept.map { columns[$0] }, values: kept.map { values[$0] })
            let wholeRead = Self.read(whole, depth: .whole)
            let identityRead = Self.read(identity, depth: .identity)
            #expect(wholeRead.error == identityRead.error, "rowid \(rowid)")
            if wholeRead.error != nil { errors += 1 }
            guard let wholeRecord = wholeRead.record, let identityRecord = identityRead.record else { continue }
            #expect(identityRecord.groupKey == wholeRecord.groupKey, "rowid \(rowid)")
            #expect(identityRecord.legacyID == wholeRecord.legacyID, "rowid \(rowid)")
            #expect(identityRecord.exactVideoID == wholeRecord.exactVideoID, "rowid \(rowid)")
            #expect(identityRecord.indexedAt == wholeRecord.indexedAt, "rowid \(rowid)")
            #expect(identityRecord.updatedAt == wholeRecord.updatedAt, "rowid \(rowid)")
            #expect(identityRecord.source == wholeRecord.source, "rowid \(rowid)")
            #expect(identityRecord.rowSHA256.isEmpty && wholeRecord.rowSHA256.count == 64)
            if wholeRecord.exactVideoID != nil { ids += 1 }
        }
        // The generated rows reach both sides of the questions asked.
        #expect(ids > 30)
        if table == "content" { #expect(errors > 100) }
    }

    static func read(_ row: LegacyRow, depth: LegacyReadDepth) -> (record: LegacyRecord?, error: String?) {
        do {
            switch row.table {
            case "content": return (try LegacyRecord(contentRow: row, file: "dashboard.sqlite", depth: depth), nil)
            case "content_summaries": return (LegacyRecord(summaryRow: row, file: "nas.sqlite", depth: depth), nil)
            case "summary_variants": return (LegacyRecord(variantRow: row, file: "dashboard.sqlite", depth: depth), nil)
            default: return (LegacyRecord(fileRow: row, file: "nas.sqlite", depth: depth), nil)
            }
        } catch {
            return (nil, error.description)
        }
    }
}
