import Foundation
import YTV2Core

/// Where one source row lives: the snapshot file, the table (`report` for JSON reports) and its key.
public struct LegacySource: Hashable, Sendable, Codable, Comparable, CustomStringConvertible {
    public var file: String
    public var table: String
    public var key: String

    public init(file: String, table: String, key: String) {
        self.file = file
        self.table = table
        self.key = key
    }

    /// Longer keys are not used: the ledger and quarantine index their rows by key, and an index entry cannot exceed
    /// ~2,700 bytes. Real legacy ids are a few dozen characters; a row with a longer one is keyed by its rowid.
    public static let maximumKeyLength = 200

    public var description: String { table == "report" ? file : "\(file), table \(table), row \(key)" }
    public static func < (lhs: Self, rhs: Self) -> Bool { (lhs.file, lhs.table, lhs.key) < (rhs.file, rhs.table, rhs.key) }
}

/// A legacy row that cannot be read as what its table promises (malformed JSON in a column, a report that is not
/// JSON), naming the row and the column.
public struct LegacyRowError: Error, CustomStringConvertible, Sendable {
    public let source: LegacySource
    public let problem: String

    public init(source: LegacySource, problem: String) {
        self.source = source
        self.problem = problem
    }

    public var description: String { "\(source): \(problem)" }
}

/// One summary text found in a source, normalized as docs/legacy.md, "Value quirks" says; the raw value is kept when it differed.
public struct LegacySummary: Sendable, Equatable {
    public var variant: SummaryVariant
    public var proficiency: ProficiencyLevel?
    public var text: String
    public var rawValue: String?
    public var headline: String?
    public var language: String?
    public var at: Date?

    public init(
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
    public static func make(
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
public struct LegacyRecord: Sendable {
    public var source: LegacySource
    public var rowSHA256: String
    /// The row as read, turned into JSON only when it is quarantined (most rows never are).
    enum Raw: Sendable {
        case row(LegacyRow)
        case reportText(String)
        case json(String)
    }

    var raw: Raw

    /// The whole row as a JSON object, as quarantine stores it.
    public var rowJSON: String {
        switch raw {
        case .row(let row): return row.jsonObject
        case .json(let text): return text
        case .reportText(let text):
            if let value = LooseValue.parse(text), case .object = value { return Self.jsonObjectText(value) }
            return "{\"unreadable_report_text\":" + JSONText.string(text) + "}"
        }
    }
    /// `content.id` (`yt:<lower-cased>` or `hash:…`), `content_id` of child rows, or the report's `id`.
    public var legacyID: String?
    /// A case-exact id from the `video_id` column, the canonical URL or a report (in that order of trust).
    public var exactVideoID: VideoID?
    /// The metadata the source has (nil where it has none); `indexedAt` is kept apart, with `updatedAt`.
    public var fields = VideoMetadata()
    /// The categorization entries the source has; nil when it has none.
    public var categories: [CategoryEntry]?
    public var summaries: [LegacySummary] = []
    public var hasAudio: Bool?
    public var audioDurationSeconds: Double?
    /// Paths of files the source names (`content_files.file_path`).
    public var filePaths: [String] = []
    /// When the source saw the video (`indexed_at`, a report's processing time).
    public var indexedAt: Date?
    public var updatedAt: Date?
    public var warnings: [String] = []

    public init(source: LegacySource, rowSHA256: String, rowJSON: String) {
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
    public var seenAt: Date? { [indexedAt, updatedAt].compactMap { $0 }.max() }

    /// The key rows of one video share in the legacy files: `yt:` + the lower-cased id.
    public var groupKey: String {
        if let exactVideoID { return exactVideoID.legacyID }
        return legacyID?.lowercased() ?? "row:" + source.description
    }

    public var isCategorized: Bool {
        guard let categories else { return false }
        return Categorization(entries: categories, origin: .legacyDashboard).isCategorized
    }
}
