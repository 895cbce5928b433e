import Foundation
import Testing
import YTV2Core
import YTV2Legacy
import YTV2TestSupport

/// Every value quirk of docs/legacy.md, "Value quirks", read through the same readers the migration uses, with the expected value.
@Suite struct LegacyQuirksTests {
    static let dashboard = "dashboard.sqlite"

    static func content(_ values: [String: LegacyValue]) -> LegacyRow {
        var all = values
        if all["id"] == nil { all["id"] = .text("yt:abcdefghijk") }
        let columns = all.keys.sorted()
        return LegacyRow(table: "content", rowid: 7, columns: columns, values: columns.map { all[$0]! })
    }

    @Test(arguments: [
        (LegacyValue.text("2024-03-01T10:00:00Z"), 1_709_287_200.0),
        (.text("2024-03-01T12:00:00.500+02:00"), 1_709_287_200.5),
        (.text("2024-03-01 10:00:00"), 1_709_287_200.0),
        (.text("20240301"), 1_709_251_200.0),
        (.integer(1_709_287_200), 1_709_287_200.0),
        (.integer(1_709_287_200_000), 1_709_287_200.0),
        (.text("1709287200"), 1_709_287_200.0),
        (.real(1_709_287_200.25), 1_709_287_200.25),
    ])
    func timestampsInEveryForm(value: LegacyValue, expected: Double) throws {
        let record = try LegacyRecord(contentRow: Self.content(["published_at": value]), file: Self.dashboard)
        #expect(record.fields.publishedAt?.timeIntervalSince1970 == expected)
        #expect(record.warnings.isEmpty)
    }

    @Test func emptyNullAndUnparseableTimestampsBecomeNullAndOnlyGarbageWarns() throws {
        for value in [LegacyValue.text(""), .null] {
            let record = try LegacyRecord(contentRow: Self.content(["published_at": value]), file: Self.dashboard)
            #expect(record.fields.publishedAt == nil)
            #expect(record.warnings.isEmpty)
        }
        let garbage = try LegacyRecord(contentRow: Self.content(["published_at": .text("sometime last week")]), file: Self.dashboard)
        #expect(garbage.fields.publishedAt == nil)
        #expect(garbage.warnings == ["published_at: unparseable timestamp \"sometime last week\"; stored as NULL"])
    }

    @Test(arguments: [
        (LegacyValue.integer(1), true), (.integer(0), false), (.text("1"), true), (.text("0"), false),
        (.text("true"), true), (.text("false"), false), (.text("TRUE"), true),
    ])
    func booleansInEveryForm(value: LegacyValue, expected: Bool) throws {
        let record = try LegacyRecord(contentRow: Self.content(["has_transcript": value, "has_audio": value]), file: Self.dashboard)
        #expect(record.fields.hasTranscript == expected)
        #expect(record.hasAudio == expected)
    }

    @Test func nullBooleanIsUnknown() throws {
        let record = try LegacyRecord(contentRow: Self.content(["has_audio": .null]), file: Self.dashboard)
        #expect(record.hasAudio == nil)
    }

    @Test func identityComesFromTheVideoIDColumnThenTheURLAndNeverFromTheLowerCasedID() throws {
        let withColumn = try LegacyRecord(
            contentRow: Self.content(["id": .text("yt:abcdefghijk"), "video_id": .text("AbCdEfGhIjK")]),
            file: Self.dashboard
        )
        #expect(withColumn.exactVideoID?.rawValue == "AbCdEfGhIjK")
        #expect(withColumn.groupKey == "yt:abcdefghijk")
        let withURL = try LegacyRecord(
            contentRow: Self.content([
                "id": .text("yt:abcdefghijk"), "canonical_url": .text("https://m.youtube.com/watch?feature=share&v=AbCdEfGhIjK&t=42s"),
            ]),
            file: Self.dashboard
        )
        #expect(withURL.exactVideoID?.rawValue == "AbCdEfGhIjK")
        let lowerOnly = try LegacyRecord(contentRow: Self.content(["id": .text("yt:abcdefghijk")]), file: Self.dashboard)
        #expect(lowerOnly.exactVideoID == nil)
        #expect(lowerOnly.groupKey == "yt:abcdefghijk")
    }

    @Test func categorizationInEveryShape() throws {
        let expected = [CategoryEntry(category: "Technology", subcategories: ["Web Development"])]
        let shapes = [
            #"{"categories": [{"category": "Technology", "subcategories": ["Web Development"]}]}"#,
            #"[{"category": "Technology", "subcategories": ["Web Development"]}]"#,
            #"[{"name": "Technology", "subcategories": ["Web Development"]}]"#,
            #"{'categories': [{'category': 'Technology', 'subcategories': ['Web Development']}]}"#,
        ]
        for shape in shapes {
            let record = try LegacyRecord(contentRow: Self.content(["subcategories_json": .text(shape)]), file: Self.dashboard)
            #expect(record.categories == expected, "\(shape)")
            #expect(record.isCategorized)
        }
        let plain = try LegacyRecord(contentRow: Self.content(["subcategories_json": .text(#"["Technology", "Education"]"#)]), file: Self.dashboard)
        #expect(plain.categories == [CategoryEntry(category: "Technology"), CategoryEntry(category: "Education")])
        #expect(!plain.isCategorized)
        let analysis = try LegacyRecord(
            contentRow: Self.content([
                "analysis": .text(#"{"categories": [{"category": "Technology", "subcategories": ["Web Development"]}], "language": "fr"}"#)
            ]),
            file: Self.dashboard
        )
        #expect(analysis.categories == expected)
        #expect(analysis.fields.language == "fr")
        let columns = try LegacyRecord(
            contentRow: Self.content(["category": .text(#"["Technology", "Education"]"#), "subcategory": .text("Web Development")]),
            file: Self.dashboard
        )
        #expect(
            columns.categories == [CategoryEntry(category: "Technology", subcategories: ["Web Development"]), CategoryEntry(category: "Education")]
        )
        #expect(columns.isCategorized)
        let empty = try LegacyRecord(contentRow: Self.content(["category": .text("[]"), "subcategories_json": .text("")]), file: Self.dashboard)
        #expect(empty.categories == nil)
    }

    @Test func malformedJSONInAColumnIsAnErrorNamingFileRowAndColumn() {
        do {
            _ = try LegacyRecord(contentRow: Self.content(["key_topics": .text("[\"unterminated")]), file: Self.dashboard)
            Issue.record("malformed JSON must not be read as data")
        } catch {
            #expect(error.description.contains("dashboard.sqlite"))
            #expect(error.description.contains("yt:abcdefghijk"))
            #expect(error.description.contains("key_topics"))
        }
    }

    @Test func summaryValuesAreNormalizedAndTheRawValueKept() throws {
        func summary(_ text: String, type: String = "comprehensive") -> LegacySummary? {
            let row = LegacyRow(
                table: "content_summaries",
                rowid: 1,
                columns: ["content_id", "summary_text", "summary_type"],
                values: [.text("yt:abcdefghijk"), .text(text), .text(type)]
            )
            return LegacyRecord(summaryRow: row, file: Self.dashboard).summaries.first
        }
        #expect(summary("**Heading:**\n• one")?.text == "**Heading:**\n• one")
        #expect(summary("**Heading:**\n• one")?.rawValue == nil)
        let json = summary(#"{"comprehensive": "Line one\nLine two"}"#)
        #expect(json?.text == "Line one\nLine two")
        #expect(json?.rawValue == #"{"comprehensive": "Line one\nLine two"}"#)
        #expect(summary(#"{'summary': "It's fine", 'headline': 'H'}"#)?.text == "It's fine")
        #expect(summary(#"{"summary": {"summary": "Nested text"}}"#)?.text == "Nested text")
        #expect(summary(#"first\nsecond"#)?.text == "first\nsecond")
        #expect(summary("real\nnewline and a literal \\n kept")?.text == "real\nnewline and a literal \\n kept")
        let bullets = summary(#"{"key_points": "• a\n• b", "summary": "not this"}"#, type: "key_points")
        #expect(bullets?.variant == .bulletPoints)
        #expect(bullets?.text == "• a\n• b")
        let french = summary("Bonjour", type: "audio_fr:intermediate")
        #expect(french?.variant == .audioFrench)
        #expect(french?.proficiency == .intermediate)
        #expect(french?.variant.kind == .audio)
    }

    @Test(arguments: [
        ("summary", "comprehensive"), ("key_points", "bullet-points"), ("key-points", "bullet-points"), ("key_insights", "key-insights"),
        ("audio_summary", "audio"), ("audio_fr", "audio-fr"), ("audio_es", "audio-es"), ("bullet-points", "bullet-points"),
    ])
    func variantNames(legacy: String, expected: String) throws {
        #expect(try SummaryVariant.parse(legacy).0.id == expected)
    }

    @Test func textThatIsNotUTF8IsRepairedWithAWarning() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-quirks-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("d.db").path
        try SQLiteShell.run(
            path,
            "CREATE TABLE content (id TEXT PRIMARY KEY, title TEXT, view_count); INSERT INTO content VALUES ('yt:abcdefghijk', CAST(x'43616691e9' AS TEXT), '12'), ('yt:bbcdefghijk', '東京 🎬', 5.0);"
        )
        var rows: [LegacyRow] = []
        try LegacySQLiteFile(path: path).forEachRow(of: "content") { rows.append($0) }
        #expect(rows.count == 2)
        let repaired = try LegacyRecord(contentRow: rows[0], file: Self.dashboard)
        #expect(repaired.fields.title == "Caf\u{FFFD}\u{FFFD}")
        #expect(repaired.warnings == ["title: text was not valid UTF-8 and was repaired"])
        #expect(repaired.fields.viewCount == 12)
        let emoji = try LegacyRecord(contentRow: rows[1], file: Self.dashboard)
        #expect(emoji.fields.title == "東京 🎬")
        #expect(emoji.fields.viewCount == 5)
        // Without a declared type SQLite keeps what was written: text in one row, a real in the other.
        #expect(rows[0]["view_count"] == .text("12"))
        #expect(rows[1]["view_count"] == .real(5.0))
    }

    @Test func reportsOfAllThreeShapes() throws {
        let v1 =
            #"{"metadata": {"schema_version": "1.0.0"}, "video": {"video_id": "AbCdEfGhIjK", "title": "T1", "channel": "C", "upload_date": "20240301", "duration": 61}, "summary": {"content": {"summary": "S1", "summary_type": "key_points", "generated_at": "2024-03-02T00:00:00Z"}, "analysis": {"category": ["Technology"]}}, "indexed_at": "2024-03-02T00:00:00Z"}"#
        let processor =
            #"{"url": "https://youtu.be/AbCdEfGhIjK", "metadata": {"title": "T2", "uploader": "U", "upload_date": "20240301"}, "transcript": "abc", "summary": {"summary": "S2", "summary_type": "audio"}, "processed_at": "2024-03-03 00:00:00"}"#
        let universal =
            #"{"id": "yt:AbCdEfGhIjK", "title": "T3", "media": {"has_audio": true}, "analysis": {"categories": [{"category": "Technology", "subcategories": ["Web Development"]}]}, "summary": {"variants": [{"variant": "comprehensive", "text": "S3"}, {"variant": "key_insights", "text": "I3"}]}, "processed_at": 1709424000}"#
        let first = try LegacyRecord(report: Array(v1.utf8), file: "reports/AbCdEfGhIjK_20240302_000000.json")
        #expect(LegacyRecord.shape(of: LooseValue.parse(v1)!) == .v1)
        #expect(first.exactVideoID?.rawValue == "AbCdEfGhIjK")
        #expect(first.fields.title == "T1")
        #expect(first.fields.durationSeconds == 61)
        #expect(first.summaries.map(\.variant) == [.bulletPoints])
        #expect(first.categories == [CategoryEntry(category: "Technology")])
        let second = try LegacyRecord(report: Array(processor.utf8), file: "reports/some-title_AbCdEfGhIjK.json")
        #expect(LegacyRecord.shape(of: LooseValue.parse(processor)!) == .processor)
        #expect(second.exactVideoID?.rawValue == "AbCdEfGhIjK")
        #expect(second.fields.channelName == "U")
        #expect(second.fields.hasTranscript == true)
        #expect(second.summaries.map(\.variant) == [.audio])
        #expect(second.indexedAt?.timeIntervalSince1970 == 1_709_424_000)
        let third = try LegacyRecord(report: Array(universal.utf8), file: "reports/unknown_video_1709424000.json")
        #expect(LegacyRecord.shape(of: LooseValue.parse(universal)!) == .universal)
        #expect(third.exactVideoID?.rawValue == "AbCdEfGhIjK")
        #expect(third.hasAudio == true)
        #expect(third.summaries.map(\.variant) == [.comprehensive, .keyInsights])
        #expect(third.isCategorized)
    }

    @Test func aReportThatIsNotJSONIsAnErrorNamingTheFile() {
        #expect(throws: LegacyRowError.self) { try LegacyRecord(report: Array("<html>oops</html>".utf8), file: "reports/broken.json") }
        do { _ = try LegacyRecord(report: Array("[1, 2]".utf8), file: "reports/list.json") } catch {
            #expect(error.description.contains("reports/list.json"))
        }
    }

    @Test func canonicalChecksumsSeeTypesAndIgnoreColumnOrder() {
        let a = LegacyRow(table: "content", rowid: 1, columns: ["id", "n"], values: [.text("x"), .integer(1)])
        let b = LegacyRow(table: "content", rowid: 2, columns: ["n", "id"], values: [.integer(1), .text("x")])
        let c = LegacyRow(table: "content", rowid: 1, columns: ["id", "n"], values: [.text("x"), .text("1")])
        #expect(a.canonicalSHA256 == b.canonicalSHA256)
        #expect(a.canonicalSHA256 != c.canonicalSHA256)
    }
}
