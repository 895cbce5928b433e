import Foundation
import Testing
import YTV2Core
import YTV2Legacy

/// Thousands of generated inputs through the legacy readers: each ends as a record or a clean error, never a crash.
@Suite struct LegacyFuzzTests {
    static let seeds: [String] = [
        #"{"metadata": {"schema_version": "1.0.0"}, "video": {"video_id": "AbCdEfGhIjK", "title": "T", "upload_date": "20240301", "duration": 61}, "summary": {"content": {"summary": "{'summary': \"It's\"}", "summary_type": "key_points"}, "analysis": {"category": ["Technology"]}}, "indexed_at": "2024-03-02T00:00:00Z"}"#,
        #"{"url": "https://youtu.be/AbCdEfGhIjK", "metadata": {"title": "T2", "upload_date": "20240301"}, "transcript": "abc", "summary": {"summary": "S2", "summary_type": "audio_fr:advanced"}, "processed_at": 1709424000}"#,
        #"{"id": "yt:AbCdEfGhIjK", "title": "T3", "media": {"has_audio": true}, "analysis": {"categories": [{"name": "Technology", "subcategories": ["Web Development"]}]}, "summary": {"variants": [{"variant": "key_insights", "text": "I3\\nmore"}]}}"#,
    ]

    @Test func mutatedReportsEndInARecordOrACleanError() {
        var random = SplitMix64(seed: 2026)
        var records = 0
        var errors = 0
        for round in 0..<4_000 {
            var bytes = Array(Self.seeds[round % Self.seeds.count].utf8)
            for _ in 0..<(1 + Int(random.next() % 6)) {
                guard !bytes.isEmpty else { break }
                let position = Int(random.next() % UInt64(bytes.count))
                switch random.next() % 5 {
                case 0: bytes[position] = UInt8(truncatingIfNeeded: random.next())
                case 1: bytes.removeSubrange(position...)
                case 2: bytes.insert(contentsOf: Array("{[\"'\\".utf8).shuffled(using: &random).prefix(2), at: position)
                case 3: bytes.remove(at: position)
                default: bytes.insert(contentsOf: bytes[position...].prefix(40), at: position)
                }
            }
            do {
                let record = try LegacyRecord(report: bytes, file: "reports/fuzz-\(round).json")
                _ = record.rowJSON
                records += 1
            } catch {
                #expect(error.description.contains("reports/fuzz-\(round).json"))
                errors += 1
            }
        }
        #expect(records + errors == 4_000)
        #expect(records > 100 && errors > 100)
    }

    @Test func randomValuesInEveryContentColumnEndInARecordOrACleanError() {
        var random = SplitMix64(seed: 7)
        let columns = [
            "id", "title", "video_id", "canonical_url", "published_at", "indexed_at", "duration_seconds", "has_audio", "category",
            "subcategory", "subcategories_json", "key_topics", "named_entities", "analysis", "summary", "view_count", "language",
        ]
        let texts = [
            "", " ", "null", "[]", "{}", "[\"a\"", "{'categories': [", "20241301", "-5", "1e400", "NaN", "yt:abc", "true",
            "{\"categories\": [{\"category\": 5}]}", "[{\"name\": null}]", "\u{0}", "🎬", "https://youtu.be/", "9999999999999999999",
        ]
        var failures = 0
        for _ in 0..<3_000 {
            let values: [LegacyValue] = columns.map { _ in
                switch random.next() % 6 {
                case 0: .null
                case 1: .integer(Int64(bitPattern: random.next()))
                case 2: .real([Double.nan, .infinity, -1, 1e300, 0.5][Int(random.next() % 5)])
                case 3: .blob((0..<Int(random.next() % 8)).map { _ in UInt8(truncatingIfNeeded: random.next()) })
                default: .text(texts[Int(random.next() % UInt64(texts.count))])
                }
            }
            let row = LegacyRow(table: "content", rowid: 1, columns: columns, values: values)
            do {
                let record = try LegacyRecord(contentRow: row, file: "dashboard.sqlite")
                _ = record.rowJSON
                _ = record.groupKey
            } catch {
                #expect(error.description.contains("dashboard.sqlite"))
                failures += 1
            }
        }
        #expect(failures > 0)
    }
}
