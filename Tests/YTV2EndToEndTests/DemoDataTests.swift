import Foundation
import Testing
import YTV2Core
import YTV2Store
import YTV2TestSupport

/// The demo `scripts/run` imports into an empty database: MP3s a person can listen to (spoken by espeak-ng when it is
/// installed, else a tone), through the real binary and the real migration.
@Suite(.timeLimit(.minutes(3))) struct DemoDataTests {
    static func folder() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-demo-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        return folder
    }

    static func durations(_ audio: URL) throws -> [String: Double] {
        var durations: [String: Double] = [:]
        for file in try FileManager.default.contentsOfDirectory(at: audio, includingPropertiesForKeys: nil) {
            durations[file.lastPathComponent] = MP3.durationSeconds(Array(try Data(contentsOf: file))) ?? 0
        }
        return durations
    }

    @Test func narratedDemoAudioIsSpokenAndReachesTheDatabaseWhole() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TestPostgres.shared.makeDatabase()
        let environment = ["DATABASE_URL": database.url, "LOG_LEVEL": "error"]
        let legacy = folder.appendingPathComponent("legacy")
        let output = try await EndToEnd.cli(
            ["fixtures", "legacy", "--rows", "60", "--seed", "1", "--narrate", "--out", legacy.path],
            environment: environment
        )
        #expect(output.contains("narrated 3 MP3s with espeak-ng"), "\(output)")
        let durations = try Self.durations(legacy.appendingPathComponent("audio"))
        #expect(durations.count == 3)
        // Titles and summaries spoken: several seconds each (the generated frames last 0.08 s).
        #expect(durations.values.allSatisfy { $0 > 2 }, "\(durations)")

        let snapshot = folder.appendingPathComponent("snapshot").path
        try await EndToEnd.cli(
            [
                "migrate", "snapshot", "--dashboard", legacy.path + "/dashboard.db", "--nas", legacy.path + "/nas.db",
                "--reports", legacy.path + "/reports", "--audio", legacy.path + "/audio", "--out", snapshot,
            ],
            environment: environment
        )
        try await EndToEnd.cli(["migrate", "import", snapshot], environment: environment)
        try await EndToEnd.cli(["migrate", "verify", snapshot], environment: environment)
        let store = Store(configuration: database, logger: TestPostgres.logger)
        try await store.withRunning { store in
            // The spoken files themselves are what the dashboard serves (the duration field keeps the legacy row's value).
            for file in durations.keys {
                let stem = (file as NSString).deletingPathExtension
                let id = try VideoID(stem.hasPrefix("audio_") ? String(stem.dropFirst(6).prefix(11)) : stem)
                let bytes = try Data(contentsOf: legacy.appendingPathComponent("audio").appendingPathComponent(file))
                let info = try #require(try await ReportReader(store: store).audioInfo(for: id), "\(file) was not imported")
                #expect(info.sizeBytes == bytes.count, "\(file): \(info)")
            }
        }
    }

    @Test func withoutSpeechTheDemoGetsAToneAndWithoutAnEncoderItSaysSo() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        // A PATH with lame alone, then one with nothing.
        let tools = folder.appendingPathComponent("bin")
        try FileManager.default.createDirectory(at: tools, withIntermediateDirectories: true)
        let lame = try #require(["/usr/bin/lame", "/usr/local/bin/lame"].first { FileManager.default.fileExists(atPath: $0) })
        try FileManager.default.createSymbolicLink(atPath: tools.appendingPathComponent("lame").path, withDestinationPath: lame)

        let toned = folder.appendingPathComponent("tone")
        let output = try await EndToEnd.cli(
            ["fixtures", "legacy", "--rows", "30", "--narrate", "--out", toned.path],
            environment: ["PATH": tools.path]
        )
        #expect(output.contains("2 MP3s hold 4 s of a tone, encoded with lame (install espeak-ng for spoken summaries)"), "\(output)")
        #expect(try Self.durations(toned.appendingPathComponent("audio")).values.allSatisfy { $0 > 3.9 })

        let empty = folder.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        let silent = folder.appendingPathComponent("silent")
        let said = try await EndToEnd.cli(
            ["fixtures", "legacy", "--rows", "30", "--narrate", "--out", silent.path],
            environment: ["PATH": empty.path]
        )
        #expect(said.contains("the MP3s stay a few silent frames: neither espeak-ng nor an MP3 encoder (ffmpeg or lame) is installed"), "\(said)")
    }
}
