import Foundation
import YTV2Core

/// Where one source row lives: the snapshot file, the table (`report` for JSON reports) and its key.
package struct LegacySource: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    package var file: String
    package var table: String
    package var key: String

    package init(file: String, table: String, key: String) {
        self.file = file
        self.table = table
        self.key = key
    }

    /// Longer keys are not used: the ledger and quarantine index their rows by key, and an index entry cannot exceed
    /// ~2,700 bytes. Real legacy ids are a few dozen characters; a row with a longer one is keyed by its rowid.
    package static let maximumKeyLength = 200

    package var description: String { table == "report" ? file : "\(file), table \(table), row \(key)" }
    package static func < (lhs: Self, rhs: Self) -> Bool { (lhs.file, lhs.table, lhs.key) < (rhs.file, rhs.table, rhs.key) }
}

/// A legacy row that cannot be read as what its table promises (malformed JSON in a column, a report that is not
/// JSON), naming the row and the column.
package struct LegacyRowError: Error, CustomStringConvertible, Sendable {
    package let source: LegacySource
    package let problem: String

    package init(source: LegacySource, problem: String) {
        self.source = source
        self.problem = problem
    }

    package var description: String { "\(source): \(problem)" }
}

/// One summary text found in a source, normalized as docs/legacy.md, "Value quirks" says; the raw value is kept when it differed.
package struct LegacySummary: Sendable, Equatable {
    package var variant: SummaryVariant
    package var proficiency: ProficiencyLevel?
    package var text: String
    package var rawValue: String?
    package var headline: String?
    package var language: String?
    package var at: Date?

    package init(
        variant: SummaryVariant,
        proficiency: ProficiencyLevel? = nil,
        text: String,
        rawValue: String? = nil,
        headline: String? = nil,
        language: String? = nil,
        at: Date? = nil
    ) {
        self.variant = variant
        self.proficiency = proficiency
        self.text = text
        self.rawValue = rawValue
        self.headline = headline
        self.language = language
        self.at = at
    }

    /// Normalizes `raw` (a variant name with an optional `:level`) into a summary, or nil when the text is empty.
    package static func make(
        variantName: String,
        raw: String,
        headline: String? = nil,
        language: String? = nil,
        at: Date? = nil,
        warnings: inout [String]
    ) -> LegacySummary? {
        let parsed: (SummaryVariant, ProficiencyLevel?)
        do { parsed = try SummaryVariant.parse(variantName.isEmpty ? "comprehensive" : variantName) } catch {
            warnings.append("summary variant \"\(variantName.prefix(40))\" is not a valid name; stored as comprehensive")
            parsed = (.comprehensive, nil)
        }
        let normalized = LegacySummaryText.normalize(raw, variant: parsed.0)
        guard !normalized.normalized.isEmpty else { return nil }
        return LegacySummary(
            variant: parsed.0,
            proficiency: parsed.1,
            text: normalized.normalized,
            rawValue: normalized.normalized == raw ? nil : raw,
            headline: headline,
            language: language,
            at: at
        )
    }
}

/// One legacy source row read as the migration needs it: identity, fields, categorization, summaries, audio hints.
package struct LegacyRecord: Sendable {
    package var source: LegacySource
    package var rowSHA256: String
    /// The row as read, turned into JSON only when it is quarantined (most rows never are).
    enum Raw: Sendable {
        case row(LegacyRow)
        case reportText(String)
        case json(String)
    }

    var raw: Raw

    /// The whole row as a JSON object, as quarantine stores it.
    package var rowJSON: String {
        switch raw {
        case .row(let row): return row.jsonObject
        case .json(let text): return text
        case .reportText(let text):
            if let value = LooseValue.parse(text), case .object = value { return Self.jsonObjectText(value) }
            return "{\"unreadable_report_text\":" + JSONText.string(text) + "}"
        }
    }
    /// `content.id` (`yt:<lower-cased>` or `hash:…`), `content_id` of child rows, or the report's `id`.
    package var legacyID: String?
    /// A case-exact id from the `video_id` column, the canonical URL or a report (in that order of trust).
    package var exactVideoID: VideoID?
    /// The metadata the source has (nil where it has none); `indexedAt` is kept apart, with `updatedAt`.
    package var fields = VideoMetadata()
    /// The categorization entries the source has; nil when it has none.
    package var categories: [CategoryEntry]?
    package var summaries: [LegacySummary] = []
    package var hasAudio: Bool?
    package var audioDurationSeconds: Double?
    /// Paths of files the source names (`content_files.file_path`).
    package var filePaths: [String] = []
    /// When the source saw the video (`indexed_at`, a report's processing time).
    package var indexedAt: Date?
    package var updatedAt: Date?
    package var warnings: [String] = []

    package init(source: LegacySource, rowSHA256: String, rowJSON: String) {
        self.source = source
        self.rowSHA256 = rowSHA256
        self.raw = .json(rowJSON)
    }

    init(source: LegacySource, rowSHA256: String, raw: Raw) {
        self.source = source
        self.rowSHA256 = rowSHA256
        self.raw = raw
    }

    init(source: LegacySource, row: LegacyRow, depth: LegacyReadDepth = .whole) {
        self.init(source: source, rowSHA256: depth == .whole ? row.canonicalSHA256 : "", raw: .row(row))
    }

    /// The latest of the source's own timestamps.
    package var seenAt: Date? { [indexedAt, updatedAt].compactMap { $0 }.max() }

    /// The key rows of one video share in the legacy files: `yt:` + the lower-cased id.
    package var groupKey: String {
        if let exactVideoID { return exactVideoID.legacyID }
        return legacyID?.lowercased() ?? "row:" + source.description
    }

    package var isCategorized: Bool {
        guard let categories else { return false }
        return Categorization(entries: categories, origin: .legacyDashboard).isCategorized
    }
}
