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
        var parser = Parser(Array(text.utf8))
        guard let value = try? parser.value(depth: 0) else { return nil }
        parser.skipSpace()
        return parser.atEnd ? value : nil
    }

    /// Reads the UTF-8 bytes: every character the notation gives a meaning to is ASCII, and no byte of a multi-byte
    /// character is, so the text between them is copied as it is.
    private struct Parser {
        struct Failure: Error {}
        let bytes: [UInt8]
        var index = 0

        init(_ bytes: [UInt8]) { self.bytes = bytes }

        var atEnd: Bool { index >= bytes.count }
        var current: UInt8? { atEnd ? nil : bytes[index] }

        mutating func skipSpace() {
            while let c = current, c == 0x20 || c == 0x0A || c == 0x09 || c == 0x0D { index += 1 }
        }

        mutating func value(depth: Int) throws -> LooseValue {
            guard depth < 64 else { throw Failure() }
            skipSpace()
            guard let c = current else { throw Failure() }
            switch c {
            case UInt8(ascii: "{"): return try object(depth: depth)
            case UInt8(ascii: "["): return try array(depth: depth, close: UInt8(ascii: "]"))
            case UInt8(ascii: "("): return try array(depth: depth, close: UInt8(ascii: ")"))
            case UInt8(ascii: "\""), UInt8(ascii: "'"): return .string(try string(quote: c))
            default: return try word()
            }
        }

        mutating func object(depth: Int) throws -> LooseValue {
            index += 1
            var pairs: [(String, LooseValue)] = []
            skipSpace()
            if current == UInt8(ascii: "}") {
                index += 1
                return .object(pairs)
            }
            while true {
                skipSpace()
                guard let q = current, q == UInt8(ascii: "\"") || q == UInt8(ascii: "'") else { throw Failure() }
                let key = try string(quote: q)
                skipSpace()
                guard current == UInt8(ascii: ":") else { throw Failure() }
                index += 1
                pairs.append((key, try value(depth: depth + 1)))
                skipSpace()
                if current == UInt8(ascii: ",") {
                    index += 1
                    skipSpace()
                    if current == UInt8(ascii: "}") {
                        index += 1
                        return .object(pairs)
                    }
                    continue
                }
                guard current == UInt8(ascii: "}") else { throw Failure() }
                index += 1
                return .object(pairs)
            }
        }

        mutating func array(depth: Int, close: UInt8) throws -> LooseValue {
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
                if current == UInt8(ascii: ",") {
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

        mutating func string(quote: UInt8) throws -> String {
            index += 1
            var result: [UInt8] = []
            var run = index  // the start of the bytes not yet copied
            while let c = current {
                guard c == quote || c == UInt8(ascii: "\\") else {
                    index += 1
                    continue
                }
                result += bytes[run..<index]
                index += 1
                if c == quote { return String(decoding: result, as: UTF8.self) }
                guard let escaped = current else { throw Failure() }
                index += 1
                switch escaped {
                case UInt8(ascii: "n"): result.append(0x0A)
                case UInt8(ascii: "t"): result.append(0x09)
                case UInt8(ascii: "r"): result.append(0x0D)
                case UInt8(ascii: "b"): result.append(0x08)
                case UInt8(ascii: "f"): result.append(0x0C)
                case UInt8(ascii: "u"): result.appendUTF8(try hexScalar(digits: 4))
                case UInt8(ascii: "x"): result.appendUTF8(try hexScalar(digits: 2))
                // \\, \', \", \/ and any other character stand for themselves (the rest of a multi-byte one follows).
                default: result.append(escaped)
                }
                run = index
            }
            throw Failure()
        }

        /// The scalar written as `digits` hexadecimal digits after `\\u` or `\\x`; U+FFFD for a surrogate.
        private mutating func hexScalar(digits: Int) throws -> Unicode.Scalar {
            guard index + digits <= bytes.count,
                let code = UInt32(String(decoding: bytes[index..<(index + digits)], as: UTF8.self), radix: 16)
            else { throw Failure() }
            index += digits
            return Unicode.Scalar(code) ?? "\u{FFFD}"
        }

        /// What ends a bare word (`true`, `None`, a number).
        private static let wordEnds = Array(",}]):\n ".utf8)

        mutating func word() throws -> LooseValue {
            let start = index
            while let c = current, !Self.wordEnds.contains(c) { index += 1 }
            switch String(decoding: bytes[start..<index], as: UTF8.self) {
            case "true", "True": return .bool(true)
            case "false", "False": return .bool(false)
            case "null", "None": return .null
            case let text:
                guard let number = Double(text) else { throw Failure() }
                return .number(number)
            }
        }
    }
}

extension [UInt8] {
    fileprivate mutating func appendUTF8(_ scalar: Unicode.Scalar) {
        UTF8.encode(scalar) { append($0) }
    }
}
