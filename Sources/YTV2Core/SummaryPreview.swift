/// The first words of a summary as plain text, for list items: markdown-like emphasis, headings and bullet marks
/// removed, runs of blank space folded into one space, cut at a word boundary near ``length`` characters with `…`.
/// List items carry this instead of whole summaries (about 3.7 KB each); the full texts come from the single report.
package enum SummaryPreview {
    /// About how many characters (Unicode scalars) a preview holds.
    package static let length = 280
    /// How many characters of a summary the preview needs at most: enough for ``length`` visible characters after the
    /// marks are removed. Readers fetch only this prefix of each text: the `preview` column of `summaries`
    /// (`left(text, 600)`, migration 0006) holds it.
    package static let sourcePrefixLength = 600

    /// Every list item makes one, so this works on UTF-8 bytes (all the marks it removes are ASCII or, for `•` and
    /// `–`, three-byte sequences) and counts a character at each byte that starts a scalar.
    package static func make(_ text: some StringProtocol) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(length * 2)
        var visible = 0
        var pendingSpace = false
        var atLineStart = true
        var cutAt: Int?
        let utf8 = Array(text.utf8)
        var index = 0
        scanning: while index < utf8.count {
            let byte = utf8[index]
            index += 1
            switch byte {
            case 0x0A, 0x0D, 0x09, 0x20:
                if byte == 0x0A || byte == 0x0D { atLineStart = true }
                pendingSpace = !output.isEmpty
                continue
            case UInt8(ascii: "*"), UInt8(ascii: "`"):
                // Emphasis and code marks: `**Heading:**`, `` `code` ``.
                continue
            case UInt8(ascii: "_") where index < utf8.count && utf8[index] == UInt8(ascii: "_"):
                // `__bold__`; a single underscore is part of a word (`snake_case`).
                index += 1
                continue
            case UInt8(ascii: "#") where atLineStart, UInt8(ascii: "-") where atLineStart, UInt8(ascii: ">") where atLineStart:
                // A heading, dash bullet or quote mark at the start of a line.
                continue
            case 0xE2 where atLineStart && index + 1 < utf8.count && utf8[index] == 0x80 && (utf8[index + 1] == 0xA2 || utf8[index + 1] == 0x93):
                // `•` (E2 80 A2) or `–` (E2 80 93) as a bullet at the start of a line.
                index += 2
                continue
            default:
                break
            }
            atLineStart = false
            if pendingSpace {
                if visible >= length {
                    cutAt = output.count
                    break scanning
                }
                output.append(0x20)
                visible += 1
                pendingSpace = false
            }
            output.append(byte)
            if byte & 0xC0 != 0x80 {
                visible += 1
            }
            // The rest of this scalar's bytes follow it; a scalar is never split.
            while index < utf8.count, utf8[index] & 0xC0 == 0x80 {
                output.append(utf8[index])
                index += 1
            }
            if visible >= length + 40 {
                cutAt = output.count
                break
            }
        }
        guard cutAt != nil else { return String(decoding: output, as: UTF8.self) }
        return cut(output)
    }

    /// `bytes` cut after their last whole word within ``length`` characters, with an ellipsis.
    private static func cut(_ bytes: [UInt8]) -> String {
        // The end of the first `length` scalars.
        var end = 0
        var scalars = 0
        while end < bytes.count {
            if bytes[end] & 0xC0 != 0x80 {
                if scalars == length { break }
                scalars += 1
            }
            end += 1
        }
        if let space = bytes[..<end].lastIndex(of: 0x20), scalarCount(bytes[..<space]) > length / 2 { end = space }
        var result = Array(bytes[..<end])
        while let last = result.last {
            if ",;:.-".utf8.contains(last) {
                result.removeLast()
            } else if result.count >= 3, result[result.count - 3] == 0xE2, result[result.count - 2] == 0x80, last == 0x93 {
                result.removeLast(3)  // `–`
            } else {
                break
            }
        }
        return String(decoding: result, as: UTF8.self) + "…"
    }

    private static func scalarCount(_ bytes: ArraySlice<UInt8>) -> Int {
        bytes.reduce(0) { $0 + ($1 & 0xC0 != 0x80 ? 1 : 0) }
    }
}
