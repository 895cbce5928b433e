import Foundation
import Testing
import YTV2Store
import YTV2TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// What a person sees when something goes wrong, through the real binary: one line naming the problem and what to do,
/// the right exit status, quickly; nothing half-made left on disk.
@Suite(.timeLimit(.minutes(3))) struct FailurePathTests {
    /// Nothing listens on port 1.
    static let refused = "postgres://someone:secret@127.0.0.1:1/ytv2"

    @Test(arguments: [
        ["db", "status"], ["db", "migrate"], ["migrate", "status"], ["db", "verify-audit"], ["worker"], ["process", "dQw4w9WgXcQ"], ["doctor"],
    ])
    func anUnreachableDatabaseIsOneLineAndExitTwo(_ command: [String]) async throws {
        let environment = ["DATABASE_URL": Self.refused, "LOG_LEVEL": "error", "LLM_BASE_URL": "http://127.0.0.1:9/v1"]
        let (status, output, errors) = try await EndToEnd.run(command, environment: environment)
        let said = output + errors
        #expect(status == 2, "\(command): exit \(status): \(said)")
        #expect(said.contains("postgres://someone:***@127.0.0.1:1/ytv2"), "\(command): \(said)")
        #expect(said.contains("connection refused") && said.contains("check that PostgreSQL runs"), "\(command): \(said)")
        #expect(!said.contains("secret"))
    }

    @Test func dbStatusSaysWhyAsJSONToo() async throws {
        let (status, output, _) = try await EndToEnd.run(["db", "status", "--json"], environment: ["DATABASE_URL": Self.refused])
        #expect(status == 2)
        let report = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
        #expect(report["reachable"] as? Bool == false && report["running"] as? Bool == false)
        #expect((report["problem"] as? String)?.contains("connection refused") == true, "\(output)")
    }

    @Test func aTakenPortIsNamedWithTheFix() async throws {
        let database = try await TestPostgres.shared.makeDatabase()
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(listener) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) } }
        _ = listen(listener, 1)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(listener, $0, &length) } }
        let port = Int(UInt16(bigEndian: address.sin_port))
        let (status, _, errors) = try await EndToEnd.run(
            ["serve", "--port", String(port)],
            environment: ["DATABASE_URL": database.url, "LOG_LEVEL": "error"]
        )
        #expect(status == 2)
        #expect(errors.contains("port \(port) on 127.0.0.1 is already in use") && errors.contains("--port or PORT"), "\(errors)")
        #expect(!errors.contains("bind(descriptor"))
    }

    @Test(arguments: [
        (["process", "not-a-url"], ["Usage: ytv2 process", "invalid video id", "youtu.be"]),
        (["process", "--bogus"], ["Unknown option '--bogus'", "Usage: ytv2 process"]),
        (["process", "dQw4w9WgXcQ", "--variant", "audio-fr:expert"], ["beginner, intermediate, advanced", "Usage: ytv2 process"]),
        (["process", "dQw4w9WgXcQ", "--variant", "poem"], ["comprehensive, bullet-points", "Usage: ytv2 process"]),
        (["serve", "--port", "99999"], ["--port must be from 0 to 65535", "Usage: ytv2 serve"]),
    ])
    func usageErrorsShowTheSubcommandsUsageAndTheValidValues(_ arguments: [String], expected: [String]) async throws {
        let (status, _, errors) = try await EndToEnd.run(arguments, environment: ["DATABASE_URL": Self.refused])
        #expect(status == 64, "\(arguments): \(errors)")
        for text in expected { #expect(errors.contains(text), "\(arguments) lacks \(text): \(errors)") }
        #expect(!errors.contains("Usage: ytv2 <subcommand>"), "\(arguments): \(errors)")
    }

    @Test func aDryRunIsJSONWhenAskedListsEachVideoOnceAndNamesWhatWouldFail() async throws {
        let environment = ["DATABASE_URL": Self.refused, "LLM_BASE_URL": "https://api.openai.com/v1", "LLM_API_KEY": ""]
        let (status, output, _) = try await EndToEnd.run(
            ["process", "dQw4w9WgXcQ", "https://youtu.be/dQw4w9WgXcQ", "--dry-run", "--json"],
            environment: environment
        )
        #expect(status == 0)
        let plan = try JSONSerialization.jsonObject(with: Data(output.utf8)) as? [String: Any] ?? [:]
        #expect(plan["videos"] as? [String] == ["dQw4w9WgXcQ"])
        #expect((plan["problems"] as? [String])?.first?.contains("LLM_API_KEY") == true, "\(output)")
        // Run for real, it stops before it starts, saying why (the database is not even asked).
        let (runStatus, _, errors) = try await EndToEnd.run(["process", "dQw4w9WgXcQ"], environment: environment)
        #expect(runStatus == 2 && errors.contains("LLM_API_KEY is not set"), "\(errors)")
    }

    @Test func aFailedSnapshotLeavesNothingBehind() async throws {
        let parent = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-snapshot-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: parent) }
        let out = parent.appendingPathComponent("snapshot")
        let (status, _, errors) = try await EndToEnd.run(
            ["migrate", "snapshot", "--dashboard", "/nonexistent/dashboard.db", "--out", out.path],
            environment: [:]
        )
        #expect(status == 2, "\(errors)")
        #expect(!FileManager.default.fileExists(atPath: out.path))
        // An empty folder given stays, empty.
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let legacy = parent.appendingPathComponent("not-sqlite.db")
        try Data("this is not a database".utf8).write(to: legacy)
        let (again, _, _) = try await EndToEnd.run(["migrate", "snapshot", "--dashboard", legacy.path, "--out", out.path], environment: [:])
        #expect(again == 2)
        #expect(try FileManager.default.contentsOfDirectory(atPath: out.path).isEmpty)
    }

    @Test func doctorSaysWhatItDidNotCheckAndHow() async throws {
        let database = try await TestPostgres.shared.makeDatabase()
        let environment = ["DATABASE_URL": database.url, "LOG_LEVEL": "error"]
        try await EndToEnd.cli(["db", "migrate"], environment: environment)
        let (status, output, _) = try await EndToEnd.run(["doctor"], environment: environment)
        #expect(status == 0, "\(output)")
        #expect(output.contains("ok   schema current: version"))
        #expect(output.contains("skip retired sync routes answer 410: not checked: give --dashboard-url"), "\(output)")
        #expect(output.contains("skip YouTube, the LLM and speech: not checked: add --processor"), "\(output)")
        let (_, json, _) = try await EndToEnd.run(["doctor", "--json"], environment: environment)
        let checks = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
        #expect(checks.filter { $0["skipped"] as? Bool == true }.count == 2, "\(json)")
    }
}
