import Foundation

/// Splits a SQL file into single statements.
///
/// PostgresNIO speaks only the extended query protocol, which takes one statement per message, so a migration
/// file is cut at top-level semicolons: not inside quotes, identifiers, dollar-quoted bodies or comments. Each of
/// those is skipped whole by its own function, which returns where it ends.
enum SQLScript {
    static func statements(in sql: String) -> [String] {
        let chars = Array(sql.unicodeScalars)
        var statements: [String] = []
        var statementStart = 0
        var index = 0

        func flush(upTo end: Int) {
            let text = String(String.UnicodeScalarView(chars[statementStart..<end])).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty && !isOnlyComments(text) { statements.append(text) }
        }

        while index < chars.count {
            let c = chars[index]
            let next = index + 1 < chars.count ? chars[index + 1] : nil
            if c == "-" && next == "-" {
                index = lineCommentEnd(chars, from: index)
            } else if c == "/" && next == "*" {
                index = blockCommentEnd(chars, from: index)
            } else if c == "'" || c == "\"" {
                index = quotedEnd(chars, from: index)
            } else if c == "$", let tag = dollarTag(chars, at: index) {
                index = dollarQuotedEnd(chars, from: index, tag: tag)
            } else if c == ";" {
                flush(upTo: index)
                index += 1
                statementStart = index
            } else {
                index += 1
            }
        }
        flush(upTo: chars.count)
        return statements
    }

    /// `-- ...` up to (not including) the end of its line.
    private static func lineCommentEnd(_ chars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        while index < chars.count && chars[index] != "\n" { index += 1 }
        return index
    }

    /// `/* ... */`, which nests in PostgreSQL.
    private static func blockCommentEnd(_ chars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        var depth = 0
        repeat {
            let next = index + 1 < chars.count ? chars[index + 1] : nil
            if chars[index] == "/" && next == "*" {
                depth += 1
                index += 2
            } else if chars[index] == "*" && next == "/" {
                depth -= 1
                index += 2
            } else {
                index += 1
            }
        } while depth > 0 && index < chars.count
        return min(index, chars.count)
    }

    /// A `'literal'` or `"identifier"` starting at `start`; a doubled quote inside it is part of it.
    private static func quotedEnd(_ chars: [Unicode.Scalar], from start: Int) -> Int {
        let quote = chars[start]
        var index = start + 1
        while index < chars.count {
            if chars[index] == quote {
                if index + 1 < chars.count && chars[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return index
    }

    /// A `$tag$ ... $tag$` body starting at `start`.
    private static func dollarQuotedEnd(_ chars: [Unicode.Scalar], from start: Int, tag: String) -> Int {
        let tagScalars = Array(tag.unicodeScalars)
        var index = start + tagScalars.count
        while index < chars.count {
            if chars[index] == "$" && index + tagScalars.count <= chars.count && Array(chars[index..<(index + tagScalars.count)]) == tagScalars {
                return index + tagScalars.count
            }
            index += 1
        }
        return index
    }

    /// `$$` or `$tag$` starting at `start`, else nil (a `$1` parameter is not a tag).
    private static func dollarTag(_ chars: [Unicode.Scalar], at start: Int) -> String? {
        var end = start + 1
        while end < chars.count, chars[end] != "$" {
            let scalar = chars[end]
            let isTagChar = scalar == "_" || (scalar.properties.isAlphabetic) || (end > start + 1 && ("0"..."9").contains(scalar))
            guard isTagChar else { return nil }
            end += 1
        }
        guard end < chars.count else { return nil }
        return String(String.UnicodeScalarView(chars[start...end]))
    }

    private static func isOnlyComments(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
    }
}
