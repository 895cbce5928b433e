import Crypto

extension Sequence where Element == UInt8 {
    /// Lower-case hex, two digits a byte: the form every checksum of the project is written in.
    package var hexEncoded: String {
        let bytes = Array(self)
        // Written straight into the string's storage: checksums are encoded for every source row of an import.
        return String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            for (index, byte) in bytes.enumerated() {
                buffer[2 * index] = hexDigit(byte >> 4)
                buffer[2 * index + 1] = hexDigit(byte & 0x0f)
            }
            return bytes.count * 2
        }
    }

    /// The sha256 of these bytes, as lower-case hex.
    package var sha256Hex: String { SHA256.hash(data: Array(self)).hexEncoded }
}

@inline(__always) private func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 0x30 + nibble : 0x57 + nibble }

extension Sequence where Element == UInt8 {
    /// The md5 of these bytes, as lower-case hex: only to compare texts with PostgreSQL's `md5()`, never for integrity.
    package var md5Hex: String { Insecure.MD5.hash(data: Array(self)).hexEncoded }
}
