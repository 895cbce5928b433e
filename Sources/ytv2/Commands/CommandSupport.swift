import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
// The signal names (`.sigterm`) live in UnixSignals, a module that comes with the ServiceLifecycle product.
import UnixSignals
import YTV2Core
import YTV2Migration
import YTV2Store

/// Logging and database options shared by the commands.
struct GlobalOptions: ParsableArguments {
    @Option(name: .long, help: "Log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = EnvironmentReader().string("LOG_LEVEL", default: "notice")

    func makeLogger(_ label: String) throws -> Logger {
        guard let level = Logger.Level(rawValue: logLevel.lowercased()) else {
            throw CLIError(
                "the log level \"\(logLevel.prefix(40))\" (--log-level, else LOG_LEVEL) is not one of trace, debug, info, notice, warning, error, critical"
            )
        }
        LoggingBootstrap.once
        var logger = Logger(label: label)
        logger.logLevel = level
        return logger
    }
}

enum LoggingBootstrap {
    /// Logs go to standard error so standard output stays clean for reports and JSON.
    static let once: Void = LoggingSystem.bootstrap { label in StreamLogHandler.standardError(label: label) }
}

/// Where the database is, from the environment; a malformed URL stops the command naming its variable.
func databaseLocation() throws -> DatabaseLocation {
    do { return try DatabaseLocation.fromEnvironment() } catch let error as StoreError { throw CLIError(error.description) }
}

/// A configuration error as the one line the user sees.
func checked<T>(_ read: () throws(ConfigurationError) -> T) throws -> T {
    do { return try read() } catch { throw CLIError(error.description) }
}

/// Connects to the database (starting the private cluster when needed), runs the pool for `body`, and prints
/// store errors as one clear line with a non-zero exit code. One connection is tried first, within
/// `DATABASE_CONNECT_TIMEOUT`: an unreachable database is then one line naming the endpoint, the cause and what to
/// check, with exit status 2, instead of the pool's patient retries.
func withStore<T: Sendable>(logger: Logger, migrate: Bool = true, _ body: @Sendable (Store) async throws -> T) async throws -> T {
    do {
        let endpoints = try await databaseLocation().connect(logger: logger)
        try await DatabaseProbe.check(endpoints.primary, logger: logger)
        let store = Store(endpoints: endpoints, logger: logger)
        return try await store.withRunning { store in
            if migrate { try await store.migrate() }
            // Once the migration is Complete, nothing in this process may write a legacy file.
            try? await MigrationPhases(store: store).sealLegacyWritesIfComplete()
            return try await body(store)
        }
    } catch let error as StoreError {
        throw CLIError(error.description)
    }
}

/// Runs long-lived services until SIGTERM or SIGINT, then stops them gracefully (in reverse order), escalating to
/// cancellation after `maximumGrace`: hosting platforms kill a process that has not stopped about 30 s after SIGTERM.
func runUntilStopped(_ services: [any Service], logger: Logger, maximumGrace: Duration) async throws {
    var configuration = ServiceGroupConfiguration(services: services, gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
    configuration.maximumGracefulShutdownDuration = maximumGrace
    try await ServiceGroup(configuration: configuration).run()
}

/// Runs `service` to its end; SIGTERM or SIGINT asks it to stop gracefully (its `Task.isShuttingDownGracefully` turns
/// true) instead of killing the process.
func runToCompletion(_ service: some Service, logger: Logger) async throws {
    let configuration = ServiceGroupConfiguration(
        services: [.init(service: service, successTerminationBehavior: .gracefullyShutdownGroup)],
        gracefulShutdownSignals: [.sigterm, .sigint],
        logger: logger
    )
    try await ServiceGroup(configuration: configuration).run()
}

/// A failure reported to the user as one line on standard error, with the exit status that tells a script what
/// happened (``ExitStatus``).
struct CLIError: Error, CustomStringConvertible {
    let description: String
    let exitCode: Int32

    init(_ description: String, exitCode: Int32 = ExitStatus.couldNotRun) {
        self.description = description
        self.exitCode = exitCode
    }
}

/// What `ytv2`'s exit status means, the same for every command (README, "Exit status").
enum ExitStatus {
    /// A check found something: `migrate verify`, `migrate parity` and `db verify-audit` differences, `doctor` failures,
    /// a phase gate whose figures fall short, a failed job of `process`.
    static let differences: Int32 = 1
    /// The command could not do its work: the database unreachable, a bad configuration value, an unreadable snapshot
    /// or legacy file; the reason is on standard error.
    static let couldNotRun: Int32 = 2
    /// Nothing failed for good, but something was left for later: a job of `process` queued for a retry (a rate limit,
    /// a network error). 75 is `EX_TEMPFAIL` of sysexits.h, which schedulers read as "try again".
    static let retryLater: Int32 = 75
}

/// Pretty, key-sorted JSON for `--json` output.
func printJSON(_ value: some Encodable) throws {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
    encoder.dateEncodingStrategy = .iso8601
    print(String(decoding: try encoder.encode(value), as: UTF8.self))
}
