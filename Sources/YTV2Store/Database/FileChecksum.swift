import Crypto
import Foundation
import YTV2Core

/// The sha256 and size of a file, read in 1 MiB chunks so that large dumps and snapshots never sit in memory.
/// Backups and migration snapshots record and check their files with it.
package enum FileChecksum {
    package static func sha256(of file: URL) throws -> (sha256: String, bytes: Int) {
        let handle = try FileHandle(forReadingFrom: file)
        defer { try? handle.close() }
        var hasher = SHA256()
        var total = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hasher.update(data: chunk)
            total += chunk.count
        }
        return (hasher.finalize().hexEncoded, total)
    }
}
