import NIOCore
import YTV2Core

/// Writes JSON straight into a response buffer, field by field. List pages are the dashboard's hottest answers; a
/// generic encoder spent more time on them than the database did. The output is plain compact JSON: strings escaped as
/// JSON requires (`/` is not escaped), whole doubles written without a fraction, `null` for absent values.
struct JSONWriter {
    private(set) var buffer: ByteBuffer
    /// Per open object or array: whether the next member needs a comma before it.
    private var needsComma: [Bool] = []
    /// Set between a key and its value, so the value does not write a comma.
    private var pendingMember = false

    init(capacity: Int = 4_096) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    private mutating func separate() {
        if let last = needsComma.last {
            if last { buffer.writeInteger(UInt8(ascii: ",")) }
            needsComma[needsComma.count - 1] = true
        }
    }

    mutating func beginObject() {
        beforeValue()
        buffer.writeInteger(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    mutating func endObject() {
        needsComma.removeLast()
        buffer.writeInteger(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        beforeValue()
        buffer.writeInteger(UInt8(ascii: "["))
        needsComma.append(false)
    }

    mutating func endArray() {
        needsComma.removeLast()
        buffer.writeInteger(UInt8(ascii: "]"))
    }

    /// A member name; the value written next belongs to it.
    mutating func key(_ name: StaticString) {
        separate()
        buffer.writeInteger(UInt8(ascii: "\""))
        buffer.writeStaticString(name)
        buffer.writeStaticString("\":")
        pendingMember = true
    }

    /// A member name that is not known in advance (free analysis keys).
    mutating func key(_ name: String) {
        separate()
        writeString(name)
        buffer.writeInteger(UInt8(ascii: ":"))
        pendingMember = true
    }

    /// Before a value: a comma when it follows another item of an array (a member's comma came with its key).
    private mutating func beforeValue() {
        if pendingMember {
            pendingMember = false
        } else {
            separate()
        }
    }

    mutating func string(_ value: String?) {
        beforeValue()
        guard let value else { return writeNull() }
        writeString(value)
    }

    private mutating func writeString(_ text: String) {
        var value = text
        buffer.writeInteger(UInt8(ascii: "\""))
        value.withUTF8 { bytes in
            var start = 0
            for (index, byte) in bytes.enumerated() {
                let escape: StaticString?
                switch byte {
                case UInt8(ascii: "\""): escape = "\\\""
                case UInt8(ascii: "\\"): escape = "\\\\"
                case 0x0A: escape = "\\n"
                case 0x0D: escape = "\\r"
                case 0x09: escape = "\\t"
                case 0x00..<0x20: escape = nil
                default: continue
                }
                buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<index]))
                if let escape {
                    buffer.writeStaticString(escape)
                } else {
                    let hex = Self.hexDigits
                    buffer.writeBytes([UInt8(ascii: "\\"), UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
                start = index + 1
            }
            buffer.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(bytes)[start..<bytes.count]))
        }
        buffer.writeInteger(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    mutating func integer(_ value: Int?) {
        beforeValue()
        guard let value else { return writeNull() }
        buffer.writeString(String(value))
    }

    mutating func number(_ value: Double?) {
        beforeValue()
        guard let value, value.isFinite else { return writeNull() }
        if value == value.rounded(), abs(value) < 1e15 {
            buffer.writeString(String(Int64(value)))
        } else {
            buffer.writeString(String(value))
        }
    }

    mutating func bool(_ value: Bool?) {
        beforeValue()
        guard let value else { return writeNull() }
        buffer.writeStaticString(value ? "true" : "false")
    }

    /// A value encoded before (by another JSONWriter), copied as it is.
    mutating func encoded(_ value: ByteBuffer) {
        beforeValue()
        buffer.writeImmutableBuffer(value)
    }

    mutating func null() {
        beforeValue()
        writeNull()
    }

    private mutating func writeNull() { buffer.writeStaticString("null") }

    mutating func strings(_ values: [String]) {
        beginArray()
        for value in values { string(value) }
        endArray()
    }

    /// Any JSON value (free analysis keys, kept as they came).
    mutating func value(_ value: JSONValue) {
        switch value {
        case .null: null()
        case .bool(let flag): bool(flag)
        case .number(let number): self.number(number)
        case .string(let text): string(text)
        case .array(let items):
            beginArray()
            for item in items { self.value(item) }
            endArray()
        case .object(let members):
            beginObject()
            for (name, member) in members.sorted(by: { $0.key < $1.key }) {
                key(name)
                self.value(member)
            }
            endObject()
        }
    }
}
