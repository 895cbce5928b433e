extension StringProtocol {
    /// The text without leading and trailing ASCII whitespace (space, tab, CR, LF, vertical tab, form feed).
    /// Foundation's `trimmingCharacters(in:)` bridges through NSString on Linux and costs more than the rest of a
    /// migration's per-row work; legacy values only ever carry ASCII blanks at their edges.
    package var trimmingASCIIWhitespace: String {
        let text = String(self)
        let utf8 = text.utf8
        guard let first = utf8.firstIndex(where: { !$0.isASCIIBlank }) else { return "" }
        var end = utf8.endIndex
        while end > first, utf8[utf8.index(before: end)].isASCIIBlank { end = utf8.index(before: end) }
        if first == utf8.startIndex, end == utf8.endIndex { return text }
        return String(text[first..<end])
    }
}

extension UInt8 {
    /// Whether the byte is ASCII whitespace: space, tab, LF, vertical tab, form feed or CR.
    package var isASCIIBlank: Bool { self == 0x20 || (0x09...0x0D).contains(self) }
}
