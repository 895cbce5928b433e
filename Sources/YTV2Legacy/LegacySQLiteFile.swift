import Foundation
import GRDB

/// A legacy SQLite file opened read-only: the migration reads legacy data and never changes it.
///
/// GRDB is the SQLite library of the project: it links the system's libsqlite3 and exposes SQLite's online backup
/// API, which consistent snapshots of files that the legacy apps still write need.
public struct LegacySQLiteFile: Sendable {
    public let path: String
    let queue: DatabaseQueue

    public enum OpenError: Error, CustomStringConvertible {
        case missing(String)
        case notSQLite(String, underlying: String)

        public var description: String {
            switch self {
            case .missing(let path): "\(path) does not exist"
            case .notSQLite(let path, let underlying): "\(path) is not a readable SQLite database: \(underlying)"
            }
        }
    }

    /// Opens `path` read-only; a missing file is an error, never an empty new database.
    public init(path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw OpenError.missing(path) }
        var configuration = Configuration()
        configuration.readonly = true
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            // Opening is lazy about the header: read the schema now so a non-SQLite file fails here.
            _ = try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM sqlite_master") }
        } catch {
            throw OpenError.notSQLite(path, underlying: String(describing: error))
        }
        self.path = path
    }

    /// The table names, sorted.
    public func tables() throws -> [String] {
        try queue.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") }
    }

    /// The column names of `table`, as `PRAGMA table_info` reports them (older files lack later columns).
    public func columns(of table: String) throws -> [String] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]).map { $0["name"] } }
    }

    /// `PRAGMA integrity_check`: "ok", or the problems SQLite found.
    public func integrityCheck() throws -> [String] {
        try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
    }
}
