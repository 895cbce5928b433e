import ArgumentParser
import Foundation
import Logging
import YTV2Core
import YTV2Fixtures
import YTV2Legacy
import YTV2Migration
import YTV2Store

struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migrate",
        abstract: "Move the legacy SQLite files and JSON reports into PostgreSQL: snapshot, plan, import, verify, then the gated phases.",
        subcommands: [
            Snapshot.self, Plan.self, Import.self, Verify.self, Status.self, Advance.self, Rollback.self, Mirror.self, Parity.self, ExportLegacy.self,
            Archive.self,
        ]
    )

    /// The operator overrides shared by plan, import and verify.
    struct Overrides: ParsableArguments {
        @Option(
            name: .long,
            parsing: .upToNextOption,
            help: "Import these videos even where the rules would tombstone them (ids, yt: ids or legacy ids)."
        )
        var keep: [String] = []
        @Option(name: .long, parsing: .upToNextOption, help: "Do not import these videos; their rows are quarantined whole.")
        var drop: [String] = []
        @Option(name: .long, help: "Treat NAS and report rows at or before this time (ISO-8601) as deleted on the dashboard.")
        var deletedBefore: String?

        func options() throws -> PlanOptions {
            var date: Date?
            if let deletedBefore {
                guard let parsed = YTV2Core.Timestamp.parse(deletedBefore) else {
                    throw ValidationError("--deleted-before \"\(deletedBefore)\" is not a timestamp (use ISO-8601, e.g. 2025-06-01T00:00:00Z)")
                }
                date = parsed
            }
            return PlanOptions(keep: keep, drop: drop, deletedBefore: date)
        }
    }

    static func openSnapshot(_ path: String) throws -> MigrationSnapshot {
        do { return try MigrationSnapshot.open(URL(fileURLWithPath: path)) } catch { throw CLIError("\(error)") }
    }

    /// Runs `body`, turning legacy-data errors into one clear message and a non-zero exit.
    static func reportingErrors<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as UnreadableRowsError {
            throw CLIError(error.description)
        } catch let error as LegacyReadError {
            throw CLIError(error.description)
        } catch let error as LegacySQLiteFile.OpenError {
            throw CLIError(error.description)
        } catch let error as MigrationSnapshot.Problem {
            throw CLIError(error.description)
        } catch let error as LegacyRowError {
            throw CLIError(error.description)
        }
    }

    struct Snapshot: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Copy the legacy files consistently (SQLite online backup), check them, and record checksums and the baseline."
        )
        @Option(help: "The legacy dashboard SQLite file.") var dashboard: String
        @Option(help: "The legacy NAS (processor) SQLite file.") var nas: String?
        @Option(help: "The folder of JSON reports.") var reports: String?
        @Option(help: "The folder of MP3 files.") var audio: String?
        @Option(help: "The snapshot folder to create (must be empty).") var out: String
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let snapshot = try await reportingErrors {
                try MigrationSnapshot.create(
                    dashboard: dashboard,
                    nas: nas,
                    reports: reports,
                    audio: audio,
                    out: URL(fileURLWithPath: out),
                    progress: .forTerminal()
                )
            }
            if json { return try printJSON(snapshot.manifest) }
            let baseline = snapshot.manifest.baseline
            print("Snapshot \(snapshot.id.prefix(12)) in \(out): \(snapshot.manifest.files.count) files, integrity ok")
            for (file, tables) in baseline.rowsPerTable.sorted(by: { $0.key < $1.key }) {
                print("  \(file): " + tables.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
            }
            for (file, rows) in baseline.categorized.sorted(by: { $0.key < $1.key }) {
                print("  categorized in \(file): \(rows.count)")
            }
        }
    }

    struct Plan: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Dry run: apply the reconciliation rules to a snapshot and report every outcome. Writes nothing."
        )
        @Argument(help: "The snapshot folder.") var snapshot: String
        @Option(help: "Show every decision about one video (id, yt: id or legacy id).") var explain: String?
        @OptionGroup var overrides: Overrides
        @Flag(help: "Print JSON instead of text.") var json = false

        func run() async throws {
            let snapshot = try openSnapshot(snapshot)
            let planner = MigrationPlanner(snapshot: snapshot, options: try overrides.options())
            var explained: [VideoPlan] = []
            let summary = try await reportingErrors {
                try await planner.run(only: explain, progress: explain == nil ? .forTerminal() : .silent) { plans in
                    if explain != nil { explained += plans }
                }
            }
            if let explain {
                guard !explained.isEmpty else { throw CLIError("no row of the snapshot belongs to \(explain)") }
                if json { return try printJSON(explained.map { ["key": $0.key, "explanation": $0.explanation.joined(separator: "\n")] }) }
                for plan in explained { print(plan.explanation.joined(separator: "\n")) }
                return
            }
            if json { return try printJSON(summary) }
            printSummary(summary)
        }
    }

    struct Import: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Execute the plan into PostgreSQL in batches; idempotent and resumable after an interruption."
        )
        @Argument(help: "The snapshot folder.") var snapshot: String
        @OptionGroup var overrides: Overrides
        @Option(help: "Videos per transaction (two are written at once).") var batchSize = MigrationPlanner.defaultBatchSize
        @Flag(help: "Compare every row with the ledger even when this snapshot was already imported completely with the same options.")
        var recheck = false
        @Flag(help: "Print the JSON report instead of text.") var json = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = try global.makeLogger("ytv2.migrate")
            let snapshot = try openSnapshot(snapshot)
            var configured = MigrationPlanner(snapshot: snapshot, options: try overrides.options())
            configured.batchSize = max(1, batchSize)
            let planner = configured
            let report = try await reportingErrors {
                try await withStore(logger: logger) { store in
                    try await MigrationImporter(ledger: MigrationLedger(store: store), planner: planner).run(
                        recheck: recheck,
                        progress: .forTerminal()
                    )
                }
            }
            if json { return try printJSON(report) }
            if let at = report.alreadyImportedAt {
                print(
                    "Snapshot \(report.snapshot.prefix(12)) was imported completely with these options at \(at.formatted(.iso8601)), and no import has started since: nothing to do (--recheck compares every row with the ledger)."
                )
                return
            }
            printSummary(report.plan)
            print(
                "Import: \(report.changes) ledger entries written in \(report.batchesWritten) batches (\(report.videosUnchanged) videos already done)"
            )
            let written = report.written
            print(
                "  videos written \(written.videosWritten), revisions \(written.revisionsAdded), audio \(written.audioStored), tombstones \(written.tombstonesAdded), quarantined rows \(written.quarantined)"
            )
            if !written.deletedSinceImport.isEmpty {
                print("  deleted in YTV2 since an earlier import, left deleted: \(written.deletedSinceImport.count)")
            }
            print(String(format: "  %.1f s (%.0f source rows/s)", report.seconds, Double(report.plan.totalSourceRows) / max(report.seconds, 0.001)))
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the migration from the snapshot and compare with PostgreSQL; exit 0 only when everything matches."
        )
        @Argument(help: "The snapshot folder.") var snapshot: String
        @OptionGroup var overrides: Overrides
        @Flag(help: "Print JSON instead of text.") var json = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = try global.makeLogger("ytv2.migrate")
            let snapshot = try openSnapshot(snapshot)
            let report = try await reportingErrors {
                try await withStore(logger: logger) { store in
                    let phases = MigrationPhases(store: store)
                    var options = try overrides.options()
                    // Without overrides on the command line, verify with the ones the import used.
                    if options == PlanOptions(), let record = try await phases.record(ImportRecord.self, MigrationImporter.settingsKey)?.value,
                        record.snapshot == snapshot.id
                    {
                        options = record.options
                    }
                    let report = try await MigrationVerifier(store: store, planner: MigrationPlanner(snapshot: snapshot, options: options))
                        .run(progress: .forTerminal())
                    try await phases.recordVerify(report, actor: MigrateCommand.operatorName)  // the Imported gate reads it
                    return report
                }
            }
            if json {
                try printJSON(report)
            } else {
                for check in report.checks { print("\(check.passed ? "ok  " : "FAIL") \(check.name): \(check.detail)") }
                for difference in report.differences { print("  - \(difference)") }
                print(report.passed ? "verify passed" : "verify FAILED: \(report.differences.count) difference(s)")
            }
            if !report.passed { throw ExitCode(ExitStatus.differences) }
        }
    }
}

func printSummary(_ summary: PlanSummary) {
    print("Snapshot \(summary.snapshot.prefix(12)): \(summary.totalSourceRows) source rows")
    for (file, tables) in summary.sourceRows.sorted(by: { $0.key < $1.key }) {
        print("  \(file): " + tables.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
    }
    print("Dashboard high-water mark: \(summary.highWaterMark.map { $0.formatted(.iso8601) } ?? "none")")
    print(
        "Outcomes: " + LedgerEntry.Outcome.allCases.map { "\($0.rawValue) \(summary.outcomes[$0.rawValue] ?? 0)" }.joined(separator: ", ")
            + " (total \(summary.totalOutcomes))"
    )
    print(
        "Videos: \(summary.videosImported) imported (\(summary.categorizedVideos) categorized, \(summary.revisions) revisions, \(summary.audioFiles) with audio), \(summary.videosTombstoned) tombstoned, \(summary.groupsQuarantined) quarantined"
    )
    if summary.videosUnchanged > 0 {
        print(
            "  of these, \(summary.videosUnchanged) were in the ledger unchanged and not reconciled again (categorized, revisions, audio, conflicts and placeholders count the others)"
        )
    }
    for (reason, count) in summary.quarantineReasons.sorted(by: { $0.key < $1.key }) { print("  quarantined: \(reason): \(count)") }
    if summary.videosWithoutSummary > 0 {
        print("  without any summary in every source (imported as they are): \(summary.videosWithoutSummary)")
    }
    if !summary.placeholdersReplaced.isEmpty {
        print(
            "Placeholders replaced by a real value from another source: "
                + summary.placeholdersReplaced.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        )
        for example in summary.placeholderExamples { print("  e.g. \(example)") }
    }
    if !summary.conflictsPerField.isEmpty {
        print("Conflicts resolved: " + summary.conflictsPerField.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        for example in summary.conflictExamples { print("  e.g. \(example)") }
    }
    print("Rows with warnings: \(summary.rowsWithWarnings)")
}

struct FixturesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fixtures",
        abstract: "Generate test data.",
        subcommands: [Legacy.self]
    )

    struct Legacy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write realistic legacy dashboard and NAS files, reports and MP3s, with the divergence and quirks of the legacy era."
        )
        @Option(help: "Rows of the dashboard file.") var rows = 400
        @Option(help: "Random seed: the same seed writes the same files.") var seed: UInt64 = 1
        @Option(help: "The folder to write (dashboard.db, nas.db, reports/, audio/).") var out: String
        @Flag(help: "Real-shaped texts: summaries of 0.6 to 6.3 KB (3.7 KB on average), titles of about 44 characters.")
        var realistic = false
        @Flag(help: "Print what was generated as JSON.") var json = false
        @Flag(
            help:
                "MP3s to listen to (a demo): each video's title and summary spoken by espeak-ng, else a few seconds of tone. Without it they are a few silent frames."
        )
        var narrate = false

        func run() async throws {
            guard rows >= 0 else { throw ValidationError("--rows must not be negative") }
            let expectations = try await MigrateCommand.reportingErrors {
                try LegacyFixtures(rows: rows, seed: seed, realistic: realistic).write(to: URL(fileURLWithPath: out))
            }
            let narration = narrate ? try await FixturesNarration.narrate(URL(fileURLWithPath: out)) : nil
            if json { return try printJSON(expectations) }
            print(
                "Wrote \(out): dashboard \(expectations.dashboardRows) rows, NAS \(expectations.nasRows) rows, \(expectations.reports) reports, \(expectations.audioFiles) MP3s"
            )
            print(
                "  curated on the dashboard \(expectations.curated.count), deleted on the dashboard \(expectations.deletedOnDashboard.count), newer on the NAS \(expectations.newerOnNAS.count), to quarantine \(expectations.quarantined.count)"
            )
            print(
                "  without any summary \(expectations.withoutSummary.count), placeholders a report replaces \(expectations.placeholdersReplaced.count), "
                    + "placeholders kept \(expectations.placeholdersKept.count), report stems as legacy ids \(expectations.stemIDs.count)"
            )
            if let narration { print(narration.sentence) }
        }
    }
}
