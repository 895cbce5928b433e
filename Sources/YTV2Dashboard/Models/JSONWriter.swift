import NIOCore
import YTV2Core

/// Writes JSON field by field into an array of bytes, handed over as a response buffer at the end. List pages are the
/// dashboard's hottest answers: a generic encoder would spend more time on them than the database does, and a
/// `ByteBuffer` checks its storage on every write, so the marks and strings go into a plain array. The output is plain
/// compact JSON: strings escaped by ``JSONText`` (`/` is not escaped), whole doubles written without a fraction,
/// `null` for absent values.
struct JSONWriter {
    private var bytes: [UInt8]
    /// Per open object or array: whether the next member needs a comma before it.
    private var needsComma: [Bool] = []
    /// Set between a key and its value, so the value does not write a comma.
    private var pendingMember = false

    init(capacity: Int = 4_096) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    /// What was written, in a new buffer made for it (NIO rounds its capacity up to a power of two).
    var buffer: ByteBuffer { ByteBuffer(bytes: bytes) }

    /// What was written, in an array of its own no longer than it: for values kept in a cache, where a buffer's
    /// rounding up to a power of two costs room (24 MB held 12,300 list items in buffers, 14,800 in arrays).
    var keptBytes: [UInt8] {
        [UInt8](unsafeUninitializedCapacity: bytes.count) { buffer, count in
            count = buffer.initialize(fromContentsOf: bytes)
        }
    }

    private mutating func write(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    private mutating func separate() {
        if let last = needsComma.last {
            if last { bytes.append(UInt8(ascii: ",")) }
            needsComma[needsComma.count - 1] = true
        }
    }

    mutating func beginObject() {
        beforeValue()
        bytes.append(UInt8(ascii: "{"))
        needsComma.append(false)
    }

    mutating func endObject() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "}"))
    }

    mutating func beginArray() {
        beforeValue()
        bytes.append(UInt8(ascii: "["))
        needsComma.append(false)
    }

    mutating func endArray() {
        needsComma.removeLast()
        bytes.append(UInt8(ascii: "]"))
    }

    /// A member name; the value written next belongs to it.
    mutating func key(_ name: StaticString) {
        separate()
        bytes.append(UInt8(ascii: "\""))
        write(name)
        write("\":")
        pendingMember = true
    }

    /// A member name that is not known in advance (free analysis keys).
    mutating func key(_ name: String) {
        separate()
        writeString(name)
        bytes.append(UInt8(ascii: ":"))
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

    private mutating func writeString(_ text: String) { JSONText.appendString(text, to: &bytes) }

    mutating func integer(_ value: Int?) {
        beforeValue()
        guard let value else { return writeNull() }
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func number(_ value: Double?) {
        beforeValue()
        guard let value, value.isFinite else { return writeNull() }
        if value == value.rounded(), abs(value) < 1e15 {
            bytes.append(contentsOf: String(Int64(value)).utf8)
        } else {
            bytes.append(contentsOf: String(value).utf8)
        }
    }

    mutating func bool(_ value: Bool?) {
        beforeValue()
        guard let value else { return writeNull() }
        write(value ? "true" : "false")
    }

    /// A value encoded before (by another JSONWriter, ``keptBytes``), copied as it is.
    mutating func encoded(_ value: [UInt8]) {
        beforeValue()
        bytes.append(contentsOf: value)
    }

    mutating func null() {
        beforeValue()
        writeNull()
    }

    private mutating func writeNull() { write("null") }

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
