/// Writes JSON string literals by hand: the legacy text can hold anything, and rows are serialized by the hundred
/// thousand, where a generic encoder would dominate the import's time.
package enum JSONText {
    /// Appends `value` as a JSON string literal (quotes included) to `bytes`: `"`, `\\` and control characters escaped,
    /// everything else (`/` and non-ASCII included) as it is. The one string escaper of the project: the import's batch
    /// rows and the dashboard's responses both write with it.
    package static func appendString(_ value: String, to bytes: inout [UInt8]) {
        bytes.append(0x22)
        var value = value
        value.withUTF8 { utf8 in
            // The runs between bytes that need escaping are copied whole (a summary has a newline every line or two).
            var run = 0
            for (index, byte) in utf8.enumerated() where byte < 0x20 || byte == 0x22 || byte == 0x5C {
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run..<index]))
                run = index + 1
                switch byte {
                case 0x22, 0x5C: bytes.append(contentsOf: [0x5C, byte])
                case 0x0A: bytes.append(contentsOf: [0x5C, 0x6E])
                case 0x0D: bytes.append(contentsOf: [0x5C, 0x72])
                case 0x09: bytes.append(contentsOf: [0x5C, 0x74])
                default: bytes.append(contentsOf: [0x5C, 0x75, 0x30, 0x30, hexDigits[Int(byte >> 4)], hexDigits[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[run...]))
        }
        bytes.append(0x22)
    }

    package static func appendString(_ value: String, to output: inout String) {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count + 2)
        appendString(value, to: &bytes)
        output += String(decoding: bytes, as: UTF8.self)
    }

    private static let hexDigits = Array("0123456789abcdef".utf8)

    package static func string(_ value: String) -> String {
        var output = ""
        appendString(value, to: &output)
        return output
    }
}

/// Writes one flat JSON object field by field, for the import's batch statements (hundreds of thousands of rows,
/// where Foundation's JSONEncoder would cost more than the database).
package struct JSONObjectWriter {
    package private(set) var text = "{"
    private var first = true

    package init() {}

    private mutating func key(_ name: String) {
        if !first { text += "," }
        first = false
        text += "\""
        text += name
        text += "\":"
    }

    package mutating func add(_ name: String, _ value: String?) {
        key(name)
        if let value { JSONText.appendString(value, to: &text) } else { text += "null" }
    }

    package mutating func add(_ name: String, _ value: Int?) {
        key(name)
        text += value.map(String.init) ?? "null"
    }

    package mutating func add(_ name: String, _ value: Double?) {
        key(name)
        text += value.flatMap { $0.isFinite ? String($0) : nil } ?? "null"
    }

    package mutating func add(_ name: String, _ value: Bool?) {
        key(name)
        text += value.map { $0 ? "true" : "false" } ?? "null"
    }

    /// A value that is already JSON text.
    package mutating func addRaw(_ name: String, _ json: String?) {
        key(name)
        text += json ?? "null"
    }

    package func finished() -> String { text + "}" }
}

extension Array where Element == String {
    /// `["a","b"]`.
    package var jsonArrayText: String {
        var text = "["
        for (index, item) in enumerated() {
            if index > 0 { text += "," }
            JSONText.appendString(item, to: &text)
        }
        return text + "]"
    }
}
