import Foundation
import YTV2Fixtures
import YTV2Processor
import YTV2Store

/// `fixtures legacy --narrate`: the generated MP3s (a few silent frames, enough for the migration's tests) replaced by
/// something a person can listen to in a demo: each video's title and summary spoken by espeak-ng when it is installed,
/// else a few seconds of a soft tone when an MP3 encoder is, else left as they are (and said so).
enum FixturesNarration {
    enum Outcome {
        case spoken(files: Int, tool: String, seconds: ClosedRange<Double>)
        case tone(files: Int, tool: String, seconds: Double)
        case unchanged(reason: String)

        var sentence: String {
            switch self {
            case .spoken(let files, let tool, let seconds):
                "  narrated \(files) MP3s with \(tool) (\(Int(seconds.lowerBound.rounded())) to \(Int(seconds.upperBound.rounded())) s each)"
            case .tone(let files, let tool, let seconds):
                "  \(files) MP3s hold \(Int(seconds)) s of a tone, encoded with \(tool) (install espeak-ng for spoken summaries)"
            case .unchanged(let reason): "  the MP3s stay a few silent frames: \(reason)"
            }
        }
    }

    static func narrate(_ directory: URL) async throws -> Outcome {
        let narrations = try LegacyFixtures.narrations(in: directory)
        guard !narrations.isEmpty else { return .unchanged(reason: "there are none") }
        if let speech = LocalSpeech.available() {
            var shortest = Double.infinity
            var longest = 0.0
            for narration in narrations {
                let draft = try await speech.speak(narration.text, language: narration.language)
                try Data(draft.bytes).write(to: narration.audioFile)
                shortest = min(shortest, draft.durationSeconds ?? 0)
                longest = max(longest, draft.durationSeconds ?? 0)
            }
            return .spoken(files: narrations.count, tool: speech.name, seconds: shortest...longest)
        }
        guard let encoder = LocalSpeech.findEncoder() else {
            return .unchanged(reason: "neither espeak-ng nor an MP3 encoder (ffmpeg or lame) is installed")
        }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-tone-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let wav = folder.appendingPathComponent("tone.wav")
        try Data(toneWAV(seconds: 4)).write(to: wav)
        let draft = try await LocalSpeech.encode(wav: wav, to: folder.appendingPathComponent("tone.mp3"), with: encoder)
        for narration in narrations { try Data(draft.bytes).write(to: narration.audioFile) }
        return .tone(files: narrations.count, tool: (encoder as NSString).lastPathComponent, seconds: draft.durationSeconds ?? 0)
    }

    /// A mono 16-bit 22.05 kHz WAV: a 440 Hz tone under a slow swell, faded in and out (no click at either end).
    static func toneWAV(seconds: Double) -> [UInt8] {
        let rate = 22_050
        let count = Int(Double(rate) * seconds)
        var samples: [UInt8] = []
        samples.reserveCapacity(count * 2)
        for index in 0..<count {
            let time = Double(index) / Double(rate)
            let fade = min(1, time / 0.2, (seconds - time) / 0.2)
            let swell = 0.6 + 0.4 * sin(2 * .pi * 0.5 * time)
            let value = Int16(6_000 * fade * swell * sin(2 * .pi * 440 * time))
            samples += [UInt8(truncatingIfNeeded: value), UInt8(truncatingIfNeeded: value >> 8)]
        }
        func le32(_ value: Int) -> [UInt8] { (0..<4).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        func le16(_ value: Int) -> [UInt8] { (0..<2).map { UInt8(truncatingIfNeeded: value >> (8 * $0)) } }
        return Array("RIFF".utf8) + le32(36 + samples.count) + Array("WAVEfmt ".utf8) + le32(16) + le16(1) + le16(1) + le32(rate)
            + le32(rate * 2) + le16(2) + le16(16) + Array("data".utf8) + le32(samples.count) + samples
    }
}
