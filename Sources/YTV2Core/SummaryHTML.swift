import Foundation

/// Renders summary text (markdown-like: `**Heading:**` lines, `•`/`-`/`–`/`*` bullets, blank-line paragraphs) as HTML.
///
/// Safe by construction: every character of the input is HTML-escaped first, and only the renderer's own tags
/// (`p`, `ul`, `li`, `h3`, `strong`, `br`) are added, so no script, event attribute or URL from the input can
/// reach a page. Stored HTML from any source is never passed through; this renderer is the only source of summary HTML.
public enum SummaryHTML {
    public static func render(_ text: String) -> String {
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

        let normalized = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
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

    /// `&`, `<`, `>`, `"` and `'` as entities.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.append(character)
            }
        }
        return escaped
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
        let parts = escape(text).components(separatedBy: "**")
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
}
