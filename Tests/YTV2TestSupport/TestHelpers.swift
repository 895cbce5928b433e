import Foundation
import YTV2Core
import YTV2Store

/// The `ytv2` executable the tests run as operators do: built next to the test bundle by `swift build --product ytv2`.
package enum YTV2Executable {
    package struct Missing: Error, CustomStringConvertible {
        package let path: String
        package var description: String { "\(path) is missing: build it with `swift build --product ytv2` before the tests" }
    }

    package static func url() throws -> URL {
        let candidate = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("ytv2")
        guard FileManager.default.isExecutableFile(atPath: candidate.path) else { throw Missing(path: candidate.path) }
        return candidate
    }
}

/// MP3 bytes for tests: a header-only file of an exact size (what the store and the audio routes keep and serve), or
/// real MPEG frames (what the processor joins and measures).
package enum TestAudio {
    /// A well-formed MPEG-1 Layer III frame header followed by `size - 4` payload bytes.
    package static func mp3(_ size: Int = 4096) -> [UInt8] {
        [0xFF, 0xFB, 0x90, 0x64] + (0..<max(0, size - 4)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    }

    /// An ID3 header and `count` whole 417-byte frames (128 kbit/s, 44.1 kHz): about 26 ms of audio each.
    package static func mp3(frames count: Int) -> [UInt8] {
        var bytes: [UInt8] = Array("ID3".utf8) + [3, 0, 0, 0, 0, 0, 0]
        for index in 0..<count { bytes += [0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: UInt8(index % 7), count: 413) }
        return bytes
    }
}

/// Twelve (or `count`) varied videos, the data the read tests of the store and of the dashboard share: three parent
/// categories with and without a subcategory, every third with audio, every fourth without a publish date, every
/// fourth after the second without a duration, every fifth with only an audio summary, two channels, two languages.
package enum TestVideos {
    package static func writes(count: Int = 12) -> [VideoWrite] {
        let parents = [("History", "Modern History"), ("Technology", "Web Development"), ("Education", "Online Learning")]
        return (0..<count).map { index in
            let (parent, sub) = parents[index % 3]
            let raw = String(format: "vid%08d", index)
            return VideoWrite(
                videoID: try! VideoID(raw),
                metadata: VideoMetadata(
                    title: ["Zebra", "apple", "Mango", "banana"][index % 4] + " \(index)",
                    channelName: index % 2 == 0 ? "Tom Scott" : "Veritasium",
                    publishedAt: index % 4 == 3 ? nil : Date(timeIntervalSince1970: 1_600_000_000 + Double((index * 37) % 50) * 86_400),
                    indexedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double((index * 7) % 12) * 3600),
                    durationSeconds: index % 4 == 2 ? nil : 60 * ((index * 5) % 13),
                    contentType: index % 2 == 0 ? "Tutorial" : "Discussion",
                    complexityLevel: index % 3 == 0 ? "Beginner" : "Advanced",
                    language: index % 2 == 0 ? "en-US" : "fr",
                    keyTopics: ["topic \(index)"]
                ),
                categorization: Categorization(
                    entries: [CategoryEntry(category: parent, subcategories: index % 2 == 0 ? [sub] : [])],
                    origin: .processor
                ),
                summaries: index % 5 == 4
                    ? [SummaryDraft(variant: .audio, text: "Narration \(index)")]
                    : [SummaryDraft(variant: .comprehensive, text: "**Summary:** 100% of_\(index)\n• point")],
                audio: index % 3 == 0 ? AudioDraft(bytes: TestAudio.mp3(2000 + index), durationSeconds: 61) : nil,
                aliases: ["yt:" + raw.lowercased()],
                actor: "test"
            )
        }
    }

    /// Commits ``writes(count:)`` one by one and returns them.
    @discardableResult
    package static func seed(_ store: Store, count: Int = 12) async throws -> [VideoWrite] {
        let writes = writes(count: count)
        for write in writes { try await VideoStore(store: store).commit(write) }
        return writes
    }
}

/// The sqlite3 shell, as the legacy apps made and changed their files. Synchronous, because fixtures are shaped in
/// synchronous builders; the statements are small and the shell ends at once.
package enum SQLiteShell {
    package struct Failure: Error, CustomStringConvertible {
        package let description: String
    }

    /// Runs `statements` on the file at `path`; returns what the shell printed, trimmed. Throws when it fails.
    @discardableResult
    package static func run(_ path: String, _ statements: String) throws -> String {
        let process = Process()
        let output = Pipe()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/sqlite3")
        process.arguments = [path, statements]
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let printed = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else { throw Failure(description: "sqlite3 \(path): \(printed)") }
        return printed
    }
}
