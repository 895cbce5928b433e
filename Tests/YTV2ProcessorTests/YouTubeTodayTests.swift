import Foundation
import Testing
import YTV2Core
import YTV2Fakes
import YTV2Processor
import YTV2Store
import YTV2TestSupport

/// The processor against a fake YouTube that answers as the real one does today (``FakeYouTube`` names the recordings
/// it follows): gated WEB caption URLs, mobile player answers, stale clients, walls, the consent page, oEmbed's 401.
@Suite struct YouTubeTodayTests {
    static let video = ProcessorTests.video

    static func run(
        _ fakes: FakeServices,
        _ environment: [String: String] = [:],
        variants: [String] = ["comprehensive"],
        _ check: @Sendable (Store, Job) async throws -> Void
    ) async throws {
        try await fakes.run { base in
            try await withTestStore { store in
                var values = ["YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "LLM_API_KEY": "test-key", "LLM_MODEL": "fake", "YTDLP": "0"]
                for (key, value) in environment { values[key] = value }
                let configuration = try ProcessorConfiguration(environment: values)
                let logger = TestPostgres.logger
                let worker = Worker(
                    jobs: JobQueue(store: store),
                    pipeline: configuration.pipeline(store: store, logger: logger),
                    concurrency: 1,
                    retryBase: .milliseconds(1),
                    logger: logger
                )
                let job = try await ProcessorTests.runJob(store, worker, variants)
                try await check(store, job)
            }
        }
    }

    @Test func aVideoIsSummarizedFromTheMobileClientsCaptionsWhileTheWebOnesAreGated() async throws {
        let fakes = FakeServices()
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .succeeded, "\(job.reason ?? "")")
            let report = try #require(try await ReportReader(store: store).report(id: Self.video.rawValue))
            #expect(report.title == "Video dQw4w9WgXcQ")
            #expect(report.channelName == "Channel of dQw4w9WgXcQ")
            #expect(report.durationSeconds == 754)
            // The publish date comes from the watch page: the mobile answer has no microformat.
            #expect(report.publishedAt == Timestamp.parse("2025-03-04T05:06:07-08:00"))
            #expect(report.transcriptChars ?? 0 > 40)
            #expect(report.summaries.first?.text.contains("Summary (comprehensive)") == true)
        }
        // The English manual track of the ANDROID answer, asked once with one fmt; no gated URL, no oEmbed.
        #expect(fakes.count("player-ANDROID") == 1)
        #expect(fakes.count("timedtext-en") == 1)
        #expect(fakes.count("timedtext-empty") == 0)
        #expect(fakes.count("oembed") == 0)
        let asked = try #require(fakes.captionQueries.first)
        #expect(asked.components(separatedBy: "fmt=").count == 2 && asked.hasSuffix("fmt=json3"), "\(asked)")
        #expect(!asked.contains("exp="))
    }

    @Test func aStaleClientGivesWayToTheNextAndAllStaleIsNamed() async throws {
        let fakes = FakeServices()
        fakes.update { $0.acceptedClients["ANDROID"] = 22 }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .succeeded, "\(job.reason ?? "")")
            #expect(job.warnings.contains { $0.contains("refused the client ANDROID 21.03.36") && $0.contains("Precondition check failed") })
        }
        #expect(fakes.count("player-VISIONOS") == 1)

        let stale = FakeServices()
        try await Self.run(stale, ["YOUTUBE_CLIENTS": "ANDROID:19.44.38"]) { (store, job) async throws in
            // The watch page plays but its captions are gated: the job fails naming the stale client, not retried.
            #expect(job.status == .failed)
            #expect(job.attempts == 1)
            #expect(job.reason?.contains("ANDROID 19.44.38") == true, "\(job.reason ?? "")")
            #expect(job.reason?.contains("YOUTUBE_CLIENTS") == true, "\(job.reason ?? "")")
            #expect(try await ReportReader(store: store).report(id: Self.video.rawValue) == nil)
        }
    }

    @Test(arguments: [
        (FakeYouTube.Wall.botCheck, "IP address is flagged"), (.ageRestricted, "age-restricted"), (.privateVideo, "private"),
        (.removed, "removed"), (.liveNotStarted, "has not started"),
    ])
    func eachWallEndsTheJobWithItsOwnErrorAndStoresNothing(wall: FakeYouTube.Wall, says: String) async throws {
        let fakes = FakeServices()
        fakes.update { $0.walls[Self.video.rawValue] = wall }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .failed)
            #expect(job.attempts == 1)
            #expect(job.reason?.contains(says) == true, "\(job.reason ?? "")")
            #expect(job.reason?.contains("LOGIN_REQUIRED") != true)
            #expect(try await ReportReader(store: store).report(id: Self.video.rawValue) == nil)
        }
        #expect(fakes.count("summary") == 0)
    }

    @Test func theConsentPageIsPassedWithTheCookieAndNamedWhenItStays() async throws {
        let fakes = FakeServices()
        fakes.update { $0.consentWall = [Self.video.rawValue] }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .succeeded, "\(job.reason ?? "")")
            #expect(try await ReportReader(store: store).report(id: Self.video.rawValue)?.publishedAt != nil)
        }
        #expect(fakes.count("consent-page") == 0)

        let stubborn = FakeServices()
        stubborn.update { $0.consentAlways = [Self.video.rawValue] }
        try await Self.run(stubborn) { (store, job) async throws in
            // Everything but the publish date comes from the player answer.
            #expect(job.status == .succeeded, "\(job.reason ?? "")")
            #expect(job.warnings.contains { $0.contains("consent") })
            let report = try #require(try await ReportReader(store: store).report(id: Self.video.rawValue))
            #expect(report.title == "Video dQw4w9WgXcQ")
            #expect(report.publishedAt == nil)
        }
    }

    @Test func aVideoWithEmbeddingDisabledSucceeds() async throws {
        let fakes = FakeServices()
        fakes.update { $0.embedDisabled = [Self.video.rawValue] }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .succeeded, "\(job.reason ?? "")")
            #expect(try await ReportReader(store: store).report(id: Self.video.rawValue)?.title == "Video dQw4w9WgXcQ")
        }
    }

    @Test func aFrenchVideoIsReadInFrenchNotFromItsJapaneseSubtitles() async throws {
        let fakes = FakeServices()
        fakes.update { $0.tracks[Self.video.rawValue] = [FakeYouTube.Track("ja"), FakeYouTube.Track("fr", automatic: true)] }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .succeeded, "\(job.reason ?? "")")
            #expect(try await ReportReader(store: store).report(id: Self.video.rawValue)?.summaries.first?.language == "fr")
        }
        #expect(fakes.count("timedtext-fr-asr") == 1)
        #expect(fakes.count("timedtext-ja") == 0)
    }

    @Test func captionsThatAllAnswerEmptyAreAGateNotAMissingTranscript() async throws {
        let fakes = FakeServices()
        fakes.update { $0.captionsEmpty = [Self.video.rawValue] }
        try await Self.run(fakes) { (store, job) async throws in
            #expect(job.status == .failed)
            #expect(job.reason?.contains("no transcript") == false, "\(job.reason ?? "")")
            #expect(job.reason?.contains("empty body") == true, "\(job.reason ?? "")")
            #expect(try await ReportReader(store: store).report(id: Self.video.rawValue) == nil)
        }
    }
}
