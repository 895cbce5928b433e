/// The first words of a summary as plain text, for list items: markdown-like emphasis, headings and bullet marks
/// removed, runs of blank space folded into one space, cut at a word boundary near ``length`` characters with `…`.
/// List items carry this instead of whole summaries (about 3.7 KB each); the full texts come from the single report.
public enum SummaryPreview {
    /// About how many characters a preview holds.
    public static let length = 280
    /// How many characters of a summary the preview needs at most: enough for ``length`` visible characters after the
    /// marks are removed. Readers fetch only this prefix of each text: the `preview` column of `summaries`
    /// (`left(text, 600)`, migration 0006) holds it.
    public static let sourcePrefixLength = 600

    public static func make(_ text: some StringProtocol) -> String {
        var output = ""
        output.reserveCapacity(length + 8)
        var visible = 0
        var pendingSpace = false
        var atLineStart = true
        var scalars = Substring(text).unicodeScalars[...]
        while let scalar = scalars.first {
            scalars = scalars.dropFirst()
            switch scalar {
            case "\n", "\r", "\t", " ":
                if scalar == "\n" || scalar == "\r" { atLineStart = true }
                pendingSpace = !output.isEmpty
                continue
            case "*", "`":
                // Emphasis and code marks: `**Heading:**`, `` `code` ``.
                continue
            case "_" where scalars.first == "_":
                // `__bold__`; a single underscore is part of a word (`snake_case`).
                scalars = scalars.dropFirst()
                continue
            case "#" where atLineStart, "•" where atLineStart, "–" where atLineStart, "-" where atLineStart, ">" where atLineStart:
                // A heading, bullet or quote mark at the start of a line.
                continue
            default:
                break
            }
            atLineStart = false
            if pendingSpace {
                if visible >= length { return cut(output) }
                output.unicodeScalars.append(" ")
                visible += 1
                pendingSpace = false
            }
            output.unicodeScalars.append(scalar)
            visible += 1
            if visible >= length + 40 { return cut(output) }
        }
        return output
    }

    /// `text` cut after its last whole word within ``length`` characters, with an ellipsis.
    private static func cut(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars.prefix(length))
        var end = scalars.count
        if let space = scalars.lastIndex(of: " "), space > length / 2 { end = space }
        var result = String(String.UnicodeScalarView(scalars[..<end]))
        while let last = result.unicodeScalars.last, ",;:.-–".unicodeScalars.contains(last) { result.unicodeScalars.removeLast() }
        return result + "…"
    }
}
