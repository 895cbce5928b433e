import Foundation

/// Splits a SQL file into single statements.
///
/// PostgresNIO speaks only the extended query protocol, which takes one statement per message, so a migration
/// file is cut at top-level semicolons: not inside quotes, identifiers, dollar-quoted bodies or comments.
enum SQLScript {
    static func statements(in sql: String) -> [String] {
        let chars = Array(sql.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0

        func peek(_ offset: Int) -> Unicode.Scalar? {
            index + offset < chars.count ? chars[index + offset] : nil
        }

        func flush() {
            let text = String(current).trimmingCharacters(in: .whitespacesAndNewlines)
            if !text.isEmpty && !isOnlyComments(text) { statements.append(text) }
            current = String.UnicodeScalarView()
        }

        while index < chars.count {
            let c = chars[index]
            if c == "-" && peek(1) == "-" {
                // Line comment: copy up to the end of the line.
                while index < chars.count && chars[index] != "\n" {
                    current.append(chars[index])
                    index += 1
                }
                continue
            }
            if c == "/" && peek(1) == "*" {
                var depth = 0
                repeat {
                    if chars[index] == "/" && peek(1) == "*" {
                        depth += 1
                        current.append(contentsOf: "/*".unicodeScalars)
                        index += 2
                    } else if chars[index] == "*" && peek(1) == "/" {
                        depth -= 1
                        current.append(contentsOf: "*/".unicodeScalars)
                        index += 2
                    } else {
                        current.append(chars[index])
                        index += 1
                    }
                } while depth > 0 && index < chars.count
                continue
            }
            if c == "'" || c == "\"" {
                current.append(c)
                index += 1
                while index < chars.count {
                    current.append(chars[index])
                    if chars[index] == c {
                        if peek(1) == c {  // doubled quote inside the literal
                            current.append(c)
                            index += 2
                            continue
                        }
                        index += 1
                        break
                    }
                    index += 1
                }
                continue
            }
            if c == "$", let tag = dollarTag(chars, at: index) {
                current.append(contentsOf: tag.unicodeScalars)
                index += tag.unicodeScalars.count
                let tagScalars = Array(tag.unicodeScalars)
                while index < chars.count {
                    if chars[index] == "$" && index + tagScalars.count <= chars.count
                        && Array(chars[index..<(index + tagScalars.count)]) == tagScalars
                    {
                        current.append(contentsOf: tagScalars)
                        index += tagScalars.count
                        break
                    }
                    current.append(chars[index])
                    index += 1
                }
                continue
            }
            if c == ";" {
                flush()
                index += 1
                continue
            }
            current.append(c)
            index += 1
        }
        flush()
        return statements
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
