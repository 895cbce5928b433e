import Foundation

extension String {
    /// Whether the text's UTF-8 holds `byte`, searched with `memchr` rather than byte by byte through the UTF-8 view:
    /// the import asks it of every text it reads (a NUL, a newline, a carriage return), summaries of kilobytes included.
    package func containsUTF8Byte(_ byte: UInt8) -> Bool {
        let found = utf8.withContiguousStorageIfAvailable { bytes in
            guard let base = bytes.baseAddress else { return false }
            return memchr(base, Int32(byte), bytes.count) != nil
        }
        return found ?? utf8.contains(byte)
    }
}
