import ArgumentParser
import Foundation
import Logging
import YTV2Store

struct DatabaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "db",
        abstract: "Manage the database: status, start, stop, migrate, backup, restore, audit verification.",
        subcommands: [Status.self, Start.self, Stop.self, Migrate.self, Backup.self, Restore.self, VerifyAudit.self, URL.self]
    )

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Say where the database is, whether it runs, and its schema version.")
        @Flag(help: "Print JSON instead of text.") var json = false
        @OptionGroup var global: GlobalOptions

        struct Report: Encodable {
            var mode: String
            var location: String
            var running: Bool
            var pid: Int?
            var port: Int?
            var data_directory: String?
            var system_user: String?
            var reachable: Bool
            /// Why the database could not be reached.
            var problem: String?
            var schema_version: Int?
            var pending_migrations: [String]?
            var videos: Int?
        }

        func run() async throws {
            let logger = try global.makeLogger("ytv2.db")
            let location = try databaseLocation()
            var report: Report
            var configuration: DatabaseConfiguration?
            switch location {
            case .url(let endpoints):
                // A server ytv2 does not manage runs as far as anyone here can tell when it answers.
                report = Report(mode: "url", location: location.summary, running: false, reachable: false)
                configuration = endpoints.primary
            case .privateCluster(let cluster):
                let status = try await cluster.status()
                report = Report(
                    mode: "private",
                    location: cluster.root.path,
                    running: status.running,
                    pid: status.pid,
                    port: status.port,
                    data_directory: status.dataDirectory,
                    system_user: status.systemUser,
                    reachable: false
                )
                configuration = status.running ? try cluster.configuration() : nil
            }
            if let configuration {
                let store = Store(configuration: configuration, logger: logger)
                do {
                    try await DatabaseProbe.check(configuration, logger: logger)
                    let (version, pending, videos) = try await store.withRunning { store in
                        let (version, pending) = try await SchemaMigrator(logger: logger).status(client: store.client)
                        return (version, pending, version > 0 ? try await ReportReader(store: store).videoCount() : 0)
                    }
                    report.reachable = true
                    if case .url = location { report.running = true }
                    report.schema_version = version
                    report.pending_migrations = pending
                    report.videos = videos
                } catch {
                    report.reachable = false
                    report.problem = (error as? StoreError)?.description ?? String(describing: error)
                }
            }
            // An unreachable database is exit status 2, as for every other command.
            let failed = configuration != nil && !report.reachable
            if json {
                try printJSON(report)
                if failed { throw ExitCode(ExitStatus.couldNotRun) }
                return
            }
            switch location {
            case .url: print("database: \(report.location) (from DATABASE_URL; nothing is started)")
            case .privateCluster:
                print("database: private PostgreSQL cluster in \(report.location)")
                if let data = report.data_directory { print("data:     \(data)") }
                if let port = report.port { print("address:  127.0.0.1:\(port)") }
                if let user = report.system_user { print("runs as:  \(user)") }
                print(
                    "server:   "
                        + (report.running
                            ? "running (pid \(report.pid.map(String.init) ?? "?"))"
                            : (report.port == nil ? "not initialized (ytv2 db start creates it)" : "stopped"))
                )
            }
            if let problem = report.problem {
                print("reachable: no")
                FileHandle.standardError.write(Data("error: \(problem)\n".utf8))
            } else if report.running {
                if report.reachable {
                    let pending = report.pending_migrations ?? []
                    print(
                        "schema:   version \(report.schema_version ?? 0)"
                            + (pending.isEmpty ? ", up to date" : ", pending: \(pending.joined(separator: ", "))")
                    )
                    print("videos:   \(report.videos ?? 0)")
                } else {
                    print("reachable: no")
                }
            }
            if failed { throw ExitCode(ExitStatus.couldNotRun) }
        }
    }

    struct Start: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Start (creating on first use) the private cluster and apply migrations.")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = try global.makeLogger("ytv2.db")
            let report = try await withStore(logger: logger, migrate: false) { try await $0.migrate() }
            print("database ready: \(try databaseLocation().summary), schema version \(report.schemaVersion)")
        }
    }

    struct Stop: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop the private cluster (does nothing with DATABASE_URL set).")
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            switch try databaseLocation() {
            case .url:
                print("DATABASE_URL is set: that server is not managed by ytv2, nothing stopped")
            case .privateCluster(let cluster):
                print(try await cluster.stop() ? "stopped the private cluster in \(cluster.root.path)" : "the private cluster is not running")
            }
        }
    }

    struct Migrate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Apply pending schema migrations (a no-op when up to date).")
        @Flag(help: "Print JSON instead of text.") var json = false
        @OptionGroup var global: GlobalOptions

        struct Output: Encodable {
            var applied: [String]
            var already_applied: Int
            var schema_version: Int
            var warning: String?
        }

        func run() async throws {
            let logger = try global.makeLogger("ytv2.db")
            let (report, warning) = try await withStore(logger: logger, migrate: false) { store in
                (try await store.migrate(), await store.poolerWarning())
            }
            if json {
                return try printJSON(
                    Output(applied: report.applied, already_applied: report.alreadyApplied, schema_version: report.schemaVersion, warning: warning)
                )
            }
            if let warning { print("warning: \(warning)") }
            if report.applied.isEmpty {
                print("schema up to date (version \(report.schemaVersion)); nothing to apply")
            } else {
                for file in report.applied { print("applied \(file)") }
                print("schema version \(report.schemaVersion)")
            }
        }
    }

    struct Backup: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write a pg_dump (custom format) and a manifest with its sha256 and per-table row counts into DIR."
        )
        @Argument(help: "Folder to write the backup into (created when missing).") var directory: String
        @Flag(help: "Print the manifest as JSON.") var json = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = try global.makeLogger("ytv2.db")
            let url = Foundation.URL(fileURLWithPath: directory)
            let manifest = try await withStore(logger: logger) { store in
                do {
                    return try await DatabaseBackup(logger: logger).backup(store: store, to: url)
                } catch let error as StoreError {
                    throw CLIError(error.description)
                }
            }
            if json { return try printJSON(manifest) }
            print("backup written to \(url.path): \(manifest.dumpBytes) bytes, sha256 \(manifest.dumpSHA256)")
            for (table, figures) in manifest.tables.sorted(by: { $0.key < $1.key }) {
                print("  \(table.padding(toLength: 18, withPad: " ", startingAt: 0)) \(figures.rows) rows")
            }
        }
    }

    struct Restore: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Restore a backup from DIR, replacing the database's content; verifies the checksum first and the row counts after."
        )
        @Argument(help: "Folder written by `ytv2 db backup`.") var directory: String
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = try global.makeLogger("ytv2.db")
            let url = Foundation.URL(fileURLWithPath: directory)
            do {
                let backup = DatabaseBackup(logger: logger)
                _ = try backup.verifiedManifest(in: url)
                let configuration = try await databaseLocation().connect(logger: logger).primary
                let manifest = try await backup.restore(from: url, into: configuration)
                let rows = manifest.tables.values.reduce(0) { $0 + $1.rows }
                print(
                    "restored \(url.path) (backup of \(ISO8601DateFormatter().string(from: manifest.createdAt))): \(manifest.tables.count) tables, \(rows) rows, all counts and checksums match"
                )
            } catch let error as StoreError {
                throw CLIError(error.description)
            }
        }
    }

    struct URL: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the connection URL, password included, for psql and other tools: psql \"$(ytv2 db url)\"."
        )
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = try global.makeLogger("ytv2.db")
            do {
                print(try await databaseLocation().connect(logger: logger).primary.url)
            } catch let error as StoreError {
                throw CLIError(error.description)
            }
        }
    }

    struct VerifyAudit: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify-audit",
            abstract: "Recompute the audit log's hash chain; exit 1 when an entry was altered or removed."
        )
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = try global.makeLogger("ytv2.db")
            let result = try await withStore(logger: logger) { try await AuditLog(store: $0).verifyChain() }
            if let broken = result.firstBroken {
                print("audit log BROKEN at entry \(broken.seq): \(broken.problem) (\(result.entries) entries)")
                throw ExitCode(ExitStatus.differences)
            }
            print("audit log intact: \(result.entries) entries, hash chain verified")
        }
    }
}
