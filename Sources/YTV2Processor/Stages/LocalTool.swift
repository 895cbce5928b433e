import YTV2Subprocess

/// The local programs the processor may use (yt-dlp, espeak-ng, ffmpeg, lame), run the one way: to their end within a
/// time limit, their standard output returned; a tool that fails, hangs or cannot start is an invalid response of its
/// service, with the end of what it printed.
enum LocalTool {
    static func run(_ tool: String, _ arguments: [String], service: String, timeout: Duration = .seconds(300)) async throws(ProcessorError) -> [UInt8]
    {
        try await finish(tool, arguments, service: service, timeout: timeout, allowedStatuses: [0]).standardOutput
    }

    /// Runs the tool and returns how it ended whatever its exit status (yt-dlp exits 1 when one of several subtitle
    /// downloads failed, after writing the others).
    static func finish(
        _ tool: String,
        _ arguments: [String],
        service: String,
        timeout: Duration,
        allowedStatuses: Set<Int32> = Set(0...255)
    ) async throws(ProcessorError) -> ExternalCommand.Result {
        do {
            return try await ExternalCommand.run(tool, arguments, allowedStatuses: allowedStatuses, timeout: timeout)
        } catch let failure as ExternalCommand.Failure {
            throw .invalidResponse(
                service: service,
                problem: failure.status == -1 ? failure.output : "exit \(failure.status): \(failure.output.suffix(300))"
            )
        } catch {
            throw .invalidResponse(service: service, problem: "cannot run: \(error)")
        }
    }
}
