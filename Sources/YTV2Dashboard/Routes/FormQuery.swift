import Hummingbird

/// A query string read the way browsers write it (`application/x-www-form-urlencoded`, as forms and
/// `URLSearchParams` encode): `+` is a space, `%XX` a byte, and the decoded bytes must be UTF-8. A value holding a NUL
/// character, or bytes that are not UTF-8, is refused with a 400 naming the parameter: PostgreSQL cannot store or
/// compare such text, and no real filter value contains it.
struct FormQuery: Sendable {
    private(set) var pairs: [(name: String, value: String)] = []

    init(_ query: Substring?) throws(APIError) {
        guard let query, !query.isEmpty else { return }
        for part in query.split(separator: "&", omittingEmptySubsequences: true) {
            let equals = part.firstIndex(of: "=")
            let rawName = equals.map { part[..<$0] } ?? part
            let rawValue = equals.map { part[part.index(after: $0)...] } ?? ""
            guard let name = Self.decode(rawName) else {
                throw .badParameter(String(rawName.prefix(40)), "is not valid UTF-8 once decoded")
            }
            guard let value = Self.decode(rawValue) else { throw .badParameter(name, "is not valid UTF-8 once decoded") }
            if name.utf8.contains(0) || value.utf8.contains(0) { throw .badParameter(name, "must not contain a NUL character") }
            pairs.append((name, value))
        }
    }

    init(_ request: Request) throws(APIError) {
        try self.init(request.uri.query.map { Substring($0) })
    }

    /// The first value of `name`.
    func get(_ name: String) -> String? { pairs.first { $0.name == name }?.value }

    /// Every value of `name`, in order.
    func getAll(_ name: String) -> [String] { pairs.filter { $0.name == name }.map(\.value) }

    /// `+` as a space, then percent-decoding; nil when a `%` is not followed by two hex digits or the result is not UTF-8.
    static func decode(_ component: Substring) -> String? {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(component.utf8.count)
        var iterator = component.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"):
                bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else { return nil }
                bytes.append(high << 4 | low)
            default:
                bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
