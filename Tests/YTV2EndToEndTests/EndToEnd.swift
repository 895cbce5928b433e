import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import Synchronization
import Testing
import YTV2Core
import YTV2Store
import YTV2TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// Real `ytv2` processes (serve, worker, bot, migrate, process) against a real database and the local fakes, driven
/// only through HTTP and the command line, as users and operators do.
enum EndToEnd {
    static let adminToken = "e2e-admin-token"

    /// A drill's configured length: `variable` in seconds, else `fallback`.
    static func seconds(_ variable: String, default fallback: Int) -> Int {
        Int(ProcessInfo.processInfo.environment[variable] ?? "") ?? fallback
    }

    /// Each drill's time limit: its configured length plus `margin` minutes for setup and checks, so a hang fails the
    /// drill instead of holding CI until its own limit.
    static func timeLimit(running variable: String? = nil, default fallback: Int = 0, margin: Int) -> TimeLimitTrait {
        let running = variable.map { seconds($0, default: fallback) } ?? 0
        return .timeLimit(.minutes(margin + (running + 59) / 60))
    }

    /// A running `ytv2` process whose output goes to files (scanned for secrets at the end).
    final class Running: Sendable {
        let process: Process
        let log: URL

        init(_ arguments: [String], environment: [String: String], logFolder: URL) throws {
            process = Process()
            process.executableURL = try YTV2Executable.url()
            process.arguments = arguments
            var merged = ProcessInfo.processInfo.environment
            for (key, value) in environment { merged[key] = value }
            process.environment = merged
            log = logFolder.appendingPathComponent("\(arguments.first ?? "ytv2")-\(UUID().uuidString.prefix(6)).log")
            guard FileManager.default.createFile(atPath: log.path, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
            let handle = try FileHandle(forWritingTo: log)
            process.standardOutput = handle
            process.standardError = handle
            try process.run()
            _ = EndToEnd.leftovers.withLock { $0.insert(process.processIdentifier) }
            EndToEnd.killLeftoversAtExit
        }

        /// SIGTERM, then SIGKILL after 5 s; never blocks a thread while waiting.
        func stop() async {
            guard process.isRunning else { return }
            kill(process.processIdentifier, SIGTERM)
            for _ in 0..<100 where process.isRunning { try? await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            for _ in 0..<100 where process.isRunning { try? await Task.sleep(for: .milliseconds(20)) }
        }

        var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
    }

    /// Runs `ytv2 arguments` to the end; returns its standard output, failing the test on a non-zero exit.
    @discardableResult
    static func cli(_ arguments: [String], environment: [String: String]) async throws -> String {
        let (status, output, problems) = try await run(arguments, environment: environment)
        #expect(status == 0, "ytv2 \(arguments.joined(separator: " ")): \(problems)")
        return output
    }

    /// Runs `ytv2 arguments` to the end: exit status, standard output, standard error.
    /// Waits without blocking a thread: the fakes answer on the same cooperative thread pool.
    static func run(
        _ arguments: [String],
        environment: [String: String],
        executable: String? = nil,
        arguments executableArguments: [String]? = nil
    ) async throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = try executable.map { URL(fileURLWithPath: $0) } ?? YTV2Executable.url()
        process.arguments = executableArguments ?? arguments
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        process.environment = merged
        let folder = FileManager.default.temporaryDirectory
        let out = folder.appendingPathComponent("ytv2-e2e-out-\(UUID().uuidString)")
        let err = folder.appendingPathComponent("ytv2-e2e-err-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: out.path, contents: nil), FileManager.default.createFile(atPath: err.path, contents: nil)
        else { throw CocoaError(.fileWriteUnknown) }
        defer {
            try? FileManager.default.removeItem(at: out)
            try? FileManager.default.removeItem(at: err)
        }
        process.standardOutput = try FileHandle(forWritingTo: out)
        process.standardError = try FileHandle(forWritingTo: err)
        // A command that hangs is killed and named, instead of holding the test until its suite's time limit.
        let timedOut = Mutex(false)
        let watchdog = Task {
            try await Task.sleep(for: commandTimeLimit)
            timedOut.withLock { $0 = true }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        let status: Int32 = try await withCheckedThrowingContinuation { continuation in
            process.terminationHandler = { continuation.resume(returning: $0.terminationStatus) }
            do { try process.run() } catch { continuation.resume(throwing: error) }
        }
        watchdog.cancel()
        let errors = (try? String(contentsOf: err, encoding: .utf8)) ?? ""
        if timedOut.withLock({ $0 }) {
            throw CommandTimedOut(arguments: arguments, limit: commandTimeLimit, standardError: String(errors.suffix(2_000)))
        }
        return (status, (try? String(contentsOf: out, encoding: .utf8)) ?? "", errors)
    }

    /// The longest any `ytv2` command of the drills may run.
    static let commandTimeLimit: Duration = .seconds(300)

    struct CommandTimedOut: Error, CustomStringConvertible {
        let arguments: [String]
        let limit: Duration
        let standardError: String
        var description: String {
            "ytv2 \(arguments.joined(separator: " ")) still ran after \(limit) and was killed; its standard error: \(standardError)"
        }
    }

    static let ingestToken = "e2e-ingest-token"

    /// Generates legacy fixtures into `folder/legacy`, snapshots them into `folder/snapshot` (with the report and audio
    /// folders when asked) and imports them, all through the CLI as an operator would; returns the two paths.
    @discardableResult
    static func migrateFixtures(
        rows: Int,
        seed: Int,
        folder: URL,
        environment: [String: String],
        reports: Bool = false,
        audio: Bool = false,
        importing: Bool = true
    ) async throws -> (legacy: String, snapshot: String) {
        let legacy = folder.appendingPathComponent("legacy").path
        let snapshot = folder.appendingPathComponent("snapshot").path
        try await cli(["fixtures", "legacy", "--rows", String(rows), "--seed", String(seed), "--out", legacy], environment: environment)
        var arguments = ["migrate", "snapshot", "--dashboard", legacy + "/dashboard.db", "--nas", legacy + "/nas.db", "--out", snapshot]
        if reports { arguments += ["--reports", legacy + "/reports"] }
        if audio { arguments += ["--audio", legacy + "/audio"] }
        try await cli(arguments, environment: environment)
        if importing { try await cli(["migrate", "import", snapshot], environment: environment) }
        return (legacy, snapshot)
    }

    /// Waits until no job is queued or running (at most `timeout`); returns the latest `limit` jobs.
    static func drainedJobs(_ database: DatabaseConfiguration, limit: Int, timeout: Duration) async throws -> [Job] {
        let store = Store(configuration: database, logger: TestPostgres.logger)
        return try await store.withRunning { store in
            let deadline = ContinuousClock.now + timeout
            while true {
                let jobs = try await JobQueue(store: store).recent(limit: limit)
                if ContinuousClock.now > deadline || !jobs.contains(where: { $0.status == .queued || $0.status == .running }) { return jobs }
                try await Task.sleep(for: .milliseconds(100))
            }
        }
    }

    /// A report in the universal shape, as the processor sends it to `POST /ingest/report`.
    static func ingestBody(id: String, title: String, text: String) -> [UInt8] {
        let json: [String: Any] = [
            "id": "yt:\(id)", "content_source": "youtube", "title": title, "duration_seconds": 300,
            "source_metadata": ["youtube": ["video_id": id, "channel_name": "Drill Channel"]],
            "analysis": ["categories": [["category": "Technology", "subcategories": ["Web Development"]]], "language": "en"],
            "summary": [
                "summary_type": "comprehensive", "language": "en",
                "variants": [
                    ["variant": "comprehensive", "kind": "text", "text": text], ["variant": "key_points", "kind": "text", "text": "- one\n- two"],
                ],
            ],
        ]
        return Array(try! JSONSerialization.data(withJSONObject: json))
    }

    /// `POST /ingest/report` with the ingest token; returns the status.
    static func ingest(_ body: [UInt8], dashboard: String, client: HTTPClient = .shared) async throws -> Int {
        var request = HTTPClientRequest(url: dashboard + "/ingest/report")
        request.method = .POST
        request.headers.add(name: "X-INGEST-TOKEN", value: ingestToken)
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await client.execute(request, timeout: .seconds(30))
        _ = try await response.body.collect(upTo: 1 << 20)
        return Int(response.status.code)
    }

    /// A port nothing listens on now: the system picks a free one for a socket bound to port 0. (A random number could
    /// be a port another suite's server holds, and a request to that server may never be answered.)
    static func freePort() -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socket, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) } }
        guard bound == 0 else { return 20_000 + Int.random(in: 0..<10_000) }
        return Int(UInt16(bigEndian: address.sin_port))
    }

    /// GET/POST/DELETE against the dashboard; returns status and body.
    static func http(
        _ method: HTTPMethod,
        _ url: String,
        token: String? = nil,
        timeout: TimeAmount = .seconds(30)
    ) async throws -> (Int, [UInt8]) {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: 1 << 24)
        return (Int(response.status.code), Array(body.readableBytesView))
    }

    static func json(_ bytes: [UInt8]) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] ?? [:]
    }

    /// Waits up to 30 s in all for `/health` to answer 200 (each try may take 2 s).
    static func waitForHealth(_ base: String) async throws {
        let deadline = ContinuousClock.now + .seconds(30)
        while ContinuousClock.now < deadline {
            if let (status, _) = try? await http(.GET, base + "/health", timeout: .seconds(2)), status == 200 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        Issue.record("the dashboard at \(base) did not become healthy within 30 s")
    }

    /// The (category, subcategory) pairs of an API item.
    static func pairs(_ item: [String: Any]) -> Set<String> {
        let categories = (item["analysis"] as? [String: Any])?["categories"] as? [[String: Any]] ?? []
        var result = Set<String>()
        for entry in categories {
            let parent = entry["category"] as? String ?? ""
            for sub in entry["subcategories"] as? [String] ?? [] { result.insert("\(parent) / \(sub)") }
        }
        return result
    }

    /// Processes still running when the test process ends (a test that failed half-way) are killed then.
    static let leftovers = Mutex(Set<Int32>())
    static let killLeftoversAtExit: Void = {
        atexit {
            for pid in EndToEnd.leftovers.withLock({ $0 }) { kill(pid, SIGKILL) }
        }
    }()

    /// One line of the summary table (scenario, iterations, operations, failures, figures).
    static func report(_ scenario: String, iterations: Int, operations: Int, failures: Int, figures: String) {
        let line =
            "\(scenario.padding(toLength: 24, withPad: " ", startingAt: 0)) \(String(iterations).leftPad(10)) \(String(operations).leftPad(10)) \(String(failures).leftPad(8))  \(figures)"
        print("E2E | " + line)
        // scripts/test collects the lines of every test process and prints them as one table at the end.
        if let path = ProcessInfo.processInfo.environment["YTV2_E2E_REPORT"], let handle = FileHandle(forWritingAtPath: path) {
            handle.seekToEndOfFile()
            handle.write(Data((line + "\n").utf8))
            try? handle.close()
        }
    }
}

extension String {
    func leftPad(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
