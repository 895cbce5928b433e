import Foundation

/// Normalizes a legacy summary value into the text of one variant (docs/legacy.md, "Value quirks").
///
/// The value is markdown-like text, or a dict serialized as a string (JSON or a Python literal), possibly nested:
/// the text is picked by variant (comprehensive → `comprehensive`, `summary`; bullet variants → `bullet_points`,
/// `key_points`; audio variants → `summary`). A literal backslash-n stands for a newline only when the text has no
/// real newline. The caller keeps the raw value; `normalized` is what the store saves as the revision's text.
package struct LegacySummaryText: Equatable, Sendable {
    package var normalized: String
    /// Set when normalization changed the value (so the raw value is worth keeping), with what was done.
    package var notes: [String]

    package static func normalize(_ raw: String, variant: SummaryVariant) -> LegacySummaryText {
        var notes: [String] = []
        var text = raw
        // Unwrap serialized dicts, at most a few levels deep.
        for _ in 0..<4 {
            let trimmed = text.trimmingASCIIWhitespace
            guard trimmed.hasPrefix("{") || trimmed.hasPrefix("\""), let value = LooseValue.parse(trimmed) else { break }
            if case .string(let inner) = value {
                text = inner
                notes.append("unquoted a serialized string")
                continue
            }
            guard let picked = pick(value, for: variant) else { break }
            text = picked
            notes.append("picked the \(variant.id) text from a serialized dict")
        }
        if !text.containsUTF8Byte(0x0A), let unescaped = text.replacingEscapedNewlines() {
            text = unescaped
            notes.append("turned literal \\n into newlines")
        }
        text = text.trimmingASCIIWhitespace
        return LegacySummaryText(normalized: text, notes: notes)
    }

    /// The keys that hold a variant's text, in order of preference.
    static func keys(for variant: SummaryVariant) -> [String] {
        switch variant.id {
        case "comprehensive": ["comprehensive", "summary", "text", "content"]
        case "bullet-points": ["bullet_points", "key_points", "bullet-points", "key-points", "summary", "text"]
        case "key-insights": ["key_insights", "key-insights", "insights", "summary", "text"]
        case "executive": ["executive", "executive_summary", "summary", "text"]
        default: variant.kind == .audio ? ["summary", "audio", "text", "content"] : ["summary", "text", "content"]
        }
    }

    /// The text for `variant` in a dict (searching nested dicts), or nil.
    static func pick(_ value: LooseValue, for variant: SummaryVariant) -> String? {
        guard case .object(let pairs) = value else { return nil }
        for key in keys(for: variant) {
            guard let found = pairs.first(where: { $0.0 == key })?.1 else { continue }
            switch found {
            case .string(let text) where !text.isEmpty: return text
            case .object: if let nested = pick(found, for: variant) { return nested }
            case .array(let items):
                let lines = items.compactMap(\.stringValue).filter { !$0.isEmpty }
                if !lines.isEmpty { return lines.map { "• " + $0 }.joined(separator: "\n") }
            default: continue
            }
        }
        // A single nested dict (`{"summary": {...}}` under another name) is searched too.
        for (_, nested) in pairs {
            if case .object = nested, let text = pick(nested, for: variant) { return text }
        }
        return nil
    }
}

extension String {
    /// The text with each backslash-n as a newline; nil when it holds none. Done on the bytes (every summary of an
    /// import is checked, and a summary of the legacy era can hold hundreds). Where the `n` is followed by a scalar
    /// that may join it into another character (not a ``SimpleScalar``), the text is left to Foundation's
    /// search, which does not take an `n` joined by a combining mark for an `n`, as it always did.
    fileprivate func replacingEscapedNewlines() -> String? {
        var text = self
        return text.withUTF8 { bytes -> String? in
            var unescaped: [UInt8] = []
            unescaped.reserveCapacity(bytes.count)
            var replaced = false
            for index in bytes.indices {
                let byte = bytes[index]
                guard byte == UInt8(ascii: "n"), unescaped.last == UInt8(ascii: "\\") else {
                    unescaped.append(byte)
                    continue
                }
                if index + 1 < bytes.count, SimpleScalar.length(at: index + 1, in: bytes) == nil {
                    return replacingOccurrences(of: "\\n", with: "\n")
                }
                unescaped[unescaped.count - 1] = 0x0A
                replaced = true
            }
            return replaced ? String(decoding: unescaped, as: UTF8.self) : nil
        }
    }
}
