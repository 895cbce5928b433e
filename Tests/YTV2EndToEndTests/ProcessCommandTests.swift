import Foundation
import Testing
import YTV2Fakes
import YTV2Store
import YTV2TestSupport

/// `ytv2 process` and `ytv2 doctor --processor` as a user runs them, against fakes that answer as today's YouTube and
/// chat servers do: the exit status says whether every job succeeded (0), one failed (1) or one was left queued for a
/// retry (75), and the output says why.
@Suite(.serialized, .timeLimit(.minutes(5))) struct ProcessCommandTests {
    @Test func theExitStatusSaysHowTheJobsEnded() async throws {
        let database = try await TestPostgres.shared.makeDatabase()
        let fakes = FakeServices()
        fakes.update { $0.walls["WalledVid01"] = .botCheck }
        try await fakes.run { base in
            let env = [
                "DATABASE_URL": database.url, "LOG_LEVEL": "error", "YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1",
                "LLM_API_KEY": "test-key", "YTDLP": "0", "TTS_LOCAL": "0",
            ]
            var (status, output, errors) = try await EndToEnd.run(["process", "https://youtu.be/GoodVideo01"], environment: env)
            #expect(status == 0, "\(output) \(errors)")
            #expect(output.contains("job 1 for GoodVideo01: succeeded"), "\(output)")

            (status, output, errors) = try await EndToEnd.run(["process", "https://youtu.be/WalledVid01"], environment: env)
            #expect(status == 1, "\(output) \(errors)")
            #expect(output.contains("failed") && output.contains("IP address is flagged"), "\(output)")

            fakes.update {
                $0.rateLimits = 1
                $0.retryAfter = "3600"
            }
            (status, output, errors) = try await EndToEnd.run(["process", "https://youtu.be/LaterVid001", "--json"], environment: env)
            #expect(status == 75, "\(output) \(errors)")
            #expect(output.contains("\"status\" : \"queued\"") && output.contains("rate-limiting"), "\(output)")
        }
    }

    /// One scenario of today's services: what the fakes do, the extra configuration, the exit status and a phrase the
    /// output must hold.
    struct Scenario: Sendable, CustomTestStringConvertible {
        let name: String
        let video: String
        let environment: [String: String]
        let status: Int32
        let says: String
        let change: @Sendable (inout FakeServices.Behavior) -> Void
        var testDescription: String { name }
    }

    static let scenarios: [Scenario] = [
        Scenario(name: "default configuration, gated WEB captions", video: "PlainVideo1", environment: [:], status: 0, says: "succeeded") { _ in },
        Scenario(name: "EU consent page", video: "ConsentVid1", environment: [:], status: 0, says: "succeeded") { $0.consentWall = ["ConsentVid1"] },
        Scenario(name: "embedding disabled (oEmbed 401)", video: "NoEmbedVid1", environment: [:], status: 0, says: "succeeded") {
            $0.embedDisabled = ["NoEmbedVid1"]
        },
        Scenario(name: "bot check", video: "BotCheckVid", environment: [:], status: 1, says: "IP address is flagged") {
            $0.walls["BotCheckVid"] = .botCheck
        },
        Scenario(name: "age restriction", video: "AgeGateVid1", environment: [:], status: 1, says: "age-restricted") {
            $0.walls["AgeGateVid1"] = .ageRestricted
        },
        Scenario(name: "private video", video: "PrivateVid1", environment: [:], status: 1, says: "is private") {
            $0.walls["PrivateVid1"] = .privateVideo
        },
        Scenario(name: "removed video", video: "RemovedVid1", environment: [:], status: 1, says: "removed") { $0.walls["RemovedVid1"] = .removed },
        Scenario(name: "live not started", video: "LiveLaterV1", environment: [:], status: 1, says: "has not started") {
            $0.walls["LiveLaterV1"] = .liveNotStarted
        },
        Scenario(name: "GPT-5 with LLM_TEMPERATURE=0.3", video: "Gpt5Video01", environment: ["LLM_TEMPERATURE": "0.3"], status: 0, says: "succeeded")
        {
            $0.chatFlavor = .gpt5
        },
        Scenario(name: "LM Studio (no JSON mode)", video: "LmStudioV01", environment: [:], status: 0, says: "succeeded") {
            $0.chatFlavor = .lmStudio
        },
        Scenario(name: "429 with Retry-After: 1", video: "RateLimit01", environment: [:], status: 0, says: "succeeded") {
            $0.rateLimits = 1
            $0.retryAfter = "1"
        },
        Scenario(name: "answer cut at the output limit once", video: "CutAnswer01", environment: [:], status: 0, says: "succeeded") {
            $0.lengthCuts = 1
        },
        Scenario(name: "<think> block", video: "ThinkBlock1", environment: [:], status: 0, says: "succeeded") { $0.thinking = true },
        Scenario(name: "no quota", video: "NoQuotaVid1", environment: [:], status: 1, says: "no quota left") { $0.quotaExhausted = true },
        Scenario(name: "429 with Retry-After: 3600", video: "RateLimit02", environment: [:], status: 75, says: "queued for a retry") {
            $0.rateLimits = 1
            $0.retryAfter = "3600"
        },
    ]

    /// Every scenario the processor meets today, through `ytv2 process` with the processor's default configuration
    /// (yt-dlp not installed); the output of each is printed.
    @Test(arguments: scenarios)
    func eachScenarioEndsAsItShould(_ scenario: Scenario) async throws {
        let database = try await TestPostgres.shared.makeDatabase()
        let fakes = FakeServices()
        fakes.update(scenario.change)
        try await fakes.run { base in
            var env = [
                "DATABASE_URL": database.url, "LOG_LEVEL": "error", "YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1",
                "LLM_API_KEY": "test-key", "YTDLP": "0", "TTS_LOCAL": "0",
            ]
            for (key, value) in scenario.environment { env[key] = value }
            let (status, output, errors) = try await EndToEnd.run(["process", "https://youtu.be/\(scenario.video)"], environment: env)
            print("scenario \(scenario.name): exit \(status)\n\(output)\(errors)")
            #expect(status == scenario.status, "\(scenario.name): \(output) \(errors)")
            #expect(output.contains(scenario.says), "\(scenario.name): \(output)")
            // What was stored: a whole summary without reasoning for a success, nothing for a failure.
            let stored = try await Store(configuration: database, logger: TestPostgres.logger).withRunning { store in
                try await ReportReader(store: store).report(id: scenario.video)
            }
            if scenario.status == 0 {
                let text = try #require(stored?.summaries.first?.text, "\(scenario.name): nothing stored")
                #expect(text.hasPrefix("**Summary (comprehensive):**") && text.hasSuffix("• Second point"), "\(scenario.name): \(text)")
                #expect((stored?.transcriptChars ?? 0) > 0)
            } else if scenario.status == 1 {
                #expect(stored == nil, "\(scenario.name): a failed job stored the video")
            }
        }
    }

    /// On a terminal each stage shows as it starts; in a pipe nothing but the result. `script` gives the command a
    /// pseudo-terminal, as a person's shell would.
    @Test func theStagesShowOnATerminalAndNotInAPipe() async throws {
        let database = try await TestPostgres.shared.makeDatabase()
        let fakes = FakeServices()
        try await fakes.run { base in
            let env = [
                "DATABASE_URL": database.url, "LOG_LEVEL": "error", "YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1",
                "LLM_API_KEY": "test-key", "YTDLP": "0", "TTS_LOCAL": "0",
            ]
            let binary = try YTV2Executable.url().path
            let (status, terminal, _) = try await EndToEnd.run(
                [],
                environment: env,
                executable: "/usr/bin/script",
                arguments: ["-qec", "\(binary) process https://youtu.be/StagesVid01", "/dev/null"]
            )
            #expect(status == 0, "\(terminal)")
            for stage in ["reading the video's details", "reading the captions", "summarizing: comprehensive", "analyzing", "storing"] {
                #expect(terminal.contains("StagesVid01: \(stage)"), "\(stage): \(terminal)")
            }
            let (_, piped, errors) = try await EndToEnd.run(["process", "https://youtu.be/StagesVid02"], environment: env)
            #expect(!(piped + errors).contains("reading the captions"), "\(piped) \(errors)")
        }
    }

    /// SIGTERM while a job runs: the job goes back to the queue at once (not when its lease runs out), and the command
    /// ends saying so.
    @Test func aStoppedProcessHandsItsJobBackAtOnce() async throws {
        let database = try await TestPostgres.shared.makeDatabase()
        let fakes = FakeServices()
        await fakes.gate.close()
        try await fakes.run { base in
            let env = [
                "DATABASE_URL": database.url, "LOG_LEVEL": "error", "YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1",
                "LLM_API_KEY": "test-key", "YTDLP": "0", "TTS_LOCAL": "0",
            ]
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-stop-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: folder) }
            let running = try EndToEnd.Running(["process", "https://youtu.be/StoppedVid1"], environment: env, logFolder: folder)
            // Wait until the job is in the chat request the fake holds.
            for _ in 0..<500 where await fakes.gate.waiting == 0 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(await fakes.gate.waiting == 1)
            await running.stop()
            // It ended by itself (stop() kills what has not ended 5 s after SIGTERM), saying the job waits for a worker.
            #expect(running.process.terminationReason == .exit && running.process.terminationStatus == 75, "\(running.output)")
            let job = try await Store(configuration: database, logger: TestPostgres.logger).withRunning { store in
                try await JobQueue(store: store).recent(limit: 1).first
            }
            #expect(job?.status == .queued, "\(String(describing: job))")
            #expect(job?.leaseOwner == nil)
            #expect(running.output.contains("handed back"), "\(running.output)")
            await fakes.gate.open()
        }
    }

    @Test func doctorProcessorSaysWhatWorksAndWhatToFix() async throws {
        let database = try await TestPostgres.shared.makeDatabase()
        let fakes = FakeServices()
        try await fakes.run { base in
            var env = [
                "DATABASE_URL": database.url, "LOG_LEVEL": "error", "YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1",
                "LLM_API_KEY": "test-key", "YTDLP": "0", "TTS_BASE_URL": base + "/v1",
            ]
            var (status, output, errors) = try await EndToEnd.run(["doctor", "--processor"], environment: env)
            #expect(status == 0, "\(output) \(errors)")
            for line in ["ok   YouTube player: \"Video dQw4w9WgXcQ\"", "ok   YouTube captions:", "ok   speech API at"] {
                #expect(output.contains(line), "\(line) missing: \(output)")
            }
            #expect(output.contains("ok   LLM gpt-4o-mini at \(base)/v1: answered"), "\(output)")

            fakes.update { $0.quotaExhausted = true }
            env["YOUTUBE_CLIENTS"] = "ANDROID:19.44.38"
            (status, output, errors) = try await EndToEnd.run(["doctor", "--processor"], environment: env)
            #expect(status == 1, "\(output) \(errors)")
            #expect(output.contains("FAIL YouTube player") && output.contains("YOUTUBE_CLIENTS"), "\(output)")
            #expect(output.contains("FAIL LLM") && output.contains("no quota"), "\(output)")
        }
    }
}
