import Foundation
import GRDB
import YTV2Core
import YTV2Legacy

/// Writes realistic legacy data: a dashboard file, a NAS file, JSON reports of all three shapes and a few MP3s, with
/// the divergence of the disaster era (rows deleted on the dashboard but still on the NAS, rows newer on the NAS,
/// curation only on the dashboard) and the value quirks of docs/legacy.md, "Value quirks". Deterministic for a seed.
package struct LegacyFixtures {
    /// What was generated, so tests can check outcomes against the generator's own knowledge.
    package struct Expectations: Codable, Sendable, Equatable {
        package var dashboardRows = 0
        package var nasRows = 0
        package var reports = 0
        package var audioFiles = 0
        /// NAS-only rows indexed before the dashboard's high-water mark: the dashboard deleted them.
        package var deletedOnDashboard: [String] = []
        /// NAS-only rows indexed after the mark: processed after the last sync.
        package var newerOnNAS: [String] = []
        /// Dashboard rows with hand-curated categorization, and their (category, subcategory) pairs.
        package var curated: [String: [CategoryPair]] = [:]
        /// Rows that must end in quarantine, with the reason.
        package var quarantined: [String: String] = [:]
        /// Rows whose only case-exact id comes from a report.
        package var caseFromReport: [String] = []
        /// Videos no source gives a summary (the legacy processor failed, or never made one).
        package var withoutSummary: [String] = []
        /// Videos whose dashboard row holds placeholders (`Untitled`, `Unknown`, a lower-cased handle, `0`) while
        /// their report holds the real values: video id → field → the real value the import must keep.
        package var placeholdersReplaced: [String: [String: String]] = [:]
        /// Videos whose only title is a placeholder (no source knows better): kept as it is.
        package var placeholdersKept: [String: String] = [:]
        /// Report file stems (the legacy processor's ids for its reports) and the video each names.
        package var reportStems: [String: String] = [:]
        /// Dashboard rows whose legacy id is a report stem (`<video_id>_<YYYYMMDD_HHMMSS>`), and their video.
        package var stemIDs: [String: String] = [:]
    }

    package let rows: Int
    package let seed: UInt64
    /// Texts shaped like real ones (``RealisticText``: summaries of 0.6 to 6.3 KB, 3.7 KB on average, titles of about
    /// 44 characters, hundreds of channels) instead of short ones; the rows, quirks and divergence are the same.
    package let realistic: Bool

    package init(rows: Int, seed: UInt64, realistic: Bool = false) {
        self.rows = rows
        self.seed = seed
        self.realistic = realistic
    }

    package static let dashboardFile = "dashboard.db"
    package static let nasFile = "nas.db"

    /// Writes the files into `directory` (created; must not hold legacy files already).
    @discardableResult
    package func write(to directory: URL, progress: (Int) -> Void = { _ in }) throws -> Expectations {
        let manager = FileManager.default
        try manager.createDirectory(at: directory.appendingPathComponent("reports"), withIntermediateDirectories: true)
        try manager.createDirectory(at: directory.appendingPathComponent("audio"), withIntermediateDirectories: true)
        for name in [Self.dashboardFile, Self.nasFile] where manager.fileExists(atPath: directory.appendingPathComponent(name).path) {
            throw LegacyReadError(file: directory.appendingPathComponent(name).path, problem: "already exists; choose an empty folder")
        }
        var random = SplitMix64(seed: seed)
        var expectations = Expectations()
        let dashboard = try LegacyWriteGuard.openForWriting(directory.appendingPathComponent(Self.dashboardFile).path)
        let nas = try LegacyWriteGuard.openForWriting(directory.appendingPathComponent(Self.nasFile).path)
        try dashboard.write { try $0.execute(sql: LegacyTables.dashboardSchema) }
        try nas.write { try $0.execute(sql: LegacyTables.nasSchema) }

        let base = Date(timeIntervalSince1970: 1_704_067_200)  // 2024-01-01
        let step = 3_600.0 * 6
        let mark = base.addingTimeInterval(step * Double(max(rows - 1, 0)))
        var reportSubjects: [(VideoID, Int, Date)] = []
        /// Report subjects whose dashboard row holds placeholders, and those whose legacy id is their report's stem.
        var placeholderSubjects = Set<String>()
        var stemSubjects = Set<String>()

        try dashboard.inTransaction { dashboardDB in
            try nas.inTransaction { nasDB in
                for index in 0..<rows {
                    let id = Self.videoID(&random)
                    let indexed = base.addingTimeInterval(step * Double(index))
                    let quirk = Self.quirk(index)
                    var row = contentRow(id: id, index: index, indexed: indexed, random: &random)
                    switch quirk {
                    case .idFromURL: row["video_id"] = nil
                    case .caseFromReport:
                        row["video_id"] = nil
                        row["canonical_url"] = nil
                        expectations.caseFromReport.append(id.rawValue)
                        reportSubjects.append((id, index, indexed))
                    case .caseUnknown:
                        row["video_id"] = nil
                        row["canonical_url"] = nil
                        row["thumbnail_url"] = nil
                        expectations.quarantined[id.legacyID] = "video id case unknown"
                    case .noVideoID:
                        row["id"] = "hash:" + String(format: "%012llx", random.next() & 0xFFFF_FFFF_FFFF)
                        row["video_id"] = nil
                        row["canonical_url"] = "https://example.com/article/\(index)"
                        row["thumbnail_url"] = nil
                        expectations.quarantined[row["id"] as! String] = "no video id"
                    case .regular: break
                    }
                    // Curation happened on the dashboard only (every sixth row).
                    row["subcategory"] = nil
                    if index % 6 == 0 {
                        let (json, pairs) = Self.curation(index: index, random: &random)
                        if (index / 6) % 5 == 4 {
                            // Curated the old way: one subcategory under the first parent of `category`.
                            row["category"] = "[\(JSONText.string(pairs[0].category))]"
                            row["subcategory"] = pairs[0].subcategory
                        } else {
                            row["subcategories_json"] = json
                        }
                        if quirk == .regular || quirk == .idFromURL || quirk == .caseFromReport {
                            expectations.curated[id.rawValue] = (index / 6) % 5 == 4 ? [pairs[0]] : pairs
                        }
                    }
                    if index % 9 == 4 { row["summary"] = summaryValue(index: index + 1, variant: "comprehensive", random: &random) }
                    // The real world's rows: placeholders where the report knows better, a report's stem as the legacy
                    // id, and videos whose summary never came (no summary row anywhere, no report).
                    let reportSubject = quirk == .regular && index % 10 == 3
                    if reportSubject, (index / 10) % 4 < 2 {
                        Self.writePlaceholders(into: &row, index: index)
                        placeholderSubjects.insert(id.rawValue)
                    } else if reportSubject, (index / 10) % 4 == 2 {
                        row["id"] = "\(id.rawValue)_\(Self.compactStamp(indexed))"
                        stemSubjects.insert(id.rawValue)
                        expectations.stemIDs[row["id"] as! String] = id.rawValue
                    } else if quirk == .regular, index % 10 == 6, (index / 10) % 3 == 0 {
                        row["title"] = "Untitled"
                        expectations.placeholdersKept[id.rawValue] = "Untitled"
                    }
                    let withoutSummary =
                        quirk == .regular && index % 3 == 1 && !reportSubject && index % 10 != 7 && index % 9 != 4
                    if withoutSummary { expectations.withoutSummary.append(id.rawValue) }
                    try Self.insert(row, into: "content", db: dashboardDB)
                    let legacyKey = row["id"] as! String
                    let dashboardSummary = summaryValue(index: index, variant: "comprehensive", random: &random)
                    if !withoutSummary {
                        try dashboardDB.execute(
                            sql: "INSERT INTO content_summaries (content_id, summary_text, summary_type, created_at) VALUES (?, ?, ?, ?)",
                            arguments: [
                                legacyKey, dashboardSummary,
                                index % 17 == 5 ? "summary" : "comprehensive", Self.sqliteTimestamp(indexed),
                            ]
                        )
                    }
                    if index % 10 == 7, quirk != .caseUnknown {
                        for revision in 1...2 {
                            try dashboardDB.execute(
                                sql: """
                                    INSERT INTO summary_variants (video_id, variant_type, revision, content, raw_payload, metadata,
                                        is_latest, created_at, updated_at, file_size, word_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                                    """,
                                arguments: [
                                    id.rawValue, "key_points", revision, "• Point \(revision) of video \(index)\n• Another point",
                                    nil, "{}", revision == 2 ? 1 : 0,
                                    Self.sqliteTimestamp(indexed.addingTimeInterval(Double(revision))), nil, nil, 6,
                                ]
                            )
                        }
                    }
                    expectations.dashboardRows += 1

                    // The NAS copy: most dashboard rows, without the curation columns, summaries of other variants.
                    if index % 10 != 9, quirk != .noVideoID {
                        var nasRow = row
                        for column in ["subcategory", "subcategories_json", "summary", "analysis"] { nasRow[column] = nil }
                        if nasRow["title"] == nil || nasRow["title"] is NSNull { nasRow["title"] = "Untitled" }
                        try Self.insert(nasRow, into: "content", db: nasDB)
                        let variant = ["audio", "bullet-points", "audio-fr:intermediate", "comprehensive"][index % 4]
                        // The comprehensive NAS text equals the dashboard's for some rows (deduplicated on import).
                        let text =
                            variant == "comprehensive"
                            ? dashboardSummary : summaryValue(index: index + 7, variant: variant, random: &random)
                        if !withoutSummary {
                            try nasDB.execute(
                                sql: "INSERT INTO content_summaries (content_id, summary_text, summary_type) VALUES (?, ?, ?)",
                                arguments: [legacyKey, text, variant]
                            )
                        }
                        if index % 25 == 1 {
                            try nasDB.execute(
                                sql:
                                    "INSERT INTO content_files (content_id, file_type, file_path, file_size, created_at) VALUES (?, 'mp3', ?, 417, ?)",
                                arguments: [
                                    legacyKey, "/app/data/exports/audio_\(id.rawValue)_\(Self.compactStamp(indexed)).mp3",
                                    Self.sqliteTimestamp(indexed),
                                ]
                            )
                        }
                        if index % 50 == 2 {
                            try nasDB.execute(
                                sql:
                                    "INSERT INTO migration_log (source_file, content_id, status, message, processed_at) VALUES (?, ?, 'ok', 'imported', ?)",
                                arguments: ["\(id.rawValue)_\(Self.compactStamp(indexed)).json", legacyKey, Self.sqliteTimestamp(indexed)]
                            )
                        }
                        expectations.nasRows += 1
                    }
                    if quirk == .regular, index % 10 == 3 { reportSubjects.append((id, index, indexed)) }
                    if index % 25 == 1, quirk == .regular || quirk == .idFromURL {
                        try Self.writeAudio(for: id, index: index, indexed: indexed, in: directory)
                        expectations.audioFiles += 1
                    }
                    if index % 1000 == 0 { progress(index) }
                }

                // The divergence: NAS-only rows the dashboard had deleted (before the mark) and newer ones (after it).
                let extra = max(rows / 20, rows > 0 ? 1 : 0)
                for index in 0..<extra {
                    let id = Self.videoID(&random)
                    let deleted = index % 3 != 2
                    let indexed =
                        deleted
                        ? base.addingTimeInterval(step * Double((index * 7) % max(rows, 1)) + 60)
                        : mark.addingTimeInterval(3_600 * Double(index + 1))
                    var row = contentRow(id: id, index: rows + index, indexed: indexed, random: &random)
                    for column in ["subcategory", "subcategories_json", "summary", "analysis"] { row[column] = nil }
                    row["indexed_at"] = Self.isoTimestamp(indexed)
                    row["updated_at"] = Self.isoTimestamp(indexed)
                    row["title"] = row["title"] ?? "Untitled"
                    if row["title"] is NSNull { row["title"] = "Untitled" }
                    try Self.insert(row, into: "content", db: nasDB)
                    try nasDB.execute(
                        sql: "INSERT INTO content_summaries (content_id, summary_text, summary_type) VALUES (?, ?, ?)",
                        arguments: [id.legacyID, summaryValue(index: rows + index, variant: "comprehensive", random: &random), "comprehensive"]
                    )
                    expectations.nasRows += 1
                    if deleted {
                        expectations.deletedOnDashboard.append(id.rawValue)
                    } else {
                        expectations.newerOnNAS.append(id.rawValue)
                        reportSubjects.append((id, rows + index, indexed))
                    }
                }
                return .commit
            }
            return .commit
        }

        for (position, subject) in reportSubjects.enumerated() {
            let (id, index, indexed) = subject
            let shape = [LegacyReportShape.universal, .processor, .v1][position % 3]
            let json = report(shape: shape, id: id, index: index, indexed: indexed, random: &random)
            let name: String
            switch position % 3 {
            case _ where stemSubjects.contains(id.rawValue): name = "\(id.rawValue)_\(Self.compactStamp(indexed)).json"
            case 0: name = "\(id.rawValue)_\(Self.compactStamp(indexed)).json"
            case 1: name = "video-\(index)-summary_\(id.rawValue).json"
            default: name = "unknown_video_\(Int(indexed.timeIntervalSince1970)).json"
            }
            if placeholderSubjects.contains(id.rawValue) {
                expectations.placeholdersReplaced[id.rawValue] = [
                    "title": Self.reportTitle(index: index), "channel_name": Self.reportChannel(shape),
                ]
            }
            // `unknown_video_` files carry the id only inside; the processor shape has it in metadata.
            try Data(json.utf8).write(to: directory.appendingPathComponent("reports").appendingPathComponent(name))
            expectations.reports += 1
            expectations.reportStems[String(name.dropLast(5))] = id.rawValue
            if position % 11 == 4 {
                let copy = name.replacingOccurrences(of: ".json", with: "_1.json")
                try Data(json.utf8).write(to: directory.appendingPathComponent("reports").appendingPathComponent(copy))
                expectations.reports += 1
                expectations.reportStems[String(copy.dropLast(5))] = id.rawValue
            }
        }
        return expectations
    }

    // MARK: - Rows

    enum Quirk { case regular, idFromURL, caseFromReport, caseUnknown, noVideoID }

    static func quirk(_ index: Int) -> Quirk {
        switch index % 200 {
        case 11, 71, 131, 191, 41, 101: .idFromURL
        case 23, 123: .caseFromReport
        case 57: .caseUnknown
        case 89: .noVideoID
        default: .regular
        }
    }

    func contentRow(id: VideoID, index: Int, indexed: Date, random: inout SplitMix64) -> [String: (any DatabaseValueConvertible)?] {
        let channel = realistic ? RealisticText.channel(index) : Self.channels[index % Self.channels.count]
        let parent = Self.parents[index % Self.parents.count]
        var row: [String: (any DatabaseValueConvertible)?] = [
            "id": id.legacyID,
            "title": realistic ? RealisticText.title(index: index, seed: seed) : Self.title(index: index, random: &random),
            "canonical_url": "https://www.youtube.com/watch?v=\(id.rawValue)" + (index % 13 == 0 ? "&t=42s" : ""),
            "thumbnail_url": "https://i.ytimg.com/vi/\(id.rawValue)/hqdefault.jpg",
            "published_at": Self.timestamp(indexed.addingTimeInterval(-86_400 * Double(1 + index % 300)), form: index + 3),
            "indexed_at": Self.timestamp(indexed, form: index),
            "duration_seconds": index % 31 == 0 ? "754" as String : Int(60 + random.next() % 5_400) as Int,
            "word_count": Int(200 + random.next() % 2_000),
            "has_audio": [1, "1", "true", 0, "0", "false", nil][index % 7] as (any DatabaseValueConvertible)?,
            "audio_duration_seconds": index % 25 == 1 ? 12.5 : nil,
            "has_transcript": index % 5 == 0 ? "false" : "1",
            "transcript_chars": Int(random.next() % 40_000),
            "video_id": id.rawValue,
            "channel_name": channel,
            "channel_id": "UC" + String(format: "%020llx", random.next() & 0xFFFF_FFFF_FFFF),
            "view_count": Int(random.next() % 2_000_000),
            "like_count": Int(random.next() % 50_000),
            "comment_count": index % 8 == 0 ? nil : Int(random.next() % 3_000),
            "category": "[\"\(parent)\"]",
            "content_type": ["tutorial", "review", "news", "interview"][index % 4],
            "complexity_level": ["beginner", "intermediate", "advanced"][index % 3],
            "language": ["en", "en-US", "fr", "es", "de", "EN_us"][index % 6],
            "key_topics": "[\"topic \(index % 40)\", \"\(parent.lowercased())\"]",
            "named_entities": index % 4 == 0 ? "['Python', 'PostgreSQL']" : "[]",
            "format_source": "youtube",
            "processing_status": "complete",
            "created_at": Self.sqliteTimestamp(indexed),
            "updated_at": index % 5 == 2 ? Self.sqliteTimestamp(indexed.addingTimeInterval(600)) : nil,
            "subcategory": nil,
            "subcategories_json": nil,
            "summary": nil,
            "analysis": index % 7 == 0 ? "{\"content_type\": \"tutorial\", \"language\": \"en\"}" : nil,
        ]
        if index % 250 == 17 {
            // A title written by a client that did not speak UTF-8 (Latin-1 bytes), repaired on import with a warning.
            row["title"] = Self.latin1Marker
        }
        return row
    }

    /// Inserts `row` (``LegacyTables/insert(_:into:db:)``); a title equal to ``latin1Marker`` is then rewritten as the
    /// Latin-1 bytes some legacy rows hold (not valid UTF-8).
    static func insert(_ row: [String: (any DatabaseValueConvertible)?], into table: String, db: Database) throws {
        try LegacyTables.insert(row, into: table, db: db)
        if row["title"] as? String == latin1Marker {
            try db.execute(
                sql: "UPDATE \(table) SET title = CAST(x'43616691e920e0206c6120706f7374' AS TEXT) WHERE id = ?",
                arguments: [row["id"] ?? nil]
            )
        }
    }

    /// Stands for a title in Latin-1 bytes (not valid UTF-8), written after the insert.
    static let latin1Marker = "\u{1}latin1-title"

    static func curation(index: Int, random: inout SplitMix64) -> (String, [CategoryPair]) {
        let first = taxonomy.entries[index % taxonomy.entries.count]
        let second = taxonomy.entries[(index / 6 + 3) % taxonomy.entries.count]
        let firstSub = first.subcategories[index % first.subcategories.count]
        let secondSub = second.subcategories[(index / 6) % second.subcategories.count]
        var pairs = [CategoryPair(category: first.category, subcategory: firstSub)]
        let json: String
        switch (index / 6) % 4 {
        case 0:
            json = "{\"categories\": [{\"category\": \(JSONText.string(first.category)), \"subcategories\": [\(JSONText.string(firstSub))]}]}"
        case 1:
            pairs.append(CategoryPair(category: second.category, subcategory: secondSub))
            json =
                "[{\"category\": \(JSONText.string(first.category)), \"subcategories\": [\(JSONText.string(firstSub))]}, {\"category\": \(JSONText.string(second.category)), \"subcategories\": [\(JSONText.string(secondSub)), \"\"]}]"
        case 2:
            json = "[{\"name\": \(JSONText.string(first.category)), \"subcategories\": [\(JSONText.string(firstSub))]}]"
        default:
            json =
                "{'categories': [{'category': \(JSONText.string(first.category)), 'subcategories': [\(JSONText.string(firstSub))]}, \(JSONText.string(second.category))]}"
        }
        return (json, pairs.sorted())
    }

    func summaryValue(index: Int, variant: String, random: inout SplitMix64) -> String {
        let short =
            "**Overview:**\n• The video explains idea \(index) with examples 🎬\n• It compares approach \(index % 7) and \(index % 5)\n\nBottom line: worth watching (\(random.next() % 1000))."
        let body = realistic ? RealisticText.summary(index: index, variant: variant, seed: seed) : short
        switch index % 6 {
        case 1: return "{\"\(variant == "comprehensive" ? "comprehensive" : "summary")\": \(JSONText.string(body))}"
        case 2:
            let python = body.replacingOccurrences(of: "\n", with: "\\n")
            return "{'summary': \"It's \(python)\", 'headline': 'Idea \(index)'}"
        case 3: return body.replacingOccurrences(of: "\n", with: "\\n")
        case 4: return "{\"summary\": {\"summary\": \(JSONText.string(body)), \"headline\": \"Nested \(index)\"}}"
        default: return body
        }
    }

    /// What the legacy processor wrote when it lacked metadata: `Untitled` or `Video` for the title, `Unknown` or a
    /// lower-cased handle for the channel, `0` for counts.
    static func writePlaceholders(into row: inout [String: (any DatabaseValueConvertible)?], index: Int) {
        row["title"] = (index / 10) % 8 < 4 ? "Untitled" : "Video"
        row["channel_name"] = (index / 10) % 2 == 0 ? "Unknown" : "tested"
        row["view_count"] = 0
        row["like_count"] = 0
        row["word_count"] = 0
    }

    static func reportTitle(index: Int) -> String { "Report \(index): " + (index % 2 == 0 ? "Ünïcode ✓ 東京" : "plain") }

    /// The channel each report shape names.
    static func reportChannel(_ shape: LegacyReportShape) -> String {
        switch shape {
        case .v1: "Report Channel"
        case .processor: "Proc Channel"
        case .universal: "Adam Savage’s Tested"
        }
    }

    func report(shape: LegacyReportShape, id: VideoID, index: Int, indexed: Date, random: inout SplitMix64) -> String {
        let title = JSONText.string(Self.reportTitle(index: index))
        let summary = JSONText.string(summaryValue(index: index * 3 + 5, variant: "comprehensive", random: &random))
        let processed = Self.isoTimestamp(indexed.addingTimeInterval(30))
        let parent = Self.parents[index % Self.parents.count]
        switch shape {
        case .v1:
            return """
                {"metadata": {"schema_version": "1.0.0"}, "video": {"url": "https://youtu.be/\(id.rawValue)", "video_id": "\(id.rawValue)",
                 "title": \(title), "channel": \(JSONText.string(Self.reportChannel(.v1))), "duration": 321, "view_count": 1000, "upload_date": "20240301",
                 "tags": ["a"], "thumbnail": "https://i.ytimg.com/vi/\(id.rawValue)/hqdefault.jpg", "language": "en"},
                 "summary": {"content": {"summary": \(summary), "headline": "Headline \(index)", "summary_type": "key_points",
                 "generated_at": "\(processed)"}, "type": "key_points", "analysis": {"category": ["\(parent)"], "complexity_level": "beginner",
                 "key_topics": ["x"], "content_type": "tutorial"}, "word_count": 400},
                 "processing": {"llm_provider": "openai", "model": "gpt"}, "indexed_at": "\(processed)"}
                """
        case .processor:
            return """
                {"url": "https://www.youtube.com/watch?v=\(id.rawValue)", "metadata": {"title": \(title), "uploader": \(JSONText.string(Self.reportChannel(.processor))),
                 "upload_date": "20240302", "duration": 222, "view_count": 55, "video_id": "\(id.rawValue)", "tags": []},
                 "transcript": "hello world", "summary": {"summary": \(summary), "headline": "H\(index)", "summary_type": "audio",
                 "generated_at": "\(processed)"}, "analysis": {"category": ["\(parent)"], "complexity_level": "advanced", "key_topics": []},
                 "processed_at": "\(processed)", "processor_info": {"llm_provider": "ollama", "model": "llama"}}
                """
        case .universal:
            let sub = Self.taxonomy.subcategories(of: parent)?.last ?? ""
            return """
                {"id": "yt:\(id.rawValue)", "content_source": "youtube", "title": \(title), "canonical_url": "https://www.youtube.com/watch?v=\(id.rawValue)",
                 "thumbnail_url": "https://i.ytimg.com/vi/\(id.rawValue)/hqdefault.jpg", "published_at": "2024-03-03T10:00:00Z",
                 "duration_seconds": 333, "word_count": 500, "media": {"has_audio": false, "has_transcript": true, "transcript_chars": 900},
                 "source_metadata": {"youtube": {"video_id": "\(id.rawValue)", "channel_name": \(JSONText.string(Self.reportChannel(.universal))), "view_count": 77}},
                 "analysis": {"categories": [{"category": "\(parent)", "subcategories": [\(JSONText.string(sub))]}], "category": ["\(parent)"],
                 "schema_version": 2, "language": "en", "key_topics": ["u"], "named_entities": ["E"]},
                 "summary": {"summary": \(summary), "summary_type": "comprehensive", "language": "en", "generated_at": "\(processed)",
                 "variants": [{"variant": "comprehensive", "kind": "text", "text": \(summary)},
                              {"variant": "key_insights", "kind": "text", "text": "Insight one for \(index)"}]},
                 "processed_at": "\(processed)"}
                """
        }
    }

    static func writeAudio(for id: VideoID, index: Int, indexed: Date, in directory: URL) throws {
        // A few MPEG-1 Layer III frame headers followed by silence: enough for players and range requests.
        var bytes: [UInt8] = []
        for _ in 0..<3 { bytes += [0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: 0, count: 413) }
        bytes += Array("video \(index)".utf8)
        let name = index % 2 == 0 ? "\(id.rawValue).mp3" : "audio_\(id.rawValue)_\(compactStamp(indexed)).mp3"
        try Data(bytes).write(to: directory.appendingPathComponent("audio").appendingPathComponent(name))
    }

    // MARK: - Values

    static let taxonomy = Taxonomy.standard
    static let parents = Taxonomy.standard.entries.map(\.category)
    static let channels = [
        "Fireship", "3Blue1Brown", "Computerphile", "Kurzgesagt", "Veritasium", "Tom Scott", "Linus Tech Tips", "Le Monde", "El País",
    ]
    static let words = [
        "Swift", "PostgreSQL", "Concurrency", "Databases", "Rust", "Cooking", "History", "Quantum", "Music", "Economy", "AI", "Climate",
    ]

    static func title(index: Int, random: inout SplitMix64) -> String {
        let first = words[Int(random.next() % UInt64(words.count))]
        let second = words[Int(random.next() % UInt64(words.count))]
        switch index % 10 {
        case 2: return "\(first) explained in 5 minutes 🚀"
        case 5: return "Pourquoi \(first.lowercased()) change tout — épisode \(index)"
        case 8: return "\(first) と \(second) の話"
        default: return "\(first) vs \(second): part \(index)"
        }
    }

    static func videoID(_ random: inout SplitMix64) -> VideoID {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
        var text = ""
        for position in 0..<11 {
            // Make sure most ids have an upper-case letter, as real ones do, so lower-casing loses information.
            let character = position == 4 ? alphabet[Int(random.next() % 26)] : alphabet[Int(random.next() % 64)]
            text.append(character)
        }
        return try! VideoID(text)
    }

    /// The timestamp spellings of docs/legacy.md, "Value quirks", rotating by `form`; a few are empty, NULL or unparseable.
    static func timestamp(_ date: Date, form: Int) -> (any DatabaseValueConvertible)? {
        switch form % 9 {
        case 0: return isoTimestamp(date)
        case 1: return isoFractional(date)
        case 2: return sqliteTimestamp(date)
        case 3: return Int(date.timeIntervalSince1970)
        case 4: return Int(date.timeIntervalSince1970 * 1000)
        case 5: return String(Int(date.timeIntervalSince1970))
        case 6: return form % 18 == 6 ? "" : isoTimestamp(date)
        case 7: return form % 37 == 7 ? "sometime last week" : sqliteTimestamp(date)
        default: return form % 2 == 0 ? nil : isoTimestamp(date)
        }
    }

    static func isoTimestamp(_ date: Date) -> String { date.formatted(.iso8601) }

    static func isoFractional(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(secondsFromGMT: 7_200)!
        let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.250+02:00",
            parts.year!,
            parts.month!,
            parts.day!,
            parts.hour!,
            parts.minute!,
            parts.second!
        )
    }

    static func sqliteTimestamp(_ date: Date) -> String { LegacyTables.sqliteTimestamp(date) }

    static func compactStamp(_ date: Date) -> String {
        sqliteTimestamp(date).replacingOccurrences(of: "-", with: "").replacingOccurrences(of: ":", with: "").replacingOccurrences(of: " ", with: "_")
    }
}
