import Foundation
import YTV2Store

#if canImport(Glibc)
import Glibc
#endif

/// A real PgBouncer (Debian's `pgbouncer`) in transaction mode in front of a test server, started for one test and
/// stopped by ``stop()``: what a deployment with many dashboard replicas puts between them and PostgreSQL.
package final class PgBouncer: Sendable {
    package let port: Int
    let process: Process
    let folder: URL
    let server: DatabaseConfiguration

    /// Where the binary is; nil when PgBouncer is not installed (`scripts/setup --test` installs it).
    package static var binary: String? {
        ["/usr/sbin/pgbouncer", "/usr/bin/pgbouncer"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Starts PgBouncer in front of `server` (any database on it) and waits until it accepts connections.
    package static func start(in front: DatabaseConfiguration, poolMode: String = "transaction") async throws -> PgBouncer {
        guard let binary else { throw StoreError.unavailable("pgbouncer is not installed; run scripts/setup --test") }
        let folder = URL(fileURLWithPath: "/tmp/ytv2-pgbouncer-\(getpid())-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        try FileManager.default.setAttributes([.posixPermissions: 0o777], ofItemAtPath: folder.path)
        let port = try freePort()
        // Clients are trusted on loopback; PgBouncer logs in to the server with the password of the user list.
        let users = "\"\(front.username)\" \"\(front.password ?? "")\"\n"
        let ini = """
            [databases]
            * = host=\(front.host) port=\(front.port)

            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = \(port)
            unix_socket_dir =
            auth_type = trust
            auth_file = \(folder.path)/users.txt
            pool_mode = \(poolMode)
            max_client_conn = 1000
            default_pool_size = 20
            ignore_startup_parameters = extra_float_digits,options
            server_reset_query =
            logfile = \(folder.path)/pgbouncer.log
            pidfile = \(folder.path)/pgbouncer.pid

            """
        for (name, text) in [("users.txt", users), ("pgbouncer.ini", ini)] {
            let path = folder.appendingPathComponent(name).path
            try text.write(toFile: path, atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path)
        }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        // PgBouncer refuses to run as root: as root it switches to the cluster's unprivileged user.
        process.arguments = (geteuid() == 0 ? ["-u", LocalCluster.systemUserName] : []) + [folder.appendingPathComponent("pgbouncer.ini").path]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        TestProcesses.register(process.processIdentifier)
        let bouncer = PgBouncer(port: port, process: process, folder: folder, server: front)
        for _ in 0..<100 {
            if !Self.portIsFree(port) { return bouncer }
            try await Task.sleep(for: .milliseconds(50))
        }
        bouncer.stop()
        throw StoreError.unavailable("pgbouncer did not start: \(bouncer.log)")
    }

    private init(port: Int, process: Process, folder: URL, server: DatabaseConfiguration) {
        self.port = port
        self.process = process
        self.folder = folder
        self.server = server
    }

    /// The same database, through PgBouncer.
    package func configuration(for database: DatabaseConfiguration) -> DatabaseConfiguration { database.onLoopback(port: port) }

    package var log: String { (try? String(contentsOf: folder.appendingPathComponent("pgbouncer.log"), encoding: .utf8)) ?? "" }

    package func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGINT) }
        for _ in 0..<100 where process.isRunning { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: folder)
    }

    static func freePort() throws -> Int {
        for _ in 0..<50 {
            let port = Int.random(in: 40_000..<60_000)
            if portIsFree(port) { return port }
        }
        throw StoreError.unavailable("no free port for pgbouncer")
    }

    /// Whether nothing listens on 127.0.0.1:`port`.
    static func portIsFree(_ port: Int) -> Bool {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketFD >= 0 else { return false }
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        return result != 0
    }
}

extension DatabaseConfiguration {
    /// The same database and credentials on another server of this machine (a pooler, a standby).
    package func onLoopback(port: Int) -> DatabaseConfiguration {
        var copy = self
        copy.host = "127.0.0.1"
        copy.port = port
        return copy
    }
}

/// Child processes of the test process (PgBouncer, standbys), killed when it exits even after a failed test.
package enum TestProcesses {
    private static let pids = LockedPIDs()

    package static func register(_ pid: Int32) {
        pids.insert(pid)
        _ = killAtExit
    }

    private static let killAtExit: Void = {
        atexit {
            for pid in TestProcesses.pids.all { kill(pid, SIGKILL) }
        }
    }()
}

private final class LockedPIDs: @unchecked Sendable {
    private let lock = NSLock()
    private var pids = Set<Int32>()
    func insert(_ pid: Int32) { lock.withLock { _ = pids.insert(pid) } }
    var all: Set<Int32> { lock.withLock { pids } }
}
