/// A JSON-like value read from text that may be JSON or a Python literal (`{'summary': "It's", 'n': None}`),
/// as the legacy system wrote dicts into text columns. Only the literal forms are understood; nothing is evaluated.
package indirect enum LooseValue: Equatable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([LooseValue])
    case object([(String, LooseValue)])

    package static func == (lhs: LooseValue, rhs: LooseValue) -> Bool {
        switch (lhs, rhs) {
        case (.string(let a), .string(let b)): a == b
        case (.number(let a), .number(let b)): a == b
        case (.bool(let a), .bool(let b)): a == b
        case (.null, .null): true
        case (.array(let a), .array(let b)): a == b
        case (.object(let a), .object(let b)): a.map(\.0) == b.map(\.0) && a.map(\.1) == b.map(\.1)
        default: false
        }
    }

    /// The value of `key` in an object, else nil.
    package subscript(key: String) -> LooseValue? {
        guard case .object(let pairs) = self else { return nil }
        return pairs.first { $0.0 == key }?.1
    }

    package var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// Parses JSON or a Python literal; nil when `text` is neither (then it is plain text).
    package static func parse(_ text: String) -> LooseValue? {
        var parser = Parser(Array(text.unicodeScalars))
        guard let value = try? parser.value(depth: 0) else { return nil }
        parser.skipSpace()
        return parser.atEnd ? value : nil
    }

    private struct Parser {
        struct Failure: Error {}
        let scalars: [Unicode.Scalar]
        var index = 0

        init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

        var atEnd: Bool { index >= scalars.count }
        var current: Unicode.Scalar? { atEnd ? nil : scalars[index] }

        mutating func skipSpace() {
            while let c = current, c == " " || c == "\n" || c == "\t" || c == "\r" { index += 1 }
        }

        mutating func value(depth: Int) throws -> LooseValue {
            guard depth < 64 else { throw Failure() }
            skipSpace()
            guard let c = current else { throw Failure() }
            switch c {
            case "{": return try object(depth: depth)
            case "[", "(": return try array(depth: depth, close: c == "[" ? "]" : ")")
            case "\"", "'": return .string(try string(quote: c))
            default: return try word()
            }
        }

        mutating func object(depth: Int) throws -> LooseValue {
            index += 1
            var pairs: [(String, LooseValue)] = []
            skipSpace()
            if current == "}" {
                index += 1
                return .object(pairs)
            }
            while true {
                skipSpace()
                guard let q = current, q == "\"" || q == "'" else { throw Failure() }
                let key = try string(quote: q)
                skipSpace()
                guard current == ":" else { throw Failure() }
                index += 1
                pairs.append((key, try value(depth: depth + 1)))
                skipSpace()
                if current == "," {
                    index += 1
                    skipSpace()
                    if current == "}" {
                        index += 1
                        return .object(pairs)
                    }
                    continue
                }
                guard current == "}" else { throw Failure() }
                index += 1
                return .object(pairs)
            }
        }

        mutating func array(depth: Int, close: Unicode.Scalar) throws -> LooseValue {
            index += 1
            var items: [LooseValue] = []
            skipSpace()
            if current == close {
                index += 1
                return .array(items)
            }
            while true {
                items.append(try value(depth: depth + 1))
                skipSpace()
                if current == "," {
                    index += 1
                    skipSpace()
                    if current == close {
                        index += 1
                        return .array(items)
                    }
                    continue
                }
                guard current == close else { throw Failure() }
                index += 1
                return .array(items)
            }
        }

        mutating func string(quote: Unicode.Scalar) throws -> String {
            index += 1
            // Built as UTF-8 bytes and made a string once: appending to a string a scalar at a time cost a fifth of the
            // import's CPU at real summary sizes.
            var result: [UInt8] = []
            while let c = current {
                index += 1
                if c == quote { return String(decoding: result, as: UTF8.self) }
                guard c == "\\" else {
                    result.appendUTF8(c)
                    continue
                }
                guard let escaped = current else { throw Failure() }
                index += 1
                switch escaped {
                case "n": result.appendUTF8("\n")
                case "t": result.appendUTF8("\t")
                case "r": result.appendUTF8("\r")
                case "b": result.appendUTF8("\u{8}")
                case "f": result.appendUTF8("\u{c}")
                case "u":
                    guard index + 4 <= scalars.count, let code = UInt32(String(String.UnicodeScalarView(scalars[index..<(index + 4)])), radix: 16)
                    else { throw Failure() }
                    index += 4
                    result.appendUTF8(Unicode.Scalar(code) ?? "\u{FFFD}")
                case "x":
                    guard index + 2 <= scalars.count, let code = UInt32(String(String.UnicodeScalarView(scalars[index..<(index + 2)])), radix: 16)
                    else { throw Failure() }
                    index += 2
                    result.appendUTF8(Unicode.Scalar(code) ?? "\u{FFFD}")
                default: result.appendUTF8(escaped)  // \\, \', \", \/
                }
            }
            throw Failure()
        }

        mutating func word() throws -> LooseValue {
            let start = index
            while let c = current, !(c == "," || c == "}" || c == "]" || c == ")" || c == ":" || c == " " || c == "\n") { index += 1 }
            let text = String(String.UnicodeScalarView(scalars[start..<index]))
            switch text {
            case "true", "True": return .bool(true)
            case "false", "False": return .bool(false)
            case "null", "None": return .null
            default:
                guard let number = Double(text) else { throw Failure() }
                return .number(number)
            }
        }
    }
}

extension [UInt8] {
    fileprivate mutating func appendUTF8(_ scalar: Unicode.Scalar) {
        if scalar.isASCII {
            append(UInt8(truncatingIfNeeded: scalar.value))
        } else {
            UTF8.encode(scalar) { append($0) }
        }
    }
}
