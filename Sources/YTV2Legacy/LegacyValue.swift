import Crypto
import Foundation
import YTV2Core

/// One value as SQLite stored it. SQLite lets any column hold any type, so readers never assume one.
package enum LegacyValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    /// The value as text: text itself, numbers in decimal, a blob when it is valid UTF-8; nil for NULL.
    package var text: String? {
        switch self {
        case .null: nil
        case .integer(let value): String(value)
        case .real(let value): value == value.rounded() && abs(value) < 1e15 ? String(Int64(value)) : String(value)
        case .text(let value): value
        case .blob(let bytes): String(validating: bytes, as: UTF8.self)
        }
    }

    /// The value as text, with blanks (`""`, spaces) treated as missing.
    package var nonBlankText: String? {
        guard let text, text.utf8.contains(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) else { return nil }
        return text
    }

    /// Appends the canonical form of the value: a type byte, the byte length, the exact bytes (no escaping needed).
    func appendCanonical(to buffer: inout [UInt8]) {
        func append(_ tag: UInt8, _ bytes: some Collection<UInt8>) {
            buffer.append(tag)
            withUnsafeBytes(of: UInt64(bytes.count).littleEndian) { buffer.append(contentsOf: $0) }
            buffer.append(contentsOf: bytes)
        }
        switch self {
        case .null: append(0x4E, EmptyCollection())
        case .integer(let value): withUnsafeBytes(of: value.littleEndian) { append(0x49, $0) }
        case .real(let value): withUnsafeBytes(of: value.bitPattern.littleEndian) { append(0x52, $0) }
        case .text(let value): append(0x54, value.utf8)
        case .blob(let bytes): append(0x42, bytes)
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

/// Column names of a table and their positions, shared by all rows read from it.
package final class LegacyRowLayout: Sendable {
    package let columns: [String]
    let positions: [String: Int]
    /// Column positions in name order: the order of the canonical form.
    let canonicalOrder: [Int]
    let canonicalNames: [[UInt8]]

    package init(columns: [String]) {
        self.columns = columns
        var positions: [String: Int] = [:]
        for (index, name) in columns.enumerated() where positions[name] == nil { positions[name] = index }
        self.positions = positions
        canonicalOrder = columns.indices.sorted { columns[$0] < columns[$1] }
        canonicalNames = columns.map { Array($0.utf8) }
    }
}

/// One row of a legacy table, with the values exactly as stored.
package struct LegacyRow: Sendable {
    package let table: String
    package let rowid: Int64
    package let layout: LegacyRowLayout
    package let values: [LegacyValue]
    /// Problems found while reading (text that was not valid UTF-8 and was repaired).
    package let warnings: [String]

    package var columns: [String] { layout.columns }

    package init(table: String, rowid: Int64, layout: LegacyRowLayout, values: [LegacyValue], warnings: [String] = []) {
        self.table = table
        self.rowid = rowid
        self.layout = layout
        self.values = values
        self.warnings = warnings
    }

    package init(table: String, rowid: Int64, columns: [String], values: [LegacyValue], warnings: [String] = []) {
        self.init(table: table, rowid: rowid, layout: LegacyRowLayout(columns: columns), values: values, warnings: warnings)
    }

    package subscript(column: String) -> LegacyValue {
        guard let index = layout.positions[column] else { return .null }
        return values[index]
    }

    /// The sha256 of the row's canonical form: the table, then the columns sorted by name, each with its type and
    /// exact value (length-prefixed, so no value can be mistaken for another).
    package var canonicalSHA256: String {
        var buffer: [UInt8] = Array(table.utf8)
        buffer.reserveCapacity(1024)
        for index in layout.canonicalOrder {
            buffer.append(0)
            buffer.append(contentsOf: layout.canonicalNames[index])
            buffer.append(0)
            values[index].appendCanonical(to: &buffer)
        }
        return SHA256.hash(data: buffer).hexEncoded
    }

    /// The whole row as a JSON object (column order kept), as quarantine stores it.
    package var jsonObject: String {
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
