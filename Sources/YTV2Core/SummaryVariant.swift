import Foundation

/// A summary variant id such as `comprehensive` or `audio-fr`, normalized from the legacy spellings.
package struct SummaryVariant: Hashable, Sendable, Codable, CustomStringConvertible {
    package enum Kind: String, Sendable, Codable { case text, audio }

    package let id: String

    /// The variants the processor produces, in the order the dashboard prefers them.
    package static let comprehensive = SummaryVariant(uncheckedID: "comprehensive")
    package static let bulletPoints = SummaryVariant(uncheckedID: "bullet-points")
    package static let keyInsights = SummaryVariant(uncheckedID: "key-insights")
    package static let executive = SummaryVariant(uncheckedID: "executive")
    package static let audio = SummaryVariant(uncheckedID: "audio")
    package static let audioFrench = SummaryVariant(uncheckedID: "audio-fr")
    package static let audioSpanish = SummaryVariant(uncheckedID: "audio-es")

    package static let preferenceOrder: [SummaryVariant] = [
        .comprehensive, .bulletPoints, .keyInsights, .executive, .audio, .audioFrench, .audioSpanish,
    ]

    private static let labels: [String: String] = [
        "comprehensive": "Comprehensive",
        "bullet-points": "Key Points",
        "key-insights": "Key Insights",
        "executive": "Executive Summary",
        "audio": "Audio Summary",
        "audio-fr": "Audio (French)",
        "audio-es": "Audio (Spanish)",
    ]

    private static let legacyNames: [String: String] = [
        "summary": "comprehensive",
        "key_points": "bullet-points",
        "key-points": "bullet-points",
        "bullet_points": "bullet-points",
        "key_insights": "key-insights",
        "audio_summary": "audio",
        "audio_fr": "audio-fr",
        "audio_es": "audio-es",
    ]

    private init(uncheckedID: String) { self.id = uncheckedID }

    /// A variant no summary can have (its id breaks the id rule the database checks): what a filter naming an unknown
    /// variant matches, which is nothing, as the legacy dashboard answered such a filter.
    package static let unmatchable = SummaryVariant(uncheckedID: "-")

    /// Normalizes a variant name (legacy spellings, case, surrounding blanks) into its id.
    /// A `:beginner|:intermediate|:advanced` suffix must be split off first with ``parse(_:)``.
    package init(_ name: String) throws(SummaryVariantError) {
        let lowered = name.trimmingASCIIWhitespace.lowercased()
        let mapped = Self.legacyNames[lowered] ?? lowered
        guard Self.isValidID(mapped) else { throw SummaryVariantError(input: name) }
        self.id = mapped
    }

    /// Splits `audio-fr:intermediate` into the variant and its proficiency level.
    package static func parse(_ name: String) throws(SummaryVariantError) -> (SummaryVariant, ProficiencyLevel?) {
        let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
        let variant = try SummaryVariant(parts.first ?? "")
        guard parts.count == 2 else { return (variant, nil) }
        guard let level = ProficiencyLevel(rawValue: parts[1].lowercased()) else { throw SummaryVariantError(input: name) }
        return (variant, level)
    }

    /// Accepts a variant id or its label (`Key Points`), as the dashboard's `summary_type` filter does.
    package static func fromIDOrLabel(_ value: String) -> SummaryVariant? {
        if let byLabel = labels.first(where: { $0.value.caseInsensitiveCompare(value) == .orderedSame }) {
            return SummaryVariant(uncheckedID: byLabel.key)
        }
        return try? SummaryVariant(value)
    }

    static func isValidID(_ id: String) -> Bool {
        guard let first = id.utf8.first, (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(first), id.utf8.count <= 40 else {
            return false
        }
        return id.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: "-")
        }
    }

    package var label: String {
        Self.labels[id] ?? id.split(separator: "-").map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined(separator: " ")
    }

    package var kind: Kind { id.hasPrefix("audio") ? .audio : .text }

    /// Position in ``preferenceOrder``; unknown variants sort after the known ones.
    package var preferenceRank: Int { Self.preferenceOrder.firstIndex(of: self) ?? Self.preferenceOrder.count }

    package var description: String { id }

    package init(from decoder: any Decoder) throws {
        try self.init(decoder.singleValueContainer().decode(String.self))
    }

    package func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(id)
    }
}

package enum ProficiencyLevel: String, Sendable, Codable, CaseIterable {
    case beginner, intermediate, advanced
}

package struct SummaryVariantError: Error, Equatable, CustomStringConvertible {
    package let input: String

    package init(input: String) { self.input = input }
    package var description: String {
        "invalid summary variant \"\(input.prefix(60))\": expected a lower-case id such as comprehensive, bullet-points or audio-fr"
    }
}
