import Foundation
import Testing
import YTV2Core
import YTV2Fakes
import YTV2Processor
import YTV2Store
import YTV2TestSupport

/// Whole jobs against chat-completions servers that answer as the ones people run do (``FakeServices/ChatFlavor``):
/// GPT-5's temperature rule, LM Studio's refusal of JSON mode, Ollama's silent cut, rate limits, an account without
/// quota, answers cut at the output limit, reasoning blocks, refusals.
@Suite struct ChatServersTests {
    static let video = ProcessorTests.video
    typealias Check = @Sendable (Store, Job) async throws -> Void

    static func run(_ fakes: FakeServices, _ environment: [String: String] = [:], _ check: Check) async throws {
        try await YouTubeTodayTests.run(fakes, environment, check)
    }

    @Test func gpt5RefusesAConfiguredTemperatureOnceAndTheJobSucceeds() async throws {
        let fakes = FakeServices()
        fakes.update { $0.chatFlavor = .gpt5 }
        try await Self.run(fakes, ["LLM_TEMPERATURE": "0.3"]) { (store, job) async throws in
            #expect(job.status == .succeeded, "\(job.reason ?? "")")
            #expect(try await ReportReader(store: store).report(id: Self.video.rawValue)?.categorization != nil)
        }
        // Refused once; every later request of the job leaves it out.
        #expect(fakes.count("chat-400") == 1)
        let bodies = fakes.chatBodies
        #expect(bodies.first?["temperature"] == .number(0.3))
        #expect(bodies.dropFirst().allSatisfy { $0["temperature"] == nil })
    }

    @Test func withTheDefaultConfigurationNoTemperatureIsSent() async throws {
        let fakes = FakeServices()
        fakes.update { $0.chatFlavor = .gpt5 }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .succeeded, "\(job.reason ?? "")")
        }
        #expect(fakes.count("chat-400") == 0)
        #expect(!fakes.chatBodies.isEmpty && fakes.chatBodies.allSatisfy { $0["temperature"] == nil })
    }

    @Test func lmStudioRefusesJSONModeAndTheAnalysisIsReadFromTheText() async throws {
        let fakes = FakeServices()
        fakes.update { $0.chatFlavor = .lmStudio }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .succeeded, "\(job.reason ?? "")")
            let report = try #require(try await ReportReader(store: store).report(id: Self.video.rawValue))
            #expect(report.categorization?.entries.first?.category == "Technology")
        }
        #expect(fakes.count("chat-400") == 1)
    }

    @Test func anAnswerCutAtTheOutputLimitIsContinuedAndStoredWhole() async throws {
        let whole = "# Summary\n\n" + (1...40).map { "Point \($0) explains a part of the talk in a full sentence." }.joined(separator: "\n")
        let fakes = FakeServices()
        fakes.update {
            $0.summaryText = whole
            $0.lengthCuts = 1
        }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .succeeded, "\(job.reason ?? "")")
            #expect(try await ReportReader(store: store).report(id: Self.video.rawValue)?.summaries.first?.text == whole)
        }
        #expect(fakes.chatBodies.contains { $0["messages"]?.arrayValue?.contains { $0["role"]?.stringValue == "assistant" } == true })
    }

    @Test func anAnswerThatStaysCutFailsClearlyAndStoresNothing() async throws {
        let fakes = FakeServices()
        fakes.update { $0.lengthCuts = 100 }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .failed)
            #expect(job.reason?.contains("cut short") == true, "\(job.reason ?? "")")
            #expect(try await ReportReader(store: store).report(id: Self.video.rawValue) == nil)
        }
    }

    @Test func reasoningBlocksAreNotStored() async throws {
        let fakes = FakeServices()
        fakes.update { $0.thinking = true }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .succeeded, "\(job.reason ?? "")")
            let text = try #require(try await ReportReader(store: store).report(id: Self.video.rawValue)?.summaries.first?.text)
            #expect(!text.contains("<think>") && !text.contains("Let me think"))
            #expect(text.hasPrefix("**Summary (comprehensive):**"))
        }
    }

    @Test func aRateLimitIsWaitedOutInsideTheJob() async throws {
        let fakes = FakeServices()
        fakes.update {
            $0.rateLimits = 1
            $0.retryAfter = "1"
        }
        let start = ContinuousClock.now
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .succeeded, "\(job.reason ?? "")")
            #expect(job.attempts == 1)
        }
        #expect(fakes.count("chat-429") == 1)
        #expect(ContinuousClock.now - start >= .seconds(1))
    }

    @Test func aRateLimitLongerThanTheBoundGoesBackToTheQueue() async throws {
        let fakes = FakeServices()
        fakes.update {
            $0.rateLimits = 1
            $0.retryAfter = "3600"
        }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .queued)
            #expect(job.reason?.contains("3600 s") == true, "\(job.reason ?? "")")
        }
    }

    @Test func anAccountWithoutQuotaFailsAtOnce() async throws {
        let fakes = FakeServices()
        fakes.update { $0.quotaExhausted = true }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .failed)
            #expect(job.attempts == 1)
            #expect(job.reason?.contains("no quota") == true, "\(job.reason ?? "")")
        }
        // One request: no retry, no wait for a credit that will not come.
        #expect(fakes.chatBodies.count == 1)
    }

    @Test func aRefusalIsAnError() async throws {
        let fakes = FakeServices()
        fakes.update { $0.refusal = true }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .failed)
            #expect(job.reason?.contains("refused to answer") == true, "\(job.reason ?? "")")
        }
    }
}

@Suite struct OllamaContextTests {
    @Test func aChunkLongerThanTheContextFailsNamingTheFix() async throws {
        let fakes = FakeServices()
        fakes.update { $0.chatFlavor = .ollama(contextTokens: 4_096) }
        try await fakes.run { base in
            let chat = ChatCompletionsClient(baseURL: base + "/v1", apiKey: nil, model: "llama3.2", http: HTTPFetcher())
            let summarizer = ChatSummarizer(chat: chat, chunkCharacters: 40_000)
            let text = (1...900).map { "Sentence \($0) of a long talk about servers." }.joined(separator: " ")
            let info = VideoInfo(id: ProcessorTests.video, metadata: .init(title: "Long"), description: nil, captionTracks: [])
            await #expect {
                try await summarizer.summarize(Transcript(text: text, language: "en"), info: info, request: VariantRequest(variant: .comprehensive))
            } throws: { error in
                "\(error)".contains("truncated the input") && "\(error)".contains("LLM_CHUNK_CHARS")
            }
            // The same text in chunks that fit passes.
            let fitting = ChatSummarizer(chat: chat, chunkCharacters: 12_000)
            let summary = try await fitting.summarize(
                Transcript(text: text, language: "en"),
                info: info,
                request: VariantRequest(variant: .comprehensive)
            )
            #expect(summary.contains("Summary"))
        }
    }
}
