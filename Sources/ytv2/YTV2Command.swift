import ArgumentParser
import Foundation
import YTV2Core

@main
struct YTV2Command: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ytv2",
        abstract: "YouTube summaries on one PostgreSQL database: dashboard, processor and migration toolkit.",
        discussion:
            "Exit status: 0 done; 1 a check found differences (verify, parity, doctor, a phase gate); 2 the command could not do its work; 64 invalid usage.",
        version: YTV2Version.current,
        subcommands: [
            ServeCommand.self, ProcessCommand.self, WorkerCommand.self, BotCommand.self, DatabaseCommand.self, MigrateCommand.self,
            FixturesCommand.self, DoctorCommand.self,
        ]
    )

    /// Parses and runs the command; a failure to do the work exits with its own status (``ExitStatus``), so a script
    /// can tell "differences found" (1) from "could not run" (2).
    static func main() async {
        var command: any ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exit(withError: error)
        }
        do {
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as CLIError {
            FileHandle.standardError.write(Data("error: \(error.description)\n".utf8))
            Foundation.exit(error.exitCode)
        } catch let error as ExitCode {
            exit(withError: error)
        } catch let error as ValidationError {
            // A value refused while running: the usage shown is the subcommand's, not the top level's.
            let usage = usageString(for: type(of: command))
            let path = usage.split(separator: " ").prefix { !$0.hasPrefix("<") && !$0.hasPrefix("[") && !$0.hasPrefix("-") }.joined(separator: " ")
            FileHandle.standardError.write(Data("Error: \(error.message)\nUsage: \(usage)\n  See '\(path) --help' for more information.\n".utf8))
            Foundation.exit(ExitCode.validationFailure.rawValue)
        } catch let error where exitCode(for: error) == .success {
            // `--help` and `help <command>` parse as ArgumentParser's own help command, whose run throws the request.
            exit(withError: error)
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            Foundation.exit(ExitStatus.couldNotRun)
        }
    }
}
