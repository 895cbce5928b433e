import Foundation
import YTV2Core

/// One value as SQLite stored it. SQLite lets any column hold any type, so readers never assume one.
public enum LegacyValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The value as text: text itself, numbers in decimal, a blob when it is valid UTF-8; nil for NULL.
    public var text: String? {
        switch self {
        case .null: nil
        case .integer(let value): String(value)
        case .real(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .text(let value): value
        case .blob(let bytes): String(validating: bytes, as: UTF8.self)
        }
    }

    /// The value as text, with blanks (`""`, spaces) treated as missing.
    public var nonBlankText: String? {
        guard let text, !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return text
    }

    /// The type name SQLite's `typeof()` reports.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .integer: "integer"
        case .real: "real"
        case .text: "text"
        case .blob: "blob"
        }
    }

    /// One line of the canonical form that row checksums are computed over: type and exact value.
    func canonical(into output: inout String) {
        output += typeName
        output += ":"
        switch self {
        case .null: break
        case .integer(let value): output += String(value)
        case .real(let value): output += String(value.bitPattern, radix: 16)
        case .text(let value): output += value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\n", with: "\\n")
        case .blob(let bytes): output += bytes.hexEncoded
        }
    }

    /// The value as a JSON fragment, for quarantine and reports (blobs as `{"blob_hex": "..."}`).
    func json(into output: inout String) {
        switch self {
        case .null: output += "null"
        case .integer(let value): output += String(value)
        case .real(let value): output += value.isFinite ? String(value) : "null"
        case .text(let value): JSONText.appendString(value, to: &output)
        case .blob(let bytes): output += "{\"blob_hex\":\"\(bytes.hexEncoded)\"}"
        }
    }
}

/// Writes JSON string literals by hand: the legacy text can hold anything, and rows are serialized by the hundred
/// thousand, where a generic encoder would dominate the import's time.
public enum JSONText {
    public static func appendString(_ value: String, to output: inout String) {
        output += "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\r": output += "\\r"
            case "\t": output += "\\t"
            case "\u{0}"..."\u{1F}":
                output += "\\u00" + String(scalar.value, radix: 16).leftPadded(to: 2)
            default: output.unicodeScalars.append(scalar)
            }
        }
        output += "\""
    }

    public static func string(_ value: String) -> String {
        var output = ""
        appendString(value, to: &output)
        return output
    }
}

extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}

/// One row of a legacy table, with the values exactly as stored.
public struct LegacyRow: Sendable {
    public let table: String
    public let rowid: Int64
    public let columns: [String]
    public let values: [LegacyValue]
    /// Problems found while reading (text that was not valid UTF-8 and was repaired).
    public let warnings: [String]

    public init(table: String, rowid: Int64, columns: [String], values: [LegacyValue], warnings: [String] = []) {
        self.table = table
        self.rowid = rowid
        self.columns = columns
        self.values = values
        self.warnings = warnings
    }

    public subscript(column: String) -> LegacyValue {
        guard let index = columns.firstIndex(of: column) else { return .null }
        return values[index]
    }

    public func has(_ column: String) -> Bool { columns.contains(column) }

    /// The sha256 of the row's canonical form: columns sorted by name, each with its type and exact value.
    public var canonicalSHA256: String {
        var text = table + "\n"
        for index in columns.indices.sorted(by: { columns[$0] < columns[$1] }) {
            text += columns[index]
            text += "="
            values[index].canonical(into: &text)
            text += "\n"
        }
        return Array(text.utf8).sha256Hex
    }

    /// The whole row as a JSON object (column order kept), as quarantine stores it.
    public var jsonObject: String {
        var output = "{"
        for index in columns.indices {
            if index > 0 { output += "," }
            JSONText.appendString(columns[index], to: &output)
            output += ":"
            values[index].json(into: &output)
        }
        return output + "}"
    }
}
