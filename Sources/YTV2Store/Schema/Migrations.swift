import Crypto
import Foundation
import Logging
import PostgresNIO
import YTV2Core

/// One numbered SQL migration file (`0001_schema_v1.sql`).
package struct Migration: Sendable, Equatable {
    package let version: Int
    package let name: String
    package let sql: String
    /// sha256 of the file's bytes, recorded when applied; an applied file must never change.
    package let checksum: String

    package var fileName: String { String(format: "%04d", version) + "_" + name + ".sql" }
}

/// Applies the numbered SQL files in order, each in its own transaction under a transaction-scoped advisory lock.
package struct SchemaMigrator: Sendable {
    /// The migrations shipped with the package.
    package static var bundledDirectory: URL {
        guard let url = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            preconditionFailure("the packaged Migrations folder is missing")
        }
        return url
    }

    /// Taken by each migration's transaction, so two processes starting at once do not both apply a file.
    static let lockKey: (Int32, Int32) = (7_274_000, 1)

    package let migrations: [Migration]
    let logger: Logger

    package init(directory: URL = SchemaMigrator.bundledDirectory, logger: Logger) throws {
        self.migrations = try Self.load(from: directory)
        self.logger = logger
    }

    static func load(from directory: URL) throws -> [Migration] {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".sql") }.sorted()
        var seen = Set<Int>()
        return try names.map { fileName in
            let stem = fileName.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw StoreError.migration("migration file \(fileName) must be named NNNN_name.sql")
            }
            guard seen.insert(version).inserted else {
                throw StoreError.migration("two migration files share the number \(version)")
            }
            let data = try Data(contentsOf: directory.appendingPathComponent(fileName))
            guard let sql = String(data: data, encoding: .utf8) else {
                throw StoreError.migration("migration file \(fileName) is not UTF-8")
            }
            let checksum = data.sha256Hex
            return Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql, checksum: checksum)
        }.sorted { $0.version < $1.version }
    }

    package struct Report: Sendable, Equatable {
        package var applied: [String]
        package var alreadyApplied: Int
        package var schemaVersion: Int
    }

    /// Applies what is pending over `connection`, one file per transaction. Each transaction takes the migration lock
    /// (`pg_advisory_xact_lock`, held until that transaction ends) and reads the applied files again inside it, so
    /// two processes starting at once never both apply a file, and no lock outlives a transaction: the same code is
    /// correct on a direct session and through a transaction-mode pooler, which cannot keep a session lock. Re-running
    /// is a no-op; a changed, already-applied file is refused by name.
    @discardableResult
    package func migrate(on connection: PostgresConnection) async throws -> Report {
        try await mappingErrors {
            // The history table, created under the lock too (two first starts at once must not both create it), and what
            // it holds: on an up-to-date database this one transaction is all a start costs.
            let before = try await connection.withTransaction(logger: logger) { transaction in
                try await transaction.query("SELECT pg_advisory_xact_lock(\(Self.lockKey.0), \(Self.lockKey.1))", logger: logger)
                try await transaction.query(
                    """
                    CREATE TABLE IF NOT EXISTS schema_migrations (
                        version    integer PRIMARY KEY,
                        name       text        NOT NULL,
                        checksum   text        NOT NULL,
                        applied_at timestamptz NOT NULL DEFAULT now()
                    )
                    """,
                    logger: logger
                )
                return try await appliedMigrations(transaction)
            }
            try check(applied: before)
            var report = Report(applied: [], alreadyApplied: before.count, schemaVersion: before.keys.max() ?? 0)
            // Each pending file in a transaction of its own that looks again under the lock: another process may have
            // applied it meanwhile.
            for migration in migrations where before[migration.version] == nil {
                let appliedHere = try await connection.withTransaction(logger: logger) { transaction in
                    try await transaction.query("SELECT pg_advisory_xact_lock(\(Self.lockKey.0), \(Self.lockKey.1))", logger: logger)
                    let applied = try await appliedMigrations(transaction)
                    try check(applied: applied)
                    guard applied[migration.version] == nil else { return false }
                    logger.info("applying migration", metadata: ["file": "\(migration.fileName)"])
                    for statement in SQLScript.statements(in: migration.sql) {
                        try await transaction.query(PostgresQuery(unsafeSQL: statement), logger: logger)
                    }
                    try await transaction.query(
                        "INSERT INTO schema_migrations (version, name, checksum) VALUES (\(migration.version), \(migration.name), \(migration.checksum))",
                        logger: logger
                    )
                    return true
                }
                if appliedHere {
                    report.applied.append(migration.fileName)
                    report.schemaVersion = max(report.schemaVersion, migration.version)
                }
            }
            return report
        }
    }

    /// ``migrate(on:)`` over a connection of `client`'s pool (the migrations hold no session state, so any connection
    /// of the pool serves).
    @discardableResult
    package func migrate(client: PostgresClient) async throws -> Report {
        try await mappingErrors { try await client.withConnection { try await migrate(on: $0) } }
    }

    private func appliedMigrations(_ connection: PostgresConnection) async throws -> [Int: (name: String, checksum: String)] {
        var result: [Int: (name: String, checksum: String)] = [:]
        let rows = try await connection.query("SELECT version, name, checksum FROM schema_migrations", logger: logger)
        for try await (version, name, checksum) in rows.decode((Int, String, String).self) {
            result[version] = (name, checksum)
        }
        return result
    }

    /// An applied file must still be shipped unchanged.
    private func check(applied: [Int: (name: String, checksum: String)]) throws {
        for (version, record) in applied.sorted(by: { $0.key < $1.key }) {
            guard let shipped = migrations.first(where: { $0.version == version }) else {
                throw StoreError.migration(
                    "the database has migration \(version) (\(record.name)) applied, which this version of ytv2 does not ship; upgrade ytv2"
                )
            }
            guard shipped.checksum == record.checksum else {
                throw StoreError.migration(
                    "migration file \(shipped.fileName) was changed after it was applied (checksum \(record.checksum.prefix(12))… recorded, \(shipped.checksum.prefix(12))… shipped); add a new migration instead of editing an applied one"
                )
            }
        }
    }

    /// The highest applied version and the files still pending, without changing anything.
    package func status(client: PostgresClient) async throws -> (schemaVersion: Int, pending: [String]) {
        try await mappingErrors {
            let exists = try await client.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
            guard try await exists.first(Bool.self) ?? false else { return (0, migrations.map(\.fileName)) }
            let rows = try await client.query("SELECT version FROM schema_migrations", logger: logger)
            var versions = Set<Int>()
            for try await version in rows.decode(Int.self) { versions.insert(version) }
            return (versions.max() ?? 0, migrations.filter { !versions.contains($0.version) }.map(\.fileName))
        }
    }
}
