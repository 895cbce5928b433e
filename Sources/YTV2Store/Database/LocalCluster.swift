import Crypto
import Foundation
import Logging
import PostgresNIO
import YTV2Core
import YTV2Subprocess

#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL cluster under a folder of the project (`.ytv2/` by default), for running with no
/// `DATABASE_URL`: initdb and pg_ctl from the installed PostgreSQL, loopback only, its own port and socket folder,
/// password authentication. As root, the server runs as the unprivileged system user `ytv2` (PostgreSQL refuses root),
/// which is created when missing.
package struct LocalCluster: Sendable {
    /// What `cluster.json` remembers between runs.
    struct State: Codable {
        var port: Int
        var superuser: String
        var password: String
        var database: String
        /// Where the data lives; under `root` unless the server's user cannot reach `root`.
        var dataDirectory: String
        var socketDirectory: String
        /// The system user the server runs as, when started by root.
        var systemUser: String?
        /// The server's log; beside the data when the data is not under `root`.
        var logFile: String?
    }

    package struct Status: Sendable {
        package var root: String
        package var initialized: Bool
        package var running: Bool
        package var dataDirectory: String?
        package var port: Int?
        package var pid: Int?
        package var systemUser: String?
        package var logFile: String
    }

    package let root: URL
    /// Test clusters trade durability for speed (no fsync); the default cluster keeps it.
    package let durable: Bool
    package static let systemUserName = "ytv2"

    package init(root: URL, durable: Bool = true) {
        self.root = root.standardizedFileURL
        self.durable = durable
    }

    /// `.ytv2/` in the current directory, or `YTV2_HOME` when set.
    package static func defaultRoot(_ environment: EnvironmentReader = EnvironmentReader()) -> URL {
        if let home = environment.string("YTV2_HOME") {
            return URL(fileURLWithPath: home)
        }
        return URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(".ytv2")
    }

    var stateFile: URL { root.appendingPathComponent("cluster.json") }
    var defaultLogFile: URL { root.appendingPathComponent("postgres.log") }
    static var isRoot: Bool { geteuid() == 0 }

    // MARK: Binaries

    /// The folder with initdb and pg_ctl: `YTV2_PG_BINDIR`, the newest `/usr/lib/postgresql/*/bin`, or PATH.
    package static func binDirectory() throws -> String {
        if let configured = EnvironmentReader().string("YTV2_PG_BINDIR") { return configured }
        let base = "/usr/lib/postgresql"
        let versions = ((try? FileManager.default.contentsOfDirectory(atPath: base)) ?? []).compactMap(Int.init).sorted()
        for version in versions.reversed() {
            let bin = "\(base)/\(version)/bin"
            if FileManager.default.isExecutableFile(atPath: bin + "/initdb") { return bin }
        }
        if let initdb = try? ExternalCommand.locate("initdb") {
            return URL(fileURLWithPath: initdb).resolvingSymlinksInPath().deletingLastPathComponent().path
        }
        throw StoreError.unavailable(
            "PostgreSQL is not installed (no initdb found). Run ./scripts/setup, or set DATABASE_URL to use an existing server"
        )
    }

    // MARK: Start, stop, status

    /// Initializes the cluster on first use, starts it when it is not running, creates the `ytv2` database,
    /// and returns how to connect. Calling it again while the server runs only reads the state.
    package func start(logger: Logger) async throws -> DatabaseConfiguration {
        let bin = try Self.binDirectory()
        var state: State
        if let existing = try loadState() { state = existing } else { state = try await initialize(bin: bin, logger: logger) }
        if try await !isRunning(state: state, bin: bin) {
            // Another server may take the port between our check and the bind: then move to a new port and retry.
            var attempt = 1
            while true {
                if !Self.portIsFree(state.port) {
                    state.port = try Self.freePort()
                    try saveState(state)
                }
                do {
                    try await startServer(state: state, bin: bin, logger: logger)
                    break
                } catch StoreError.unavailable(let message) where message.contains("already in use") && attempt < 5 {
                    attempt += 1
                    state.port = try Self.freePort()
                    try saveState(state)
                }
            }
        }
        let configuration = DatabaseConfiguration(
            host: "127.0.0.1",
            port: state.port,
            username: state.superuser,
            password: state.password,
            database: state.database,
            tlsMode: .disable
        )
        try await configuration.createDatabaseIfMissing(logger: logger)
        return configuration
    }

    /// Stops the server (fast mode: open sessions are ended, committed data is safe). Returns false when it was not running.
    @discardableResult
    package func stop(mode: String = "fast") async throws -> Bool {
        guard let state = try loadState() else { return false }
        let bin = try Self.binDirectory()
        guard try await isRunning(state: state, bin: bin) else { return false }
        try await ExternalCommand.run(bin + "/pg_ctl", ["-D", state.dataDirectory, "-m", mode, "-w", "-t", "60", "stop"], asUser: state.systemUser)
        return true
    }

    /// Stops the server at once without waiting (SIGQUIT to the postmaster: an immediate shutdown), for places that
    /// cannot wait, such as an `atexit` handler of a test process. Committed data is safe; the next start recovers.
    package func stopImmediately() {
        guard let state = try? loadState(), let pid = Self.postmasterPID(state) else { return }
        kill(pid, SIGQUIT)
    }

    package func status() async throws -> Status {
        guard let state = try loadState() else {
            return Status(
                root: root.path,
                initialized: false,
                running: false,
                dataDirectory: nil,
                port: nil,
                pid: nil,
                systemUser: nil,
                logFile: defaultLogFile.path
            )
        }
        let bin = try Self.binDirectory()
        let running = try await isRunning(state: state, bin: bin)
        let pid = running ? Self.postmasterPID(state).map(Int.init) : nil
        return Status(
            root: root.path,
            initialized: true,
            running: running,
            dataDirectory: state.dataDirectory,
            port: state.port,
            pid: pid,
            systemUser: state.systemUser,
            logFile: state.logFile ?? defaultLogFile.path
        )
    }

    /// The connection settings of an initialized cluster, without starting anything.
    package func configuration() throws -> DatabaseConfiguration? {
        try loadState().map {
            DatabaseConfiguration(
                host: "127.0.0.1",
                port: $0.port,
                username: $0.superuser,
                password: $0.password,
                database: $0.database,
                tlsMode: .disable
            )
        }
    }

    /// The server's process id, from the first line of `postmaster.pid` (nil when there is none).
    private static func postmasterPID(_ state: State) -> Int32? {
        let text = try? String(contentsOfFile: state.dataDirectory + "/postmaster.pid", encoding: .utf8)
        return text?.split(separator: "\n").first.flatMap { Int32($0) }
    }

    private func isRunning(state: State, bin: String) async throws -> Bool {
        guard FileManager.default.fileExists(atPath: state.dataDirectory + "/PG_VERSION") else { return false }
        let status = try await ExternalCommand.run(
            bin + "/pg_ctl",
            ["-D", state.dataDirectory, "status"],
            asUser: state.systemUser,
            allowedStatuses: [0, 3, 4]
        ).status
        return status == 0
    }

    private func startServer(state: State, bin: String, logger: Logger) async throws {
        var options = ["-c listen_addresses=127.0.0.1", "-p \(state.port)", "-k \(state.socketDirectory)"]
        if !durable {
            options += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off", "-c max_connections=300"]
        }
        logger.info("starting private PostgreSQL", metadata: ["data": "\(state.dataDirectory)", "port": "\(state.port)"])
        let logFile = URL(fileURLWithPath: state.logFile ?? defaultLogFile.path)
        if let user = state.systemUser { try await Self.prepareLogFile(logFile, owner: user) }
        do {
            try await ExternalCommand.run(
                bin + "/pg_ctl",
                ["-D", state.dataDirectory, "-l", logFile.path, "-w", "-t", "60", "-o", options.joined(separator: " "), "start"],
                asUser: state.systemUser
            )
        } catch {
            let log = (try? String(contentsOf: logFile, encoding: .utf8)).map { $0.split(separator: "\n").suffix(5).joined(separator: "\n") } ?? ""
            throw StoreError.unavailable("the private PostgreSQL did not start: \(error)\n\(log)")
        }
    }

    // MARK: Initialization

    private func initialize(bin: String, logger: Logger) async throws -> State {
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        var systemUser: String? = nil
        var dataDirectory = root.appendingPathComponent("data").path
        var socketDirectory = root.appendingPathComponent("run").path
        var logFile = defaultLogFile.path
        // Where initdb reads the password from: a folder the server's user can enter.
        var scratch = root
        if Self.isRoot {
            let user = try await Self.ensureSystemUser()
            systemUser = user
            // The server's user must be able to enter every folder above its data (not so under /root).
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.path)
            if await !Self.canEnter(root.path, as: user) {
                let digest = String(root.path.utf8.sha256Hex.prefix(12))
                let fallback = "/var/lib/ytv2/clusters/\(digest)"
                logger.notice("the server's user cannot enter \(root.path); keeping the data in \(fallback)")
                dataDirectory = fallback + "/data"
                socketDirectory = fallback + "/run"
                logFile = fallback + "/postgres.log"
                scratch = URL(fileURLWithPath: fallback)
                try FileManager.default.createDirectory(atPath: fallback, withIntermediateDirectories: true)
                try await Self.chown(user, "/var/lib/ytv2", recursive: true)
            }
        }
        // A Unix socket path is limited to 107 bytes.
        if socketDirectory.utf8.count > 80 {
            let digest = String(socketDirectory.utf8.sha256Hex.prefix(12))
            socketDirectory = "/tmp/ytv2-\(digest)"
        }
        // No cluster.json yet: a data folder left here is from an initialization that failed halfway; start over.
        try? FileManager.default.removeItem(atPath: dataDirectory)
        for directory in [dataDirectory, socketDirectory] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: directory)
            if let systemUser { try await Self.chown(systemUser, directory, recursive: false) }
        }

        let password = Self.randomPassword()
        let passwordFile = scratch.appendingPathComponent(".initdb-password")
        try password.write(to: passwordFile, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: passwordFile.path)
        if let systemUser { try await Self.chown(systemUser, passwordFile.path, recursive: false) }
        defer { try? FileManager.default.removeItem(at: passwordFile) }

        logger.info("initializing private PostgreSQL cluster", metadata: ["data": "\(dataDirectory)"])
        var arguments = [
            "-D", dataDirectory, "-U", "ytv2", "--pwfile", passwordFile.path, "--auth-local=scram-sha-256",
            "--auth-host=scram-sha-256", "-E", "UTF8",
        ]
        if !durable { arguments.append("--no-sync") }
        do {
            try await ExternalCommand.run(bin + "/initdb", arguments + ["--locale=C.UTF-8"], asUser: systemUser)
        } catch {
            // Machines without the C.UTF-8 locale: fall back to plain C.
            try? FileManager.default.removeItem(atPath: dataDirectory)
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: 0o700], ofItemAtPath: dataDirectory)
            if let systemUser { try await Self.chown(systemUser, dataDirectory, recursive: false) }
            try await ExternalCommand.run(bin + "/initdb", arguments + ["--no-locale"], asUser: systemUser)
        }
        let state = State(
            port: try Self.freePort(),
            superuser: "ytv2",
            password: password,
            database: "ytv2",
            dataDirectory: dataDirectory,
            socketDirectory: socketDirectory,
            systemUser: systemUser,
            logFile: logFile
        )
        try saveState(state)
        return state
    }

    private func loadState() throws -> State? {
        guard FileManager.default.fileExists(atPath: stateFile.path) else { return nil }
        do {
            return try JSONDecoder().decode(State.self, from: Data(contentsOf: stateFile))
        } catch {
            throw StoreError.unavailable("\(stateFile.path) is unreadable (\(error)); remove \(root.path) to start over")
        }
    }

    private func saveState(_ state: State) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try encoder.encode(state).write(to: stateFile, options: .atomic)
        // It holds the database password.
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: stateFile.path)
    }

    // MARK: System helpers

    static func ensureSystemUser() async throws -> String {
        let user = systemUserName
        if getpwnam(user) == nil {
            try await ExternalCommand.run(
                try ExternalCommand.locate("useradd"),
                ["--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", user]
            )
        }
        return user
    }

    static func canEnter(_ path: String, as user: String) async -> Bool {
        (try? await ExternalCommand.run("/usr/bin/test", ["-x", path, "-a", "-r", path], asUser: user)) != nil
    }

    static func chown(_ user: String, _ path: String, recursive: Bool) async throws {
        try await ExternalCommand.run(try ExternalCommand.locate("chown"), (recursive ? ["-R"] : []) + ["\(user):", path])
    }

    static func prepareLogFile(_ url: URL, owner: String) async throws {
        if !FileManager.default.fileExists(atPath: url.path) { _ = FileManager.default.createFile(atPath: url.path, contents: nil) }
        try await chown(owner, url.path, recursive: false)
    }

    static func randomPassword() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }.hexEncoded
    }

    /// Whether nothing listens on 127.0.0.1:`port`.
    static func portIsFree(_ port: Int) -> Bool {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        // As PostgreSQL does: connections of a stopped server lingering in TIME_WAIT do not make the port busy.
        var reuse: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result == 0
    }

    /// A free port in 54330...54999, from a random starting point so clusters started at once rarely collide.
    static func freePort() throws -> Int {
        let span = 670
        let start = Int.random(in: 0..<span)
        for offset in 0..<span {
            let port = 54330 + (start + offset) % span
            if portIsFree(port) { return port }
        }
        throw StoreError.unavailable("no free port in 54330...54999 for the private PostgreSQL")
    }
}
