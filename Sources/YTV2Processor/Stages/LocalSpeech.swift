import Foundation
import YTV2Core
import YTV2Store
import YTV2Subprocess

/// Speech without any service: `espeak-ng` speaks into a WAV file and `ffmpeg` (or `lame`) encodes it as MP3.
/// Used when no speech API is configured and the tools are installed (Debian packages espeak-ng, ffmpeg or lame).
package struct LocalSpeech: SpeechSynthesizer {
    package let espeak: String
    package let encoder: String

    package var name: String { "espeak-ng + \((encoder as NSString).lastPathComponent)" }

    /// The local synthesizer when espeak-ng and an encoder are on the PATH, else nil.
    package static func available(path: String = ExternalCommand.searchPath) -> LocalSpeech? {
        func find(_ tool: String) -> String? { ExternalCommand.find(tool, onPath: path) }
        guard let espeak = find("espeak-ng"), let encoder = findEncoder(path: path) else { return nil }
        return LocalSpeech(espeak: espeak, encoder: encoder)
    }

    package func speak(_ text: String, language: String?) async throws(ProcessorError) -> AudioDraft {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-speech-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let input = folder.appendingPathComponent("text.txt")
        let wav = folder.appendingPathComponent("speech.wav")
        let mp3 = folder.appendingPathComponent("speech.mp3")
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            try Data(text.utf8).write(to: input)
        } catch {
            throw .invalidResponse(service: name, problem: "cannot write a temporary file: \(error)")
        }
        let voice = ["fr": "fr", "es": "es", "de": "de"][language ?? "en"] ?? "en"
        _ = try await LocalTool.run(espeak, ["-v", voice, "-f", input.path, "-w", wav.path], service: "espeak-ng")
        return try await Self.encode(wav: wav, to: mp3, with: encoder)
    }

    /// An MP3 encoder on the PATH: ffmpeg, else lame.
    package static func findEncoder(path: String = ExternalCommand.searchPath) -> String? {
        ExternalCommand.find("ffmpeg", onPath: path) ?? ExternalCommand.find("lame", onPath: path)
    }

    /// Encodes the WAV file `wav` into `mp3` with `encoder` (ffmpeg or lame) and reads the result.
    package static func encode(wav: URL, to mp3: URL, with encoder: String) async throws(ProcessorError) -> AudioDraft {
        if (encoder as NSString).lastPathComponent == "ffmpeg" {
            _ = try await LocalTool.run(
                encoder,
                ["-loglevel", "error", "-y", "-i", wav.path, "-codec:a", "libmp3lame", "-q:a", "5", mp3.path],
                service: "ffmpeg"
            )
        } else {
            _ = try await LocalTool.run(encoder, ["--quiet", wav.path, mp3.path], service: "lame")
        }
        guard let bytes = try? Array(Data(contentsOf: mp3)), let frames = MP3.frames(bytes) else {
            throw .invalidResponse(service: (encoder as NSString).lastPathComponent, problem: "no MP3 was produced")
        }
        return AudioDraft(bytes: bytes, durationSeconds: frames.durationSeconds)
    }

}
