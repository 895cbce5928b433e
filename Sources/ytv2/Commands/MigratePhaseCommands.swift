import ArgumentParser
import Foundation
import Logging
import YTV2Legacy
import YTV2Migration
import YTV2Store

/// `migrate status`, `migrate advance`, `migrate rollback`: the phases of the move, gated and audited.
extension MigrateCommand {
    /// Gate figures an operator may set per command.
    struct Thresholds: ParsableArguments {
        @Option(help: "Shadow consistency needed for Live, as a fraction.") var shadowConsistency = 0.999
        @Option(help: "Compared shadow reads needed for Live.") var minShadowReads = 1_000
        @Option(help: "Mirrored writes needed in the dual-write window before Shadow.") var minParityRecords = 1

        var gates: GateThresholds {
            var thresholds = GateThresholds()
            thresholds.shadowConsistency = shadowConsistency
            thresholds.minimumShadowReads = minShadowReads
            thresholds.minimumParityRecords = minParityRecords
            return thresholds
        }
    }

    /// Who did it, for the audit log.
    static var operatorName: String {
        "operator:" + (ProcessInfo.processInfo.environment["USER"] ?? NSUserName())
    }

    struct Status: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Where the migration stands: the phase, since when, what the next gate needs, the way back."
        )
        @OptionGroup var thresholds: Thresholds
        @Flag(help: "Print JSON instead of text.") var json = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let status = try await withPhases(global, thresholds.gates) { try await $0.status() }
            if json { try printJSON(status) } else { printStatus(status) }
        }
    }

    struct Advance: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Move to the next phase when its gate passes; otherwise name each figure that falls short (exit 1)."
        )
        @OptionGroup var thresholds: Thresholds
        @Flag(help: "Print JSON instead of text.") var json = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let status = try await withPhases(global, thresholds.gates) { try await $0.advance(actor: MigrateCommand.operatorName) }
            try printTransition(status, "advanced to", json: json)
        }
    }

    struct Rollback: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Go back one phase at once (no gate). Complete cannot be rolled back."
        )
        @Option(help: "Why, for the audit log.") var reason: String?
        @Flag(help: "Print JSON instead of text.") var json = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let status = try await withPhases(global) { try await $0.rollback(actor: MigrateCommand.operatorName, reason: reason) }
            try printTransition(status, "rolled back to", json: json)
        }
    }

    struct Archive: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Phase Live: move the legacy files into an archive folder, read-only, with checksums (the gate of Complete)."
        )
        @Option(help: "The legacy dashboard SQLite file.") var dashboard: String?
        @Option(help: "The legacy NAS (processor) SQLite file.") var nas: String?
        @Option(help: "The folder of JSON reports.") var reports: String?
        @Option(help: "The folder of MP3 files.") var audio: String?
        @Option(help: "Where to create the archive folder (legacy-<time>).") var to: String
        @Flag(help: "Print JSON instead of text.") var json = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let items = [dashboard, nas, reports, audio].compactMap { $0 }.map { URL(fileURLWithPath: $0) }
            let parent = URL(fileURLWithPath: to)
            let record = try await withPhases(global) { phases in
                do {
                    return try await LegacyArchiver(phases: phases).archive(items, into: parent, actor: MigrateCommand.operatorName)
                } catch let problem as LegacyArchiver.Problem {
                    throw CLIError(problem.description)
                }
            }
            if json {
                try printJSON(record)
            } else {
                print("archived \(record.files.count) file(s) into \(record.folder) (read-only, checksums in \(LegacyArchiver.checksumFile))")
                print("next: `ytv2 migrate advance` to Complete")
            }
        }
    }

    struct ExportLegacy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export-legacy",
            abstract: "Write PostgreSQL back as a legacy dashboard SQLite file and verify it in reverse (the rollback drill of the Live gate)."
        )
        @Option(help: "The new legacy dashboard file (must not exist).") var out: String
        @Flag(help: "Print JSON instead of text.") var json = false
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = try global.makeLogger("ytv2.migrate")
            let report = try await withStore(logger: logger) { store in
                let report: LegacyExporter.Report
                do {
                    report = try await LegacyExporter(store: store).export(to: out, progress: .forTerminal())
                } catch let refused as LegacyWriteGuard.Refused {
                    throw CLIError(refused.description)
                } catch let error as LegacyReadError {
                    throw CLIError(error.description)
                }
                try await MigrationPhases(store: store).recordRollbackDrill(report, actor: MigrateCommand.operatorName)
                return report
            }
            if json {
                try printJSON(report)
            } else {
                print(
                    "exported \(report.videos) video(s) and \(report.summaries) summaries to \(report.file) in \(String(format: "%.1f", report.seconds)) s"
                )
                for difference in report.differences.prefix(50) { print("  - \(difference)") }
                print(
                    report.verified
                        ? "verified in reverse: the file migrates back to exactly what PostgreSQL holds"
                        : "NOT verified: \(report.differences.count) difference(s)"
                )
            }
            if !report.verified { throw ExitCode(ExitStatus.differences) }
        }
    }

    struct Mirror: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Phases DualWrite and Shadow: keep the legacy dashboard file in step with PostgreSQL (runs until stopped)."
        )
        @Option(help: "The legacy dashboard SQLite file the legacy dashboard serves.") var legacy: String
        @Option(help: "Seconds between retries of failed mirror writes.") var retrySeconds = 5
        @OptionGroup var global: GlobalOptions

        func run() async throws {
            let logger = try global.makeLogger("ytv2.mirror")
            try await withStore(logger: logger) { store in
                var mirror: LegacyMirror
                do {
                    mirror = try LegacyMirror(store: store, path: legacy, logger: logger)
                } catch let error as LegacySQLiteFile.OpenError {
                    throw CLIError(error.description)
                } catch let refused as LegacyWriteGuard.Refused {
                    throw CLIError(refused.description)
                }
                mirror.retryInterval = .seconds(max(1, retrySeconds))
                logger.notice("mirroring every change into \(legacy) while the phase is DualWrite or Shadow")
                try await runUntilStopped([mirror], logger: logger, maximumGrace: .seconds(10))
                logger.notice("mirror stopped")
            }
        }
    }

    struct Parity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Compare the legacy dashboard file with PostgreSQL row by row and explain every difference (exit 1 if any)."
        )
        @Option(help: "The legacy dashboard SQLite file.") var legacy: String
        @Flag(help: "Print JSON instead of text.") var json = false
        @OptionGroup var global: GlobalOptions

        struct Report: Encodable {
            var figures: ParityFigures
            var unresolvedMirrorFailures: [String]
            var differences: [String]
        }

        func run() async throws {
            let logger = try global.makeLogger("ytv2.migrate")
            let report = try await withStore(logger: logger) { store in
                let since = try await MigrationLedger(store: store).phaseRecord().since ?? .distantPast
                return Report(
                    figures: try await MigrationLedger(store: store).parityFigures(since: since),
                    unresolvedMirrorFailures: try await MigrationLedger(store: store).unresolvedMirrorFailures(),
                    differences: try await LegacyExporter(store: store).verify(legacy)
                )
            }
            if json {
                try printJSON(report)
            } else {
                let f = report.figures
                print(
                    "parity records this phase: \(f.records) (\(f.matches) match, \(f.explained) explained, \(f.mismatches) mismatch, \(f.unresolvedMirrorFailures) unresolved mirror failure(s))"
                )
                for id in report.unresolvedMirrorFailures { print("  mirror write pending for \(id) (retried by `ytv2 migrate mirror`)") }
                for difference in report.differences.prefix(200) { print("  - \(difference)") }
                print(report.differences.isEmpty ? "the legacy file and PostgreSQL agree row by row" : "\(report.differences.count) difference(s)")
            }
            if !report.differences.isEmpty || !report.unresolvedMirrorFailures.isEmpty { throw ExitCode(ExitStatus.differences) }
        }
    }

    /// A refused transition as the CLI's error line: a gate whose figures fall short is a finding (exit 1), any other
    /// refusal means the command could not do what was asked (exit 2).
    static func phaseErrors<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as PhaseError {
            if case .gateNotMet = error { throw CLIError(error.description, exitCode: ExitStatus.differences) }
            throw CLIError(error.description)
        }
    }
}

/// Runs `body` with the phases of the database the options name; a refused transition becomes the CLI's error line.
func withPhases<T: Sendable>(
    _ global: GlobalOptions,
    _ thresholds: GateThresholds = GateThresholds(),
    _ body: @escaping @Sendable (MigrationPhases) async throws -> T
) async throws -> T {
    let logger = try global.makeLogger("ytv2.migrate")
    return try await MigrateCommand.phaseErrors {
        try await withStore(logger: logger) { try await body(MigrationPhases(store: $0, thresholds: thresholds)) }
    }
}

func printTransition(_ status: MigrationStatus, _ verb: String, json: Bool) throws {
    if json { return try printJSON(status) }
    print("\(verb) \(status.phase.rawValue)")
    printStatus(status)
}

func printStatus(_ status: MigrationStatus) {
    let since = status.since.map { " since \($0.formatted(.iso8601))" + (status.by.map { " (by \($0))" } ?? "") } ?? ""
    print("phase: \(status.phase.rawValue)\(since)")
    if let parity = status.parity {
        print(
            "parity: \(parity.records) mirrored write(s): \(parity.matches) match, \(parity.explained) explained, \(parity.mismatches) unexplained mismatch(es), \(parity.unresolvedMirrorFailures) unresolved mirror failure(s)"
        )
    }
    if let shadow = status.shadow {
        print(
            String(
                format: "shadow reads: %d compared, %.2f %% consistent; control p50 %.1f ms p99 %.1f ms; candidate p50 %.1f ms p99 %.1f ms",
                shadow.compared,
                shadow.consistency * 100,
                shadow.controlP50,
                shadow.controlP99,
                shadow.candidateP50,
                shadow.candidateP99
            )
        )
    }
    if let next = status.next {
        print("next: \(next.rawValue) — gate \(status.gatePassed ? "passes: `ytv2 migrate advance`" : "not met")")
        for check in status.gate {
            print("  \(check.passed ? "ok  " : "FAIL") \(check.name): needs \(check.requirement), has \(check.actual)")
        }
    } else {
        print("next: none (the migration is complete)")
    }
    print("rollback: " + (status.rollbackTo.map { "`ytv2 migrate rollback` returns to \($0.rawValue)" } ?? "none"))
}
