import Foundation
import GRDB
import Synchronization

/// The one door through which anything opens a legacy-format SQLite file for writing (the fixture generator today;
/// the dual-write mirror and the legacy export go through it too). Once the migration is Complete the process seals
/// it, and every attempt fails at once with the reason, instead of writing a file nobody reads any more.
package enum LegacyWriteGuard {
    package struct Refused: Error, CustomStringConvertible, Equatable {
        package let path: String
        package let reason: String
        package var description: String { "refusing to open \(path) for writing: \(reason)" }
    }

    private static let sealedReason = Mutex<String?>(nil)

    /// From now on this process opens no legacy file for writing.
    package static func seal(reason: String) { sealedReason.withLock { $0 = reason } }

    /// Why writes are refused, nil while they are allowed.
    package static var sealed: String? { sealedReason.withLock { $0 } }

    /// Opens (creating if needed) a legacy-format SQLite file for writing, unless the guard is sealed (or
    /// `sealedBecause` names a reason: a caller that learned the phase itself).
    package static func openForWriting(_ path: String, sealedBecause reason: String? = sealed) throws -> DatabaseQueue {
        if let reason { throw Refused(path: path, reason: reason) }
        return try DatabaseQueue(path: path)
    }
}
