import Foundation
import Logging
import PostgresNIO
import YTV2Core
import YTV2Subprocess

/// Row count and content checksum of one table, the figures a restore must reproduce.
package struct TableFigures: Codable, Sendable, Equatable {
    package var rows: Int
    /// md5 over the sorted md5s of every row's text form: independent of physical order.
    package var checksum: String
}

/// What `ytv2 db backup` writes next to the dump.
package struct BackupManifest: Codable, Sendable {
    package var createdAt: Date
    package var dumpFile: String
    package var dumpSHA256: String
    package var dumpBytes: Int
    package var schemaVersion: Int
    package var tables: [String: TableFigures]

    enum CodingKeys: String, CodingKey {
        case createdAt = "created_at"
        case dumpFile = "dump_file"
        case dumpSHA256 = "dump_sha256"
        case dumpBytes = "dump_bytes"
        case schemaVersion = "schema_version"
        case tables
    }
}

/// Backups with pg_dump's custom format and a manifest; restores that verify the checksum first and the figures after.
package struct DatabaseBackup: Sendable {
    package static let manifestName = "manifest.json"
    package static let dumpName = "ytv2.dump"
    /// Every table of the schema, in a fixed order.
    package static let tables = [
        "schema_migrations", "videos", "video_aliases", "summaries", "audio", "tombstones", "audit_log", "migration_ledger",
        "quarantine", "settings",
    ]

    let logger: Logger

    package init(logger: Logger) { self.logger = logger }

    /// Dumps the database into `directory` (created when missing) and writes the manifest.
    package func backup(store: Store, to directory: URL) async throws -> BackupManifest {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let dump = directory.appendingPathComponent(Self.dumpName)
        try await AuditLog(store: store).append(actor: "cli", action: "db.backup", details: ["directory": directory.path])
        let bin = try LocalCluster.binDirectory()
        do {
            // --serializable-deferrable: the dump is one consistent snapshot even while services write.
            try await ExternalCommand.run(
                bin + "/pg_dump",
                ["--format=custom", "--serializable-deferrable", "--no-owner", "--file", dump.path],
                environment: store.configuration.libpqEnvironment
            )
        } catch {
            throw StoreError.backup("pg_dump failed: \(error)")
        }
        let figures = try await Self.figures(store: store)
        let (sha, bytes) = try FileChecksum.sha256(of: dump)
        let manifest = BackupManifest(
            createdAt: Date(),
            dumpFile: Self.dumpName,
            dumpSHA256: sha,
            dumpBytes: bytes,
            schemaVersion: try await store.schemaVersion(),
            tables: figures
        )
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        try encoder.encode(manifest).write(to: directory.appendingPathComponent(Self.manifestName), options: .atomic)
        return manifest
    }

    /// Reads and checks a backup folder's manifest and dump checksum without touching any database.
    package func verifiedManifest(in directory: URL) throws -> BackupManifest {
        let manifestURL = directory.appendingPathComponent(Self.manifestName)
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        let manifest: BackupManifest
        do {
            manifest = try decoder.decode(BackupManifest.self, from: Data(contentsOf: manifestURL))
        } catch {
            throw StoreError.backup("\(manifestURL.path) is missing or malformed: \(error)")
        }
        let dump = directory.appendingPathComponent(manifest.dumpFile)
        guard FileManager.default.fileExists(atPath: dump.path) else { throw StoreError.backup("\(dump.path) is missing") }
        let (sha, _) = try FileChecksum.sha256(of: dump)
        guard sha == manifest.dumpSHA256 else {
            throw StoreError.backup(
                "\(dump.path) does not match the manifest's sha256 (\(manifest.dumpSHA256.prefix(12))… expected, \(sha.prefix(12))… found)"
            )
        }
        return manifest
    }

    /// Restores a verified backup into the configured database (created when missing; its current content is replaced),
    /// in one transaction, then checks every table's row count and checksum against the manifest.
    package func restore(from directory: URL, into configuration: DatabaseConfiguration) async throws -> BackupManifest {
        let manifest = try verifiedManifest(in: directory)
        try await configuration.createDatabaseIfMissing(logger: logger)
        let bin = try LocalCluster.binDirectory()
        var environment = configuration.libpqEnvironment
        // Lets the audit-log trigger keep the restored hash chain as it was.
        environment["PGOPTIONS"] = "-c ytv2.restoring=on"
        do {
            try await ExternalCommand.run(
                bin + "/pg_restore",
                [
                    "--clean", "--if-exists", "--no-owner", "--no-privileges", "--single-transaction", "--exit-on-error",
                    "--dbname", configuration.database, directory.appendingPathComponent(manifest.dumpFile).path,
                ],
                environment: environment
            )
        } catch {
            throw StoreError.backup("pg_restore failed: \(error)")
        }
        let store = Store(configuration: configuration, logger: logger)
        let figures = try await store.withRunning { try await Self.figures(store: $0) }
        var differences: [String] = []
        for (table, expected) in manifest.tables.sorted(by: { $0.key < $1.key }) {
            guard let actual = figures[table] else {
                differences.append("\(table): missing after restore")
                continue
            }
            if actual.rows != expected.rows {
                differences.append("\(table): \(actual.rows) rows, expected \(expected.rows)")
            } else if actual.checksum != expected.checksum {
                differences.append("\(table): content checksum differs")
            }
        }
        guard differences.isEmpty else {
            throw StoreError.backup("the restored database differs from the backup: " + differences.joined(separator: "; "))
        }
        return manifest
    }

    /// Row counts and checksums of every table.
    package static func figures(store: Store) async throws -> [String: TableFigures] {
        try await store.read { connection in
            var result: [String: TableFigures] = [:]
            for table in tables {
                // Table names come from the fixed list above, never from input.
                let rows = try await connection.query(
                    PostgresQuery(
                        unsafeSQL: """
                            SELECT count(*), coalesce(md5(string_agg(h, '' ORDER BY h)), '')
                            FROM (SELECT md5(t::text) AS h FROM \(table) t) rows
                            """
                    ),
                    logger: store.logger
                )
                for try await (count, checksum) in rows.decode((Int, String).self) {
                    result[table] = TableFigures(rows: count, checksum: checksum)
                }
            }
            return result
        }
    }
}

extension Store {
    /// The highest applied migration, 0 on an empty database.
    package func schemaVersion() async throws -> Int {
        try await read { [self] connection in
            let exists = try await connection.query("SELECT to_regclass('schema_migrations') IS NOT NULL", logger: logger)
            guard try await exists.first(Bool.self) ?? false else { return 0 }
            let rows = try await connection.query("SELECT coalesce(max(version), 0) FROM schema_migrations", logger: logger)
            return try await rows.first(Int.self) ?? 0
        }
    }
}
