/// Unicode scalars that never join a neighbour into one character (`Character`): ASCII (but for the CR of a CRLF),
/// Latin-1 and Latin Extended (below U+0300, where the combining marks start) and the general punctuation a summary
/// uses (U+2010–U+2027: dashes, quotes, `•`, `…`; U+2030–U+205E). Text made only of them has one character per
/// scalar, so rules stated on characters can be applied to its UTF-8 bytes, which is many times faster.
package enum SimpleScalar {
    /// The length in bytes of the scalar starting at `index` of valid UTF-8 `bytes` when it is simple, else nil.
    package static func length(at index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Int? {
        let lead = bytes[index]
        if lead < 0x80 { return 1 }
        // A two-byte sequence is below U+0800, and below U+0300 when its lead byte is below 0xCC.
        if lead < 0xCC { return 2 }
        // U+2000–U+207F is E2 80 80 – E2 81 BF.
        guard lead == 0xE2, index + 2 < bytes.count, bytes[index + 1] == 0x80 || bytes[index + 1] == 0x81 else { return nil }
        let scalar = 0x2000 + Int(bytes[index + 1] & 0x3F) << 6 + Int(bytes[index + 2] & 0x3F)
        return (0x2010...0x2027).contains(scalar) || (0x2030...0x205E).contains(scalar) ? 3 : nil
    }

    /// Whether every scalar of `range` of `bytes` is simple.
    package static func all(_ range: Range<Int>, of bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        var index = range.lowerBound
        while index < range.upperBound {
            guard let length = length(at: index, in: bytes) else { return false }
            index += length
        }
        return true
    }
}
