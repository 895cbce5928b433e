import Foundation
import GRDB

/// The checks a legacy file must pass before anything is read from it: the tables the format requires exist, and
/// every declared column type is one SQLite's type affinity rules give a meaning to.
package enum LegacySchema {
    package enum Role: Sendable { case dashboard, nas }

    /// Tables the readers understand. Rows of other tables are kept (quarantined), never ignored.
    package static let knownTables: Set<String> = ["content", "content_summaries", "summary_variants", "content_files", "migration_log"]

    package static func check(_ file: LegacySQLiteFile, role: Role) throws {
        let tables = try file.tables()
        guard tables.contains("content") else {
            throw LegacyReadError(
                file: file.path,
                table: "content",
                problem: "the table is missing: not a legacy \(role == .dashboard ? "dashboard" : "NAS") file"
            )
        }
        guard try file.columns(of: "content").contains("id") else {
            throw LegacyReadError(file: file.path, table: "content", problem: "the id column is missing")
        }
        for table in tables where knownTables.contains(table) {
            for (column, type) in try file.columnTypes(of: table) where !isKnownType(type) {
                throw LegacyReadError(file: file.path, table: table, problem: "column \(column) has unknown type \"\(type)\"")
            }
        }
    }

    /// SQLite's affinity rules (section 3.1 of its datatype page), plus the names the legacy apps used.
    static func isKnownType(_ declared: String) -> Bool {
        let type = declared.uppercased()
        if type.isEmpty { return true }
        return ["INT", "CHAR", "CLOB", "TEXT", "BLOB", "REAL", "FLOA", "DOUB", "NUMERIC", "DECIMAL", "BOOL", "DATE", "TIME", "JSON"]
            .contains { type.contains($0) }
    }
}

extension LegacySQLiteFile {
    /// (column, declared type) of `table`.
    package func columnTypes(of table: String) throws -> [(String, String)] {
        try queue.read { db in
            try Row.fetchAll(db, sql: "SELECT name, type FROM pragma_table_info(?)", arguments: [table]).map { ($0["name"], $0["type"]) }
        }
    }
}
