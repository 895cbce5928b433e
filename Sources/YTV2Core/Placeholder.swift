/// Values the legacy processor wrote when it did not know the real one: `Untitled` or `Video` for a title, `Unknown`
/// or a lower-cased channel handle (`tested` for "Adam Savage’s Tested") for a channel, `0` for counts and durations,
/// empty strings for anything textual. Such a value is kept when no source knows better, but it never wins a merge
/// against a real value from any source (docs/legacy.md, "Placeholders"). The migration's reconciliation, its
/// verification and the store's merge of ingested reports all ask this one type.
package enum Placeholder {
    /// Titles that stand for "no title", compared trimmed and case-insensitively.
    package static let titles: Set<String> = ["untitled", "untitled video", "video", "unknown", "unknown title", "no title"]
    /// Channel names that stand for "no channel", compared trimmed and case-insensitively.
    package static let channelNames: Set<String> = ["unknown", "unknown channel", "n/a", "none"]

    /// Whether `title` is a placeholder title (an empty one included).
    package static func isTitle(_ title: String) -> Bool {
        let folded = title.trimmingASCIIWhitespace.lowercased()
        return folded.isEmpty || titles.contains(folded)
    }

    /// Whether `name` is a placeholder channel name: empty, one of ``channelNames``, or a bare lower-cased handle
    /// (ASCII letters, digits, `.`, `_`, `-`, optionally after `@`), which is what the processor stored when it only
    /// knew the channel's URL.
    package static func isChannelName(_ name: String) -> Bool {
        let trimmed = name.trimmingASCIIWhitespace
        if trimmed.isEmpty || channelNames.contains(trimmed.lowercased()) { return true }
        var handle = Substring(trimmed)
        if handle.first == "@" { handle = handle.dropFirst() }
        guard !handle.isEmpty else { return true }
        return handle.utf8.allSatisfy { byte in
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    /// Whether a count or duration is a placeholder: the processor wrote `0` for what it did not know.
    package static func isCount(_ value: Int) -> Bool { value == 0 }

    /// Whether a free text value (language, content type, complexity, URLs, ids) is a placeholder: blank.
    package static func isText(_ value: String) -> Bool { value.trimmingASCIIWhitespace.isEmpty }
}
