import Foundation

extension CategoryEntry {
    /// The entries of a JSON array of `{"category": ..., "subcategories": [...]}` objects, as `JSONDecoder` decodes
    /// them. Every list item the dashboard reads carries one (`videos.categories`), so the text PostgreSQL writes for
    /// it (plain objects of those two keys, strings without `\u` escapes) is read from its bytes, and any other text is
    /// handed to the decoder, which gives the same entries or the same error.
    package static func list(fromJSON text: String) throws -> [CategoryEntry] {
        var reader = CategoryListReader(Array(text.utf8))
        if let entries = reader.read() { return entries }
        return try JSONDecoder().decode([CategoryEntry].self, from: Data(text.utf8))
    }
}

/// Reads the one shape ``CategoryEntry/list(fromJSON:)`` expects; nil at anything else.
private struct CategoryListReader {
    private let bytes: [UInt8]
    private var index = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    mutating func read() -> [CategoryEntry]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var entries: [CategoryEntry] = []
        if !take(UInt8(ascii: "]")) {
            repeat {
                guard let entry = readEntry() else { return nil }
                entries.append(entry)
            } while take(UInt8(ascii: ","))
            guard take(UInt8(ascii: "]")) else { return nil }
        }
        skipBlank()
        return index == bytes.count ? entries : nil
    }

    private mutating func readEntry() -> CategoryEntry? {
        guard take(UInt8(ascii: "{")) else { return nil }
        var category: String?
        var subcategories: [String]?
        repeat {
            guard let name = readString(), take(UInt8(ascii: ":")) else { return nil }
            switch name {
            case "category" where category == nil:
                guard let value = readString() else { return nil }
                category = value
            case "subcategories" where subcategories == nil:
                guard let values = readStrings() else { return nil }
                subcategories = values
            default:
                return nil
            }
        } while take(UInt8(ascii: ","))
        guard take(UInt8(ascii: "}")), let category, let subcategories else { return nil }
        return CategoryEntry(category: category, subcategories: subcategories)
    }

    private mutating func readStrings() -> [String]? {
        guard take(UInt8(ascii: "[")) else { return nil }
        var values: [String] = []
        if take(UInt8(ascii: "]")) { return values }
        repeat {
            guard let value = readString() else { return nil }
            values.append(value)
        } while take(UInt8(ascii: ","))
        return take(UInt8(ascii: "]")) ? values : nil
    }

    /// A string with the short escapes only; nil at a `\u` escape, a control character or the end of the text.
    private mutating func readString() -> String? {
        guard take(UInt8(ascii: "\"")) else { return nil }
        var value: [UInt8] = []
        var runStart = index
        while index < bytes.count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "\"") {
                value.append(contentsOf: bytes[runStart..<index])
                index += 1
                return String(decoding: value, as: UTF8.self)
            }
            if byte < 0x20 { return nil }
            if byte == UInt8(ascii: "\\") {
                value.append(contentsOf: bytes[runStart..<index])
                guard index + 1 < bytes.count else { return nil }
                switch bytes[index + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): value.append(bytes[index + 1])
                case UInt8(ascii: "b"): value.append(0x08)
                case UInt8(ascii: "f"): value.append(0x0C)
                case UInt8(ascii: "n"): value.append(0x0A)
                case UInt8(ascii: "r"): value.append(0x0D)
                case UInt8(ascii: "t"): value.append(0x09)
                default: return nil
                }
                index += 2
                runStart = index
                continue
            }
            index += 1
        }
        return nil
    }

    /// Whether `byte` comes next (after blank space); it is passed when it does.
    private mutating func take(_ byte: UInt8) -> Bool {
        skipBlank()
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipBlank() {
        while index < bytes.count {
            switch bytes[index] {
            case 0x20, 0x09, 0x0A, 0x0D: index += 1
            default: return
            }
        }
    }
}
