import Foundation
import YTV2Store
import YTV2Subprocess

#if canImport(Glibc)
import Glibc
#endif

/// A streaming hot standby of a private cluster, made the way an operator makes one: `pg_basebackup -R` from the
/// primary, then started on its own port. Replay can be paused (`pg_wal_replay_pause()`) to simulate lag, and the
/// standby stopped to simulate an outage.
package final class StreamingStandby: Sendable {
    package let port: Int
    let folder: URL
    let dataDirectory: String
    let systemUser: String?
    let bin: String

    /// Copies `primary` (running, reached with `configuration`) into a new standby and starts it.
    package static func start(from primary: DatabaseConfiguration) async throws -> StreamingStandby {
        let bin = try LocalCluster.binDirectory()
        let user: String? = geteuid() == 0 ? LocalCluster.systemUserName : nil
        let folder = URL(fileURLWithPath: "/tmp/ytv2-standby-\(getpid())-\(UUID().uuidString.prefix(6))")
        let data = folder.appendingPathComponent("data").path
        let sockets = folder.appendingPathComponent("run").path
        for directory in [folder.path, data, sockets] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try FileManager.default.setAttributes([.posixPermissions: directory == folder.path ? 0o755 : 0o700], ofItemAtPath: directory)
            if let user { try await TestCommand.run(["/bin/chown", "\(user):", directory]) }
        }
        try await TestCommand.run(
            [bin + "/pg_basebackup", "-h", primary.host, "-p", String(primary.port), "-U", primary.username, "-D", data, "-R", "-X", "stream"],
            environment: ["PGPASSWORD": primary.password ?? ""],
            asUser: user
        )
        let port = try PgBouncer.freePort()
        let options = "-p \(port) -c listen_addresses=127.0.0.1 -k \(sockets) -c hot_standby=on -c fsync=off -c max_connections=300"
        let log = folder.appendingPathComponent("standby.log").path
        guard FileManager.default.createFile(atPath: log, contents: nil) else { throw CocoaError(.fileWriteUnknown) }
        if let user { try await TestCommand.run(["/bin/chown", "\(user):", log]) }
        try await TestCommand.run([bin + "/pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "-t", "60", "start"], asUser: user)
        if let pid = try? String(contentsOfFile: data + "/postmaster.pid", encoding: .utf8).split(separator: "\n").first.flatMap({ Int32($0) }) {
            TestProcesses.register(pid)
        }
        return StreamingStandby(port: port, folder: folder, dataDirectory: data, systemUser: user, bin: bin)
    }

    private init(port: Int, folder: URL, dataDirectory: String, systemUser: String?, bin: String) {
        self.port = port
        self.folder = folder
        self.dataDirectory = dataDirectory
        self.systemUser = systemUser
        self.bin = bin
    }

    /// `database` on the standby (same credentials: the standby is a copy).
    package func configuration(for database: DatabaseConfiguration) -> DatabaseConfiguration { database.onLoopback(port: port) }

    package func stop() async {
        _ = try? await TestCommand.run([bin + "/pg_ctl", "-D", dataDirectory, "-m", "fast", "-w", "stop"], asUser: systemUser)
    }

    package func remove() async {
        await stop()
        try? FileManager.default.removeItem(at: folder)
    }
}

/// Runs a helper program to its end (through the project's ``ExternalCommand``, which leaves the child none of the test
/// process's descriptors: a server `pg_ctl start` leaves running must not hold them); throws with its output when it
/// fails. As root with `asUser`, through `runuser`.
package enum TestCommand {
    @discardableResult
    package static func run(_ argv: [String], environment: [String: String] = [:], asUser user: String? = nil) async throws -> String {
        try await ExternalCommand.run(argv[0], Array(argv.dropFirst()), environment: environment, asUser: user).output
    }
}
