import Foundation

/// A summary's markdown as Telegram messages: Telegram's HTML subset (headings bold, `**bold**`, `*italic*`,
/// `` `code` ``, links kept, bullets as •, everything else escaped), cut into messages the Bot API accepts.
///
/// Why HTML rather than MarkdownV2: summaries are full of `.`, `-`, `(`, `!`, each a reserved character MarkdownV2
/// refuses unescaped ("can't parse entities: Character '.' is reserved"); in HTML only `<`, `>` and `&` need escaping,
/// and every tag this writes is closed on the line that opened it, so any cut between lines leaves valid HTML.
package enum TelegramText {
    /// The Bot API's limit on a message's text, in UTF-16 code units (what its clients count).
    package static let limit = 4_096

    /// One message: its HTML, and the same text plain (sent instead when Telegram refuses the formatting).
    package struct Message: Sendable, Equatable {
        package var html: String
        package var plain: String
    }

    /// `header` (already HTML, with its plain form) and the body's lines, packed into messages of at most `limit`
    /// UTF-16 units of HTML: whole paragraphs where they fit, else whole lines, else a line cut between words.
    package static func messages(header: Message, markdown body: String, limit: Int = limit) -> [Message] {
        var messages: [Message] = []
        var current = header
        func fits(_ extra: Message) -> Bool { current.html.utf16.count + extra.html.utf16.count <= limit }
        func append(_ piece: Message, separator: String) {
            if current.html.isEmpty {
                current = piece
            } else if fits(Message(html: separator + piece.html, plain: "")) {
                current.html += separator + piece.html
                current.plain += separator + piece.plain
            } else {
                messages.append(current)
                current = piece
            }
        }
        for paragraph in paragraphs(body) {
            let rendered = Message(html: paragraph.map(html(line:)).joined(separator: "\n"), plain: paragraph.joined(separator: "\n"))
            if rendered.html.utf16.count <= limit {
                append(rendered, separator: "\n\n")
                continue
            }
            // A paragraph too long for one message: its lines, and a line too long is cut between words.
            var separator = "\n\n"
            for line in paragraph {
                for piece in pieces(of: line, limit: limit) {
                    append(piece, separator: separator)
                    separator = "\n"
                }
            }
        }
        if !current.html.isEmpty { messages.append(current) }
        return messages
    }

    /// Paragraphs: runs of non-blank lines.
    static func paragraphs(_ text: String) -> [[String]] {
        var result: [[String]] = []
        var current: [String] = []
        for raw in text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false) {
            let line = String(raw).trimmingCharacters(in: .whitespaces).isEmpty ? "" : String(raw)
            if line.isEmpty {
                if !current.isEmpty { result.append(current) }
                current = []
            } else {
                current.append(line)
            }
        }
        if !current.isEmpty { result.append(current) }
        return result
    }

    /// A line cut between words into pieces whose HTML fits; a word longer than a message is cut where it must.
    static func pieces(of line: String, limit: Int) -> [Message] {
        var pieces: [Message] = []
        var words: [Substring] = []
        func rendered(_ words: [Substring]) -> Message {
            let text = words.joined(separator: " ")
            return Message(html: html(line: text), plain: text)
        }
        for word in line.split(separator: " ", omittingEmptySubsequences: false) {
            if rendered(words + [word]).html.utf16.count <= limit {
                words.append(word)
                continue
            }
            if !words.isEmpty { pieces.append(rendered(words)) }
            words = [word]
            // One word longer than a message: cut it by characters.
            while rendered(words).html.utf16.count > limit, let only = words.first {
                var cut = only.startIndex
                while cut < only.endIndex, escaped(String(only[only.startIndex...cut])).utf16.count < limit { cut = only.index(after: cut) }
                pieces.append(Message(html: escaped(String(only[..<cut])), plain: String(only[..<cut])))
                words = [only[cut...]]
            }
        }
        if !words.isEmpty { pieces.append(rendered(words)) }
        return pieces
    }

    /// `<`, `>` and `&` as entities: all Telegram's HTML mode asks of plain text.
    package static func escaped(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            default: result.append(character)
            }
        }
        return result
    }

    /// One markdown line: a heading becomes bold, a bullet `•`, a quote line keeps its `>`; inline marks convert.
    package static func html(line: String) -> String {
        let indentation = line.prefix { $0 == " " || $0 == "\t" }
        var rest = line.dropFirst(indentation.count)
        if rest.first == "#" {
            let hashes = rest.prefix { $0 == "#" }
            let after = rest.dropFirst(hashes.count)
            if hashes.count <= 6, after.first == " " {
                return "<b>" + inline(after.drop { $0 == " " }) + "</b>"
            }
        }
        if let marker = rest.first, "-*+•".contains(marker), rest.dropFirst().first == " " {
            rest = rest.dropFirst(2)
            return String(indentation) + "• " + inline(rest)
        }
        return String(indentation) + inline(rest)
    }

    /// Inline marks: `` `code` ``, `**bold**`/`__bold__`, `*italic*`/`_italic_` (not inside words, so `snake_case`
    /// stays), `[text](https://…)`. A mark without its closing partner is written as it is.
    static func inline(_ text: Substring) -> String {
        var result = ""
        var index = text.startIndex
        while index < text.endIndex {
            let rest = text[index...]
            let previous: Character? = index > text.startIndex ? text[text.index(before: index)] : nil
            if rest.first == "`", let close = rest.dropFirst().firstIndex(of: "`") {
                result += "<code>" + escaped(String(rest[rest.index(after: rest.startIndex)..<close])) + "</code>"
                index = text.index(after: close)
                continue
            }
            if rest.hasPrefix("**") || rest.hasPrefix("__") {
                let marker = String(rest.prefix(2))
                let inner = rest.dropFirst(2)
                if let close = inner.range(of: marker), close.lowerBound > inner.startIndex {
                    result += "<b>" + inline(inner[..<close.lowerBound]) + "</b>"
                    index = close.upperBound
                    continue
                }
            }
            if let mark = rest.first, mark == "*" || mark == "_", isBoundary(previous), let next = rest.dropFirst().first, !next.isWhitespace,
                let close = closingMark(mark, in: rest.dropFirst())
            {
                result += "<i>" + inline(rest[rest.index(after: rest.startIndex)..<close]) + "</i>"
                index = text.index(after: close)
                continue
            }
            if rest.first == "[", let middle = rest.range(of: "]("), let end = rest[middle.upperBound...].firstIndex(of: ")") {
                let url = String(rest[middle.upperBound..<end])
                if url.hasPrefix("http://") || url.hasPrefix("https://"), !url.contains(" ") {
                    let label = rest[rest.index(after: rest.startIndex)..<middle.lowerBound]
                    result += "<a href=\"" + escaped(url).replacingOccurrences(of: "\"", with: "&quot;") + "\">" + inline(label) + "</a>"
                    index = text.index(after: end)
                    continue
                }
            }
            result += escaped(String(text[index]))
            index = text.index(after: index)
        }
        return result
    }

    /// Start of text, a space or punctuation: where an emphasis mark may open or close.
    static func isBoundary(_ character: Character?) -> Bool {
        guard let character else { return true }
        return character.isWhitespace || (character.isPunctuation && character != "_" && character != "*")
    }

    /// The closing single mark: not doubled, not followed by a letter or digit.
    static func closingMark(_ mark: Character, in text: Substring) -> Substring.Index? {
        var index = text.startIndex
        while let found = text[index...].firstIndex(of: mark) {
            let after = text.index(after: found)
            let before = found > text.startIndex ? text[text.index(before: found)] : nil
            let next: Character? = after < text.endIndex ? text[after] : nil
            if next != mark, before.map({ !$0.isWhitespace }) ?? false, isBoundary(next) { return found }
            index = after
            if index >= text.endIndex { return nil }
        }
        return nil
    }
}

extension TelegramText {
    /// A summary's markdown as text to speak: marks, heading hashes and bullet signs removed.
    package static func spoken(_ markdown: String) -> String {
        markdown.split(separator: "\n", omittingEmptySubsequences: false).map { raw -> String in
            var line = raw.trimmingCharacters(in: .whitespaces)
            while line.hasPrefix("#") { line.removeFirst() }
            if let first = line.first, "-*+•".contains(first), line.dropFirst().first == " " { line.removeFirst(2) }
            for mark in ["**", "__", "`"] { line = line.replacingOccurrences(of: mark, with: "") }
            return line.trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n")
    }
}
