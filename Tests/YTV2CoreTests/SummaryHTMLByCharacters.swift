import Foundation
import YTV2Core

/// The rules of ``SummaryHTML/render(_:)`` written plainly on `String`s and `Character`s, as the renderer was before it
/// worked on bytes: the reference the byte-level renderer is compared with.
enum SummaryHTMLByCharacters {
    static func render(_ text: String) -> String {
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

    private static func bulletText(_ line: String) -> String? {
        for marker in ["• ", "- ", "– ", "* "] where line.hasPrefix(marker) {
            return String(line.dropFirst(marker.count)).trimmingASCIIWhitespace
        }
        return line == "•" || line == "-" ? "" : nil
    }

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

    private static func inline(_ text: String) -> String {
        let parts = splitOnDoubleStar(SummaryHTML.escape(text))
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

    /// The text split at each `**`, found left to right in its bytes (a `*` joined by a mark into another character
    /// still counts).
    private static func splitOnDoubleStar(_ text: String) -> [String] {
        var parts: [String] = []
        var part: [UInt8] = []
        var bytes = Array(text.utf8)[...]
        while let byte = bytes.popFirst() {
            if byte == UInt8(ascii: "*"), bytes.first == UInt8(ascii: "*") {
                bytes.removeFirst()
                parts.append(String(decoding: part, as: UTF8.self))
                part = []
            } else {
                part.append(byte)
            }
        }
        return parts + [String(decoding: part, as: UTF8.self)]
    }
}
