import Crypto

extension Sequence where Element == UInt8 {
    /// Lower-case hex, two digits a byte: the form every checksum of the project is written in.
    public var hexEncoded: String {
        let digits = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0f)])
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// The sha256 of these bytes, as lower-case hex.
    public var sha256Hex: String { SHA256.hash(data: Array(self)).hexEncoded }
}

extension Sequence where Element == UInt8 {
    /// The md5 of these bytes, as lower-case hex: only to compare texts with PostgreSQL's `md5()`, never for integrity.
    public var md5Hex: String { Insecure.MD5.hash(data: Array(self)).hexEncoded }
}
