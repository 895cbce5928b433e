import Foundation

/// Renders summary text (markdown-like: `**Heading:**` lines, `•`/`-`/`–`/`*` bullets, blank-line paragraphs) as HTML.
///
/// Safe by construction: every character of the input is HTML-escaped first, and only the renderer's own tags
/// (`p`, `ul`, `li`, `h3`, `strong`, `br`) are added, so no script, event attribute or URL from the input can
/// reach a page. Stored HTML from any source is never passed through; this renderer is the only source of summary HTML.
package enum SummaryHTML {
    package static func render(_ text: String) -> String {
        var html = ""
        var paragraph: [String] = []
        var listItems: [String] = []

        func flushParagraph() {
            if !paragraph.isEmpty { html += "<p>" + paragraph.joined(separator: "<br>") + "</p>" }
            paragraph = []
        }
        func flushList() {
            if !listItems.isEmpty { html += "<ul>" + listItems.map { "<li>\($0)</li>" }.joined() + "</ul>" }
            listItems = []
        }

        let normalized =
            text.utf8.contains(UInt8(ascii: "\r"))
            ? text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n") : text
        for rawLine in normalized.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.trimmingASCIIWhitespace
            if line.isEmpty {
                flushParagraph()
                flushList()
            } else if let item = bulletText(line) {
                flushParagraph()
                listItems.append(inline(item))
            } else if let heading = headingText(line) {
                flushParagraph()
                flushList()
                html += "<h3>" + inline(heading) + "</h3>"
            } else {
                flushList()
                paragraph.append(inline(line))
            }
        }
        flushParagraph()
        flushList()
        return html
    }

    /// `&`, `<`, `>`, `"` and `'` as entities. Works on the UTF-8 bytes, not on characters: a quote followed by a
    /// combining mark is one `Character` that is not `"`, and must still be escaped (it would end an attribute value).
    package static func escape(_ text: String) -> String {
        let utf8 = text.utf8
        guard utf8.contains(where: isSpecial) else { return text }
        var escaped: [UInt8] = []
        escaped.reserveCapacity(utf8.count + 32)
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "&"): escaped += "&amp;".utf8
            case UInt8(ascii: "<"): escaped += "&lt;".utf8
            case UInt8(ascii: ">"): escaped += "&gt;".utf8
            case UInt8(ascii: "\""): escaped += "&quot;".utf8
            case UInt8(ascii: "'"): escaped += "&#39;".utf8
            default: escaped.append(byte)
            }
        }
        return String(decoding: escaped, as: UTF8.self)
    }

    private static func isSpecial(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: "&") || byte == UInt8(ascii: "<") || byte == UInt8(ascii: ">") || byte == UInt8(ascii: "\"")
            || byte == UInt8(ascii: "'")
    }

    private static func bulletText(_ line: String) -> String? {
        for marker in ["• ", "- ", "– ", "* "] where line.hasPrefix(marker) {
            return String(line.dropFirst(marker.count)).trimmingASCIIWhitespace
        }
        if line == "•" || line == "-" { return "" }
        return nil
    }

    /// `## Heading`, or a line that is entirely bold (`**Key points:**`).
    private static func headingText(_ line: String) -> String? {
        if line.hasPrefix("#") {
            let stripped = line.drop { $0 == "#" }.trimmingASCIIWhitespace
            return stripped.isEmpty ? nil : stripped
        }
        if line.hasPrefix("**"), line.hasSuffix("**"), line.count > 4 {
            let inner = line.dropFirst(2).dropLast(2)
            if !inner.contains("**") { return String(inner) }
        }
        return nil
    }

    /// Escapes, then turns `**bold**` pairs into `<strong>`; an unpaired `**` stays as text.
    private static func inline(_ text: String) -> String {
        let parts = splitOnDoubleStar(escape(text))
        var result = ""
        for (index, part) in parts.enumerated() {
            if index % 2 == 0 {
                result += part
            } else if index + 1 < parts.count {
                result += "<strong>" + part + "</strong>"
            } else {
                result += "**" + part
            }
        }
        return result
    }

    /// `text.components(separatedBy: "**")`, on the UTF-8 bytes (Foundation's version bridges through NSString).
    private static func splitOnDoubleStar(_ text: String) -> [Substring] {
        let utf8 = text.utf8
        var parts: [Substring] = []
        var start = utf8.startIndex
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let next = utf8.index(after: index)
            if utf8[index] == UInt8(ascii: "*"), next < utf8.endIndex, utf8[next] == UInt8(ascii: "*") {
                parts.append(text[start..<index])
                index = utf8.index(after: next)
                start = index
            } else {
                index = next
            }
        }
        parts.append(text[start..<utf8.endIndex])
        return parts
    }
}
