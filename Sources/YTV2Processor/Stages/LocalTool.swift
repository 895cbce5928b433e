import YTV2Subprocess

/// The local programs the processor may use (yt-dlp, espeak-ng, ffmpeg, lame), run the one way: to their end, their
/// standard output returned; a tool that fails or cannot start is an invalid response of its service, with the end
/// of what it printed.
enum LocalTool {
    static func run(_ tool: String, _ arguments: [String], service: String) async throws(ProcessorError) -> [UInt8] {
        do {
            return try await ExternalCommand.run(tool, arguments).standardOutput
        } catch let failure as ExternalCommand.Failure {
            throw .invalidResponse(service: service, problem: "exit \(failure.status): \(failure.output.suffix(300))")
        } catch {
            throw .invalidResponse(service: service, problem: "cannot run: \(error)")
        }
    }
}
