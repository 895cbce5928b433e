import CYTV2Spawn
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Runs a helper program (initdb, pg_ctl, pg_dump, useradd) to completion and captures its output.
///
/// Spawned with posix_spawn and every descriptor above stderr closed in the child: `pg_ctl start` leaves a server
/// running, and a server that inherited one of our descriptors would keep a waiter (Foundation's `Process` on Linux)
/// from ever seeing the helper finish.
struct ExternalCommand {
    struct Failure: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let output: String
        var description: String {
            let tail = output.split(separator: "\n").suffix(8).joined(separator: "\n")
            return "\(command) exited with status \(status)\(tail.isEmpty ? "" : ":\n\(tail)")"
        }
    }

    /// Runs `executable` with `arguments`; with `user` set (as root), through `runuser -u user --`.
    @discardableResult
    static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        asUser user: String? = nil,
        allowedStatuses: Set<Int32> = [0]
    ) throws -> (status: Int32, output: String) {
        let argv: [String]
        if let user {
            argv = [try locate("runuser"), "-u", user, "--", executable] + arguments
        } else {
            argv = [executable] + arguments
        }
        let env = ProcessInfo.processInfo.environment.merging(environment) { $1 }.map { "\($0.key)=\($0.value)" }
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-cmd-\(UUID().uuidString).log").path
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        ytv2_spawn_file_actions_addclosefrom(&actions, 3)
        // A folder every user can enter: helpers run as another user must not fail on our working directory.
        ytv2_spawn_file_actions_addchdir(&actions, "/")

        var pid = pid_t()
        let cArguments = argv.map { strdup($0) } + [nil]
        let cEnvironment = env.map { strdup($0) } + [nil]
        defer {
            for argument in cArguments { free(argument) }
            for variable in cEnvironment { free(variable) }
        }
        let spawned = posix_spawn(&pid, argv[0], &actions, nil, cArguments, cEnvironment)
        guard spawned == 0 else {
            throw Failure(command: URL(fileURLWithPath: argv[0]).lastPathComponent, status: -1, output: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let exitStatus: Int32 = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        guard allowedStatuses.contains(exitStatus) else {
            throw Failure(command: URL(fileURLWithPath: executable).lastPathComponent, status: exitStatus, output: output)
        }
        return (exitStatus, output)
    }

    /// Finds a program on PATH (and the usual system folders, which a minimal PATH may lack).
    static func locate(_ name: String) throws -> String {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let folders = path.split(separator: ":").map(String.init) + ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"]
        for folder in folders {
            let candidate = folder + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw StoreError.unavailable("\(name) was not found on PATH")
    }
}
