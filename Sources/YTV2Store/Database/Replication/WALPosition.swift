/// A position in PostgreSQL's write-ahead log (`pg_lsn`, written `16/B374D848`): how far a server has written, or a
/// standby has replayed. Comparable, so "has the standby replayed this commit" is `replayed >= commit`.
package struct WALPosition: Sendable, Hashable, Comparable, CustomStringConvertible {
    package let value: UInt64

    package init(_ value: UInt64) { self.value = value }

    /// Parses the `X/Y` text form (two hexadecimal halves); nil for anything else.
    package init?(_ text: String) {
        let halves = text.split(separator: "/")
        guard halves.count == 2, halves.allSatisfy({ !$0.isEmpty && $0.count <= 8 }),
            let high = UInt64(halves[0], radix: 16), let low = UInt64(halves[1], radix: 16)
        else { return nil }
        value = high << 32 | low
    }

    package static let zero = WALPosition(0)

    package var description: String {
        String(value >> 32, radix: 16, uppercase: true) + "/" + String(value & 0xFFFF_FFFF, radix: 16, uppercase: true)
    }

    package static func < (lhs: WALPosition, rhs: WALPosition) -> Bool { lhs.value < rhs.value }

    /// Bytes of WAL from `other` to this position (0 when `other` is ahead).
    package func bytes(after other: WALPosition) -> UInt64 { value > other.value ? value - other.value : 0 }
}
