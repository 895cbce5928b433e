import Foundation
import YTV2Core

/// Reads the columns of legacy rows the way docs/legacy.md, "Value quirks" says: any type in any column, several timestamp and boolean
/// spellings, JSON in text columns. Unreadable scalars become nil with a warning; malformed JSON is a row error.
struct LegacyColumnReader {
    let row: LegacyRow
    let source: LegacySource
    var warnings: [String] = []

    init(row: LegacyRow, source: LegacySource) {
        self.row = row
        self.source = source
        self.warnings = row.warnings
    }

    func text(_ column: String) -> String? { row[column].nonBlankText }

    mutating func int(_ column: String) -> Int? {
        switch row[column] {
        case .null: return nil
        case .integer(let value): return Int(exactly: value)
        case .real(let value) where value.isFinite && abs(value) < 9e15: return Int(value.rounded())
        case let value:
            guard let text = value.nonBlankText?.trimmingASCIIWhitespace else { return nil }
            if let number = Int(text) { return number }
            if let number = Double(text), number.isFinite, abs(number) < 9e15 { return Int(number.rounded()) }
            warnings.append("\(column): \"\(text.prefix(40))\" is not a number; left empty")
            return nil
        }
    }

    mutating func double(_ column: String) -> Double? {
        switch row[column] {
        case .integer(let value): return Double(value)
        case .real(let value): return value.isFinite ? value : nil
        case let value:
            guard let text = value.nonBlankText else { return nil }
            if let number = Double(text.trimmingASCIIWhitespace), number.isFinite { return number }
            warnings.append("\(column): \"\(text.prefix(40))\" is not a number; left empty")
            return nil
        }
    }

    mutating func bool(_ column: String) -> Bool? {
        switch row[column] {
        case .null: return nil
        case .integer(let value): return value != 0
        case .real(let value): return value != 0
        case let value:
            guard let text = value.nonBlankText else { return nil }
            guard let flag = BooleanText.parse(text) else {
                warnings.append("\(column): \"\(text.trimmingASCIIWhitespace.prefix(40))\" is not a boolean; left empty")
                return nil
            }
            return flag
        }
    }

    mutating func date(_ column: String) -> Date? {
        switch row[column] {
        case .null: return nil
        case .integer(let value): return Timestamp.parse(String(value)) ?? warnNil(column, String(value))
        case .real(let value): return Timestamp.unix(value) ?? warnNil(column, String(value))
        case let value:
            guard let text = value.nonBlankText else { return nil }
            return Timestamp.parse(text) ?? warnNil(column, text)
        }
    }

    private mutating func warnNil(_ column: String, _ text: String) -> Date? {
        warnings.append("\(column): unparseable timestamp \"\(text.prefix(40))\"; stored as NULL")
        return nil
    }

    /// The JSON (or Python-literal) value of a text column; blank is nil, anything unparseable is a row error.
    func json(_ column: String) throws(LegacyRowError) -> LooseValue? {
        guard let text = text(column) else { return nil }
        guard let value = LooseValue.parse(text) else {
            throw LegacyRowError(source: source, problem: "column \(column) holds malformed JSON: \(text.prefix(60).debugDescription)")
        }
        return value
    }

    /// The summary in `column`, normalized for the variant named in `variantColumn`; nil when the text is blank.
    mutating func summary(_ column: String, variantColumn: String?, at: Date?) -> LegacySummary? {
        guard let text = row[column].nonBlankText else { return nil }
        let variant = variantColumn.flatMap { self.text($0) } ?? "comprehensive"
        return LegacySummary.make(variantName: variant, raw: text, at: at, warnings: &warnings)
    }

    func stringList(_ column: String) throws(LegacyRowError) -> [String]? {
        guard let value = try json(column) else { return nil }
        let strings = LegacyCategories.strings(in: value)
        return strings.isEmpty ? nil : strings
    }
}

/// How much of a row a reader takes.
package enum LegacyReadDepth: Sendable {
    /// Every column, summaries normalized, the row's checksum computed.
    case whole
    /// Only ``LegacyRecord/identityColumns(of:)``: what a plan's first pass needs to group rows, compare their times
    /// and find unreadable ones. No summaries, no checksum (`rowSHA256` is empty).
    case identity
}

extension LegacyRecord {
    /// The columns a record's identity (`legacyID`, `exactVideoID`), times (`indexedAt`, `updatedAt`) and row errors
    /// come from, per table; nil for every column (a table outside the legacy format). The inits below read no other
    /// column for these; `LegacyReadDepthTests` checks identity reads against whole ones.
    package static func identityColumns(of table: String) -> [String]? {
        switch table {
        case "content":
            [
                "id", "video_id", "canonical_url", "indexed_at", "created_at", "updated_at",
                "key_topics", "named_entities", "analysis", "subcategories_json", "category",
            ]
        case "content_summaries": ["content_id", "created_at"]
        case "summary_variants": ["video_id", "updated_at", "created_at"]
        case "content_files", "migration_log": ["content_id", "created_at", "processed_at"]
        default: nil
        }
    }

    /// A `content` row of the dashboard or NAS file.
    package init(contentRow row: LegacyRow, file: String, depth: LegacyReadDepth = .whole) throws(LegacyRowError) {
        let id = row["id"].text
        let key = id.flatMap { $0.utf8.count <= LegacySource.maximumKeyLength ? $0 : nil } ?? "rowid \(row.rowid)"
        let source = LegacySource(file: file, table: row.table, key: key)
        self.init(source: source, row: row, depth: depth)
        var reader = LegacyColumnReader(row: row, source: source)
        legacyID = reader.text("id")
        if let id, key != id { reader.warnings.append("id: \(id.utf8.count) bytes long; the row is keyed by its rowid") }
        exactVideoID = Self.exactID(videoIDColumn: reader.text("video_id"), url: reader.text("canonical_url"), legacyID: legacyID)
        var fields = VideoMetadata()
        fields.title = reader.text("title")
        fields.channelName = reader.text("channel_name")
        fields.channelID = reader.text("channel_id")
        fields.thumbnailURL = reader.text("thumbnail_url")
        fields.publishedAt = reader.date("published_at")
        fields.durationSeconds = reader.int("duration_seconds")
        fields.wordCount = reader.int("word_count")
        fields.viewCount = reader.int("view_count")
        fields.likeCount = reader.int("like_count")
        fields.commentCount = reader.int("comment_count")
        fields.hasTranscript = reader.bool("has_transcript")
        fields.transcriptChars = reader.int("transcript_chars")
        fields.contentType = reader.text("content_type")
        fields.complexityLevel = reader.text("complexity_level")
        fields.language = reader.text("language")
        fields.keyTopics = try reader.stringList("key_topics")
        fields.namedEntities = try reader.stringList("named_entities")
        let analysis = try reader.json("analysis")
        if let analysis { LegacyCategories.fill(&fields, from: analysis) }
        self.fields = fields
        hasAudio = reader.bool("has_audio")
        audioDurationSeconds = reader.double("audio_duration_seconds")
        indexedAt = reader.date("indexed_at") ?? reader.date("created_at")
        updatedAt = reader.date("updated_at")

        // Categorization: subcategories_json, then analysis.categories, then the old category/subcategory columns.
        if let value = try reader.json("subcategories_json"), let entries = LegacyCategories.entries(in: value), !entries.isEmpty {
            categories = entries
        } else if let entries = analysis.flatMap({ $0["categories"] }).flatMap(LegacyCategories.entries), !entries.isEmpty {
            categories = entries
        } else if let parents = try reader.stringList("category"), !parents.isEmpty {
            var entries = parents.map { CategoryEntry(category: $0) }
            if let sub = reader.text("subcategory") { entries[0].subcategories = [sub] }
            categories = entries
        }
        if depth == .whole, let summary = reader.summary("summary", variantColumn: nil, at: updatedAt ?? indexedAt) { summaries.append(summary) }
        warnings = reader.warnings
    }

    /// A `content_summaries` row: one summary text of one item.
    package init(summaryRow row: LegacyRow, file: String, depth: LegacyReadDepth = .whole) {
        let source = LegacySource(file: file, table: row.table, key: "rowid \(row.rowid)")
        self.init(source: source, row: row, depth: depth)
        var reader = LegacyColumnReader(row: row, source: source)
        legacyID = reader.text("content_id")
        exactVideoID = Self.exactID(videoIDColumn: nil, url: nil, legacyID: legacyID)
        let at = reader.date("created_at")
        indexedAt = at
        if depth == .whole, let summary = reader.summary("summary_text", variantColumn: "summary_type", at: at) { summaries.append(summary) }
        warnings = reader.warnings
    }

    /// A `summary_variants` row: one revision of one variant.
    package init(variantRow row: LegacyRow, file: String, depth: LegacyReadDepth = .whole) {
        let source = LegacySource(file: file, table: row.table, key: "rowid \(row.rowid)")
        self.init(source: source, row: row, depth: depth)
        var reader = LegacyColumnReader(row: row, source: source)
        let videoColumn = reader.text("video_id") ?? ""
        if videoColumn.hasPrefix("yt:") || videoColumn.hasPrefix("hash:") {
            legacyID = videoColumn
            exactVideoID = Self.exactID(videoIDColumn: nil, url: nil, legacyID: videoColumn)
        } else {
            legacyID = videoColumn.isEmpty ? nil : "yt:" + videoColumn.lowercased()
            exactVideoID = try? VideoID(videoColumn)
        }
        let at = reader.date("updated_at") ?? reader.date("created_at")
        indexedAt = at
        if depth == .whole, let summary = reader.summary("content", variantColumn: "variant_type", at: at) { summaries.append(summary) }
        warnings = reader.warnings
    }

    /// A `content_files` or `migration_log` row of the NAS file: bookkeeping about an item's files.
    package init(fileRow row: LegacyRow, file: String, depth: LegacyReadDepth = .whole) {
        let source = LegacySource(file: file, table: row.table, key: "rowid \(row.rowid)")
        self.init(source: source, row: row, depth: depth)
        var reader = LegacyColumnReader(row: row, source: source)
        legacyID = reader.text("content_id")
        exactVideoID = Self.exactID(videoIDColumn: nil, url: nil, legacyID: legacyID)
        if let path = reader.text("file_path") { filePaths = [path] }
        indexedAt = reader.date("created_at") ?? reader.date("processed_at")
        warnings = reader.warnings
    }

    /// The case-exact id: the `video_id` column when valid, else the canonical URL's, else a legacy id that still has
    /// upper-case letters (so it was not lower-cased).
    static func exactID(videoIDColumn: String?, url: String?, legacyID: String?) -> VideoID? {
        if let column = videoIDColumn?.trimmingASCIIWhitespace, let id = try? VideoID(apiID: column) { return id }
        if let url, let id = try? VideoID(url: url) { return id }
        if let legacyID, legacyID.hasPrefix("yt:"), let id = try? VideoID(String(legacyID.dropFirst(3))),
            id.rawValue != id.rawValue.lowercased()
        {
            return id
        }
        return nil
    }
}

/// Categorization and list values in their legacy shapes (docs/legacy.md, "Value quirks").
package enum LegacyCategories {
    /// `{"categories": [...]}`, a bare list of `{category|name, subcategories|subcategory}`, or plain strings.
    package static func entries(in value: LooseValue) -> [CategoryEntry]? {
        if let inner = value["categories"] { return entries(in: inner) }
        guard case .array(let items) = value else { return nil }
        var result: [CategoryEntry] = []
        for item in items {
            switch item {
            case .string(let name) where !name.isEmpty: result.append(CategoryEntry(category: name))
            case .object:
                let name = (item["category"] ?? item["name"])?.stringValue ?? ""
                var subs = item["subcategories"].map(strings) ?? []
                if let single = item["subcategory"]?.stringValue { subs.append(single) }
                result.append(CategoryEntry(category: name, subcategories: subs))
            default: continue
            }
        }
        return result
    }

    /// The strings of a list value (numbers as text); a lone string is a one-item list.
    package static func strings(in value: LooseValue) -> [String] {
        switch value {
        case .string(let text): return text.isEmpty ? [] : [text]
        case .array(let items):
            return items.compactMap { item in
                switch item {
                case .string(let text): text.isEmpty ? nil : text
                case .number(let number): number == number.rounded() ? String(Int(number)) : String(number)
                case .object: (item["name"] ?? item["entity"] ?? item["text"])?.stringValue
                default: nil
                }
            }
        default: return []
        }
    }

    /// Fills missing fields from an analysis object (`key_topics`, `content_type`, `complexity_level`, `language`, ...).
    static func fill(_ fields: inout VideoMetadata, from analysis: LooseValue) {
        if fields.keyTopics == nil, let value = analysis["key_topics"], !strings(in: value).isEmpty { fields.keyTopics = strings(in: value) }
        if fields.namedEntities == nil, let value = analysis["named_entities"], !strings(in: value).isEmpty {
            fields.namedEntities = strings(in: value)
        }
        if fields.contentType == nil { fields.contentType = analysis["content_type"]?.stringValue }
        if fields.complexityLevel == nil { fields.complexityLevel = analysis["complexity_level"]?.stringValue }
        if fields.language == nil { fields.language = analysis["language"]?.stringValue }
    }
}

extension LegacyRecord {
    /// A row that could not be read as its table promises (or of a table outside the legacy format): only its identity
    /// is taken, so it can be quarantined whole with the reason.
    package init(unreadableRow row: LegacyRow, file: String) {
        let key = row.table == "content" ? (row["id"].text ?? "rowid \(row.rowid)") : "rowid \(row.rowid)"
        self.init(source: LegacySource(file: file, table: row.table, key: key), row: row)
        legacyID = row["id"].nonBlankText.flatMap { row.table == "content" ? $0 : nil } ?? row["content_id"].nonBlankText
        exactVideoID = Self.exactID(videoIDColumn: row["video_id"].nonBlankText, url: row["canonical_url"].nonBlankText, legacyID: legacyID)
        if legacyID == nil, let column = row["video_id"].nonBlankText { legacyID = column.hasPrefix("yt:") ? column : "yt:" + column.lowercased() }
        warnings = row.warnings
    }
}
