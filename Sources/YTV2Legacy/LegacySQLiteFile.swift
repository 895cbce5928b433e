import Foundation
import GRDB
import YTV2Core

/// A legacy SQLite file opened read-only: the migration reads legacy data and never changes it.
///
/// GRDB is the SQLite library of the project: it links the system's libsqlite3 and exposes SQLite's online backup
/// API, which consistent snapshots of files that the legacy apps still write need.
package struct LegacySQLiteFile: Sendable {
    package let path: String
    let queue: DatabaseQueue

    package enum OpenError: Error, CustomStringConvertible {
        case missing(String)
        case notSQLite(String, underlying: String)

        package var description: String {
            switch self {
            case .missing(let path): "\(path) does not exist"
            case .notSQLite(let path, let underlying): "\(path) is not a readable SQLite database: \(underlying)"
            }
        }
    }

    /// Opens `path` read-only; a missing file is an error, never an empty new database.
    package init(path: String) throws {
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
    package func tables() throws -> [String] {
        try queue.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") }
    }

    /// The column names of `table`, as `PRAGMA table_info` reports them (older files lack later columns).
    package func columns(of table: String) throws -> [String] {
        try queue.read { db in try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]).map { $0["name"] } }
    }

    /// The rowids of `table` whose `column` equals `value` (the lookups of the shadow reads).
    package func rowids(of table: String, where column: String, equals value: String) throws -> [Int64] {
        try wrap(table: table) {
            try queue.read { try Int64.fetchAll($0, sql: "SELECT rowid FROM \(quoted(table)) WHERE \(quoted(column)) = ?", arguments: [value]) }
        }
    }

    /// `PRAGMA data_version`: changes whenever another connection (another process) has committed to the file since
    /// this one last looked, so a reader can keep what it read until then.
    package func dataVersion() throws -> Int {
        try queue.read { try Int.fetchOne($0, sql: "PRAGMA data_version") ?? 0 }
    }

    /// `PRAGMA integrity_check`: "ok", or the problems SQLite found.
    package func integrityCheck() throws -> [String] {
        try queue.read { try String.fetchAll($0, sql: "PRAGMA integrity_check") }
    }
}

/// A failure while reading a legacy file, naming the file, the table and the row when known.
package struct LegacyReadError: Error, CustomStringConvertible {
    package let file: String
    package let table: String?
    package let row: String?
    package let problem: String

    package init(file: String, table: String? = nil, row: String? = nil, problem: String) {
        self.file = file
        self.table = table
        self.row = row
        self.problem = problem
    }

    package var description: String {
        var location = file
        if let table { location += ", table \(table)" }
        if let row { location += ", row \(row)" }
        return "\(location): \(problem)"
    }
}

extension LegacySQLiteFile {
    /// Row count of `table`.
    package func rowCount(of table: String) throws -> Int {
        try wrap(table: table) { try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM \(quoted(table))") ?? 0 } }
    }

    /// Streams the rows of `table` (all columns, values exactly as stored) in rowid order, optionally only `rowids`.
    /// Text that is not valid UTF-8 is repaired and the row carries a warning.
    package func forEachRow(
        of table: String,
        columns wanted: [String]? = nil,
        rowids: [Int64]? = nil,
        _ body: (LegacyRow) throws -> Void
    ) throws {
        let all = try columns(of: table)
        guard !all.isEmpty else { throw LegacyReadError(file: path, table: table, problem: "the table does not exist") }
        let names = wanted.map { $0.filter(all.contains) } ?? all
        let selected = names.map { name -> String in
            let column = quoted(name)
            return "typeof(\(column)), CASE WHEN typeof(\(column)) = 'text' THEN CAST(\(column) AS BLOB) ELSE \(column) END"
        }
        var sql = "SELECT rowid" + (selected.isEmpty ? "" : ", " + selected.joined(separator: ", ")) + " FROM \(quoted(table))"
        if let rowids {
            if rowids.isEmpty { return }
            sql += " WHERE rowid IN (" + rowids.map(String.init).joined(separator: ",") + ")"
        }
        sql += " ORDER BY rowid"
        var currentRow: Int64?
        let layout = LegacyRowLayout(columns: names)
        do {
            try queue.read { db in
                let cursor = try Row.fetchCursor(db, sql: sql)
                while let row = try cursor.next() {
                    let rowid: Int64 = row[0]
                    currentRow = rowid
                    var values: [LegacyValue] = []
                    values.reserveCapacity(names.count)
                    var warnings: [String] = []
                    for (index, name) in names.enumerated() {
                        let type: String = row[1 + index * 2]
                        let stored = row[2 + index * 2] as DatabaseValue
                        values.append(Self.value(type: type, stored: stored, column: name, warnings: &warnings))
                    }
                    try body(LegacyRow(table: table, rowid: rowid, layout: layout, values: values, warnings: warnings))
                }
            }
        } catch let error as DatabaseError {
            throw LegacyReadError(file: path, table: table, row: currentRow.map { "rowid \($0)" }, problem: error.message ?? "\(error)")
        }
    }

    static func value(type: String, stored: DatabaseValue, column: String, warnings: inout [String]) -> LegacyValue {
        switch stored.storage {
        case .null: return .null
        case .int64(let value): return .integer(value)
        case .double(let value): return .real(value)
        case .string(let value): return .text(value)
        case .blob(let data):
            guard type == "text" else { return .blob(Array(data)) }
            // Validated straight from the fetched bytes: every text value of an import passes here.
            if let text = String(validating: data, as: UTF8.self) {
                guard text.containsUTF8Byte(0) else { return .text(text) }
                warnings.append("\(column): NUL characters replaced")
                return .text(text.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}"))
            }
            warnings.append("\(column): text was not valid UTF-8 and was repaired")
            return .text(String(decoding: data, as: UTF8.self).replacingOccurrences(of: "\u{0}", with: "\u{FFFD}"))
        }
    }

    /// Copies the file through SQLite's online backup API (a consistent copy, safe while the legacy app writes).
    package func backup(to destination: String) throws {
        do {
            let target = try DatabaseQueue(path: destination)
            try queue.backup(to: target)
            try target.close()
        } catch let error as DatabaseError {
            throw LegacyReadError(file: path, problem: "backup to \(destination) failed: \(error.message ?? "\(error)")")
        }
    }

    private func wrap<T>(table: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as DatabaseError {
            throw LegacyReadError(file: path, table: table, problem: error.message ?? "\(error)")
        }
    }
}

func quoted(_ identifier: String) -> String { "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\"" }
