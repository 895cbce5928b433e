import Foundation
import Testing
import YTV2TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A bad configuration value stops the command before it does anything: exit status 2 and one line naming the
/// variable (`PORT=abc ytv2 serve` must not serve on port 10000).
@Suite(.timeLimit(.minutes(2))) struct ConfigurationTests {
    /// Nothing listens there: a command that got past its configuration would fail on the database instead, with a
    /// message that names none of the variables below.
    static let unreachable = "postgres://ytv2@127.0.0.1:1/ytv2?sslmode=disable"

    static let badValues: [(command: [String], variable: String, value: String)] = [
        (["serve"], "PORT", "abc"),
        (["serve"], "PORT", "70000"),
        (["serve"], "YTV2_RESPONSE_CACHE_MB", "-1"),
        (["serve"], "YTV2_ITEM_CACHE_MB", "lots"),
        (["serve"], "YTV2_ORDER_CACHE_MB", "5000"),
        (["serve"], "YTV2_REPLICA_WAIT_MS", "soon"),
        (["serve"], "YTV2_SHADOW_SAMPLE_PERCENT", "150"),
        (["serve"], "LOG_LEVEL", "loud"),
        (["serve"], "DATABASE_URL", "postgres://ytv2@127.0.0.1:1/ytv2?sslmode=bogus"),
        (["serve"], "DATABASE_READ_URL", "mysql://replica/ytv2"),
        (["worker"], "LLM_BASE_URL", "ftp://models"),
        (["worker"], "TTS_LOCAL", "maybe"),
        (["bot"], "TELEGRAM_ALLOWED_USERS", "12345,alice"),
        (["migrate", "status"], "DATABASE_URL", "mysql://x"),
    ]

    @Test(arguments: badValues.indices)
    func aBadValueIsRefusedByName(_ index: Int) async throws {
        let (command, variable, value) = Self.badValues[index]
        let home = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-config-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: home) }
        var environment = ["DATABASE_URL": Self.unreachable, "YTV2_HOME": home.path, "LOG_LEVEL": "error", "PORT": "0"]
        environment[variable] = value
        let (status, _, message) = try await EndToEnd.run(command, environment: environment)
        #expect(status == 2, "\(command) with \(variable)=\(value): exit \(status)")
        #expect(message.contains("error: ") && message.contains(variable), "\(command) with \(variable)=\(value): \(message)")
        #expect(!message.contains("database unavailable"), "refused only when it reached the database: \(message)")
    }

    /// An empty value counts as unset: the defaults apply and `serve` goes on to wait for the (unreachable) database;
    /// SIGTERM during that wait ends it at once, quietly, with status 0.
    @Test func anEmptyValueIsTheDefaultAndAStopWhileWaitingForTheDatabaseIsClean() async throws {
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-config-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errors) }
        let process = Process()
        process.executableURL = try YTV2Executable.url()
        process.arguments = ["serve"]
        var environment = ProcessInfo.processInfo.environment
        for (key, value) in ["DATABASE_URL": Self.unreachable, "LOG_LEVEL": "", "PORT": "", "YTV2_RESPONSE_CACHE_MB": ""] {
            environment[key] = value
        }
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        let started = ContinuousClock.now
        func log() -> String { (try? String(contentsOf: errors, encoding: .utf8)) ?? "" }
        while process.isRunning, !log().contains("database unavailable, retrying"), ContinuousClock.now - started < .seconds(30) {
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(process.isRunning, "serve stopped instead of waiting for the database: \(log())")
        kill(process.processIdentifier, SIGTERM)
        let sent = ContinuousClock.now
        while process.isRunning, ContinuousClock.now - sent < .seconds(10) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(!process.isRunning && process.terminationStatus == 0, "\(log())")
        #expect(ContinuousClock.now - sent < .seconds(2))
        #expect(log().contains("stopped before the database answered") && !log().contains("error:"), "\(log())")
    }

    /// Every way of asking for help prints the command's usage on standard output and exits 0, before any
    /// configuration is read (help must work on a machine with nothing set up).
    @Test(arguments: [
        (["--help"], ["USAGE: ytv2 <subcommand>", "serve", "migrate", "doctor"]),
        (["help"], ["USAGE: ytv2 <subcommand>", "fixtures"]),
        (["db", "--help"], ["USAGE: ytv2 db <subcommand>", "start", "url"]),
        (["help", "migrate"], ["USAGE: ytv2 migrate <subcommand>", "snapshot", "import", "verify"]),
        (["migrate", "import", "-h"], ["USAGE: ytv2 migrate import", "--recheck"]),
    ])
    func helpIsPrintedAndExitsZero(_ arguments: [String], expected: [String]) async throws {
        let environment = ["DATABASE_URL": "mysql://not-read", "PORT": "not-read"]
        let (status, output, message) = try await EndToEnd.run(arguments, environment: environment)
        #expect(status == 0, "ytv2 \(arguments.joined(separator: " ")): exit \(status): \(message)")
        #expect(message.isEmpty, "ytv2 \(arguments.joined(separator: " ")) wrote to standard error: \(message)")
        for text in expected { #expect(output.contains(text), "ytv2 \(arguments.joined(separator: " ")) lacks \(text): \(output)") }
    }
}
