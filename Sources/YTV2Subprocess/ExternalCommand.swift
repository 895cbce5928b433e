import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs the helper programs YTV2 needs (initdb, pg_ctl, pg_dump, pg_restore, useradd, yt-dlp, espeak-ng, ffmpeg, lame)
/// through swift-subprocess: the caller waits without blocking a thread, standard output and standard error are
/// drained at the same time (a full error pipe never stalls a child), and every descriptor above standard error is
/// closed in the child, so a server that `pg_ctl start` leaves running holds none of ours.
package enum ExternalCommand {
    /// A helper that exited with a status it was not expected to, with the end of what it printed.
    package struct Failure: Error, CustomStringConvertible, Sendable {
        package let command: String
        package let status: Int32
        package let output: String

        package init(command: String, status: Int32, output: String) {
            self.command = command
            self.status = status
            self.output = output
        }

        package var description: String {
            let tail = output.split(separator: "\n").suffix(8).joined(separator: "\n")
            return "\(command) exited with status \(status)\(tail.isEmpty ? "" : ":\n\(tail)")"
        }
    }

    /// What a helper printed, and how it ended (128 + the signal for a killed one).
    package struct Result: Sendable {
        package let status: Int32
        package let standardOutput: [UInt8]
        package let standardError: String

        package var output: String { String(decoding: standardOutput, as: UTF8.self) }
    }

    /// The most a helper's standard output is collected to (yt-dlp's JSON of a long video stays far below).
    package static let outputLimit = 64 * 1024 * 1024

    /// Runs `executable` with `arguments` to its end, in `/` (a helper run as another user must not fail on our working
    /// directory), with the current environment plus `environment`. As root with `asUser` set, through `runuser`.
    /// Throws ``Failure`` for a status outside `allowedStatuses`, and for a helper still running after `timeout` (it is
    /// then stopped).
    @discardableResult
    package static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String] = [:],
        asUser user: String? = nil,
        input: [UInt8]? = nil,
        allowedStatuses: Set<Int32> = [0],
        timeout: Duration? = nil
    ) async throws -> Result {
        guard let timeout else {
            return try await runToEnd(executable, arguments, environment: environment, asUser: user, input: input, allowedStatuses: allowedStatuses)
        }
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                try await runToEnd(executable, arguments, environment: environment, asUser: user, input: input, allowedStatuses: allowedStatuses)
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            // Whichever ends first: the helper, or the time limit (cancelling the helper's task stops the helper).
            let first = try await group.next() ?? nil
            group.cancelAll()
            guard let first else {
                let name = URL(fileURLWithPath: executable).lastPathComponent
                throw Failure(command: name, status: -1, output: "did not finish within \(timeout.components.seconds) s and was stopped")
            }
            return first
        }
    }

    private static func runToEnd(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String],
        asUser user: String?,
        input: [UInt8]?,
        allowedStatuses: Set<Int32>
    ) async throws -> Result {
        var argv = [executable] + arguments
        if let user { argv = [try locate("runuser"), "-u", user, "--"] + argv }
        var overrides: [Environment.Key: String?] = [:]
        for (name, value) in environment { overrides[Environment.Key(stringLiteral: name)] = value }
        let configuration = Configuration(
            executable: .path(FilePath(argv[0])),
            arguments: Arguments(Array(argv.dropFirst())),
            environment: .inherit.updating(overrides),
            workingDirectory: FilePath("/")
        )
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let bytes: ExecutionResult<Void, BytesOutput, StringOutput<UTF8>>
        do {
            if let input {
                bytes = try await Subprocess.run(
                    configuration,
                    input: .array(input),
                    output: .bytes(limit: outputLimit),
                    error: .string(limit: 1 << 20)
                )
            } else {
                bytes = try await Subprocess.run(configuration, output: .bytes(limit: outputLimit), error: .string(limit: 1 << 20))
            }
        } catch {
            throw Failure(command: name, status: -1, output: "\(error)")
        }
        let status: Int32 =
            switch bytes.terminationStatus {
            case .exited(let code): code
            case .signaled(let signal): 128 + signal
            }
        let finished = Result(status: status, standardOutput: bytes.standardOutput, standardError: bytes.standardError)
        guard allowedStatuses.contains(status) else {
            throw Failure(command: name, status: status, output: finished.output + "\n" + finished.standardError)
        }
        return finished
    }

    /// This process's PATH.
    package static var searchPath: String { ProcessInfo.processInfo.environment["PATH"] ?? "" }

    /// The first executable `name` in the folders of `path` (a PATH-style list), or nil.
    package static func find(_ name: String, onPath path: String = searchPath) -> String? {
        path.split(separator: ":").lazy.map { $0 + "/" + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Finds a program on PATH (and the usual system folders, which a minimal PATH may lack).
    package static func locate(_ name: String, path: String? = nil) throws -> String {
        let folders = (path ?? searchPath) + ":/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
        guard let found = find(name, onPath: folders) else {
            throw Failure(command: name, status: 127, output: "\(name) was not found on PATH")
        }
        return found
    }
}
