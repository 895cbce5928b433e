import Foundation

/// Renders summary text (markdown-like: `**Heading:**` lines, `•`/`-`/`–`/`*` bullets, blank-line paragraphs) as HTML.
///
/// Safe by construction: every character of the input is HTML-escaped first, and only the renderer's own tags
/// (`p`, `ul`, `li`, `h3`, `strong`, `br`) are added, so no script, event attribute or URL from the input can
/// reach a page. Stored HTML from any source is never passed through; this renderer is the only source of summary HTML.
///
/// The rules are stated on characters (`Character`, which joins a letter and its combining marks). They are applied
/// to the UTF-8 bytes of each line made of ``SimpleScalar``s, whose characters are single scalars: nearly every line
/// of every summary. Other lines go through the same rules on `String`s (`LineKind.init(characters:)`).
package enum SummaryHTML {
    package static func render(_ text: String) -> String {
        var source =
            text.containsUTF8Byte(UInt8(ascii: "\r"))
            ? text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : text
        return source.withUTF8 { bytes in
            var html = HTMLWriter(capacity: bytes.count + bytes.count / 8 + 16)
            var start = 0
            while start <= bytes.count {
                let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
                html.add(LineKind(trimmed(bytes, start..<end), in: bytes))
                start = end + 1
            }
            html.closeParagraph()
            html.closeList()
            return String(decoding: html.bytes, as: UTF8.self)
        }
    }

    /// `&`, `<`, `>`, `"` and `'` as entities. Works on the UTF-8 bytes, not on characters: a quote followed by a
    /// combining mark is one `Character` that is not `"`, and must still be escaped (it would end an attribute value).
    package static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: isSpecial) else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(utf8.count + 32)
        for byte in utf8 { appendEscaped(byte, to: &escaped) }
        return String(decoding: escaped, as: UTF8.self)
    }

    private static func appendEscaped(_ byte: UInt8, to output: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "&"): output += "&amp;".utf8
        case UInt8(ascii: "<"): output += "&lt;".utf8
        case UInt8(ascii: ">"): output += "&gt;".utf8
        case UInt8(ascii: "\""): output += "&quot;".utf8
        case UInt8(ascii: "'"): output += "&#39;".utf8
        default: output.append(byte)
        }
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "'")
    }

    /// `range` of `bytes` without ASCII whitespace at its ends (as ``StringProtocol/trimmingASCIIWhitespace``).
    private static func trimmed(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper, bytes[lower].isASCIIBlank { lower += 1 }
        while upper > lower, bytes[upper - 1].isASCIIBlank { upper -= 1 }
        return lower..<upper
    }

    /// What one trimmed line is.
    private enum LineKind {
        case blank
        case bullet([UInt8])
        case heading([UInt8])
        case text([UInt8])

        init(_ range: Range<Int>, in bytes: UnsafeBufferPointer<UInt8>) {
            let line = bytes[range]
            guard !line.isEmpty else {
                self = .blank
                return
            }
            guard SimpleScalar.all(range, of: bytes) else {
                self.init(characters: String(decoding: line, as: UTF8.self))
                return
            }
            if let item = Self.bulletText(line) {
                self = .bullet(Array(item))
            } else if let heading = Self.headingText(line) {
                self = .heading(Array(heading))
            } else {
                self = .text(Array(line))
            }
        }

        /// The rules on characters, for a line with a scalar that is not a ``SimpleScalar`` (a mark may join it to a
        /// marker, making the marker another character).
        init(characters line: String) {
            for marker in ["• ", "- ", "– ", "* "] where line.hasPrefix(marker) {
                self = .bullet(Array(String(line.dropFirst(marker.count)).trimmingASCIIWhitespace.utf8))
                return
            }
            if line == "•" || line == "-" {
                self = .bullet([])
            } else if line.hasPrefix("#") {
                let stripped = line.drop { $0 == "#" }.trimmingASCIIWhitespace
                self = stripped.isEmpty ? .text(Array(line.utf8)) : .heading(Array(stripped.utf8))
            } else if line.hasPrefix("**"), line.hasSuffix("**"), line.count > 4, !line.dropFirst(2).dropLast(2).contains("**") {
                self = .heading(Array(line.dropFirst(2).dropLast(2).utf8))
            } else {
                self = .text(Array(line.utf8))
            }
        }

        private static let markers: [[UInt8]] = ["• ", "- ", "– ", "* "].map { Array($0.utf8) }

        /// The text of a bullet line (`• item`, `- item`, `– item`, `* item`, or a lone `•` or `-`), trimmed.
        private static func bulletText(_ line: UnsafeBufferPointer<UInt8>.SubSequence) -> UnsafeBufferPointer<UInt8>.SubSequence? {
            for marker in markers where line.starts(with: marker) {
                return line.dropFirst(marker.count).drop(while: \.isASCIIBlank)  // the line's end is already trimmed
            }
            if line.elementsEqual("•".utf8) || line.elementsEqual("-".utf8) { return line[line.endIndex...] }
            return nil
        }

        /// The text of a heading line: `## Heading`, or a line that is entirely bold (`**Key points:**`).
        private static func headingText(_ line: UnsafeBufferPointer<UInt8>.SubSequence) -> UnsafeBufferPointer<UInt8>.SubSequence? {
            let star = UInt8(ascii: "*")
            if line.first == UInt8(ascii: "#") {
                let stripped = line.drop { $0 == UInt8(ascii: "#") }.drop(while: \.isASCIIBlank)
                return stripped.isEmpty ? nil : stripped
            }
            guard line.count >= 4, line.starts(with: [star, star]), line.reversed().starts(with: [star, star]) else { return nil }
            let inner = line.dropFirst(2).dropLast(2)
            // More than four characters in all: here each character is one scalar, and so one byte that does not
            // continue another.
            guard inner.contains(where: { $0 & 0xC0 != 0x80 }) else { return nil }
            return inner.indices.contains { inner[$0] == star && $0 + 1 < inner.endIndex && inner[$0 + 1] == star } ? nil : inner
        }
    }

    /// The HTML being written, with the paragraph or list (never both) still open.
    private struct HTMLWriter {
        private(set) var bytes: [UInt8] = []
        private var paragraphOpen = false
        private var listOpen = false

        init(capacity: Int) { bytes.reserveCapacity(capacity) }

        mutating func add(_ line: LineKind) {
            switch line {
            case .blank:
                closeParagraph()
                closeList()
            case .bullet(let item):
                closeParagraph()
                if !listOpen { bytes += "<ul>".utf8 }
                listOpen = true
                bytes += "<li>".utf8
                addInline(item)
                bytes += "</li>".utf8
            case .heading(let heading):
                closeParagraph()
                closeList()
                bytes += "<h3>".utf8
                addInline(heading)
                bytes += "</h3>".utf8
            case .text(let text):
                closeList()
                bytes += (paragraphOpen ? "<br>" : "<p>").utf8
                paragraphOpen = true
                addInline(text)
            }
        }

        mutating func closeParagraph() {
            if paragraphOpen { bytes += "</p>".utf8 }
            paragraphOpen = false
        }

        mutating func closeList() {
            if listOpen { bytes += "</ul>".utf8 }
            listOpen = false
        }

        /// The text escaped, with `**bold**` pairs (found left to right) as `<strong>`; an unpaired `**` stays as text.
        private mutating func addInline(_ text: [UInt8]) {
            var parts: [Range<Int>] = []
            var start = 0
            var index = 0
            while index < text.count {
                if text[index] == UInt8(ascii: "*"), index + 1 < text.count, text[index + 1] == UInt8(ascii: "*") {
                    parts.append(start..<index)
                    index += 2
                    start = index
                } else {
                    index += 1
                }
            }
            parts.append(start..<text.count)
            for (number, part) in parts.enumerated() {
                let closed = number % 2 == 1 && number + 1 < parts.count
                if number % 2 == 1 { bytes += (closed ? "<strong>" : "**").utf8 }
                for byte in text[part] { SummaryHTML.appendEscaped(byte, to: &bytes) }
                if closed { bytes += "</strong>".utf8 }
            }
        }
    }
}
