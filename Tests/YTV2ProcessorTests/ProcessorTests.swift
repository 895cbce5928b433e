import Foundation
import Logging
import Testing
import YTV2Core
import YTV2Fakes
import YTV2Processor
import YTV2Store
import YTV2TestSupport

/// The whole pipeline against local fakes of YouTube, the LLM and the speech API, on a real database.
@Suite struct ProcessorTests {
    static let video = try! VideoID("dQw4w9WgXcQ")

    static func configuration(_ base: String, speech: Bool = true) -> ProcessorConfiguration {
        var environment = ["YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "LLM_API_KEY": "test-key", "LLM_MODEL": "fake"]
        if speech { environment["TTS_BASE_URL"] = base + "/v1" }
        return try! ProcessorConfiguration(environment: environment)
    }

    static func worker(_ store: Store, _ base: String, speech: Bool = true) -> Worker {
        let logger = TestPostgres.logger
        return Worker(
            jobs: JobQueue(store: store),
            pipeline: configuration(base, speech: speech).pipeline(store: store, logger: logger),
            concurrency: 1,
            lease: .seconds(30),
            retryBase: .milliseconds(1),
            logger: logger
        )
    }

    static func runJob(_ store: Store, _ worker: Worker, _ variants: [String], force: Bool = false, video: VideoID = video) async throws -> Job {
        let job = try await JobQueue(store: store).enqueue(video, variants: variants, force: force, requestedBy: "test")
        _ = try await worker.runNext(only: job.id)
        return try #require(try await JobQueue(store: store).job(job.id))
    }

    @Test func aURLEndsAsAStoredVideoWithSummariesAnalysisAndAudio() async throws {
        let fakes = FakeServices()
        try await fakes.run { base in
            try await withTestStore { store in
                let worker = Self.worker(store, base)
                let job = try await Self.runJob(store, worker, ["comprehensive", "bullet-points", "audio-fr:intermediate"])
                #expect(job.status == .succeeded, "\(job.reason ?? "")")
                // Validation dropped the subcategory that is not under Technology, with a warning.
                #expect(job.warnings.contains { $0.contains("Not A Subcategory") })
                let report = try #require(try await ReportReader(store: store).report(id: Self.video.rawValue))
                #expect(report.title == "Video dQw4w9WgXcQ")
                #expect(report.channelName == "Channel of dQw4w9WgXcQ")
                #expect(report.durationSeconds == 754)
                #expect(Set(report.summaries.map(\.variant.id)) == ["comprehensive", "bullet-points", "audio-fr"])
                #expect(report.summaries.first { $0.variant.id == "audio-fr" }?.proficiency == .intermediate)
                #expect(report.categorization?.entries == [CategoryEntry(category: "Technology", subcategories: ["Web Development"])])
                #expect(report.categorization?.origin == .processor)
                let audio = try #require(try await ReportReader(store: store).audioInfo(for: Self.video))
                #expect(audio.sizeBytes == 40 * 417)
                #expect(abs((audio.durationSeconds ?? 0) - 40 * 1152.0 / 44_100) < 0.001)
                // The video's own language is English (its speech-recognition track): the English manual track was
                // fetched, not the French translation listed first nor the automatic English one.
                #expect(fakes.count("timedtext-en") == 1)
                #expect(fakes.count("timedtext-en-asr") == 0)
                #expect(fakes.count("timedtext-fr") == 0)
            }
        }
    }

    @Test func storedVariantsAreANoOpUnlessForced() async throws {
        let fakes = FakeServices()
        try await fakes.run { base in
            try await withTestStore { store in
                let worker = Self.worker(store, base)
                _ = try await Self.runJob(store, worker, ["comprehensive"])
                let calls = fakes.count("summary")
                let again = try await Self.runJob(store, worker, ["comprehensive"])
                #expect(again.status == .succeeded)
                #expect(again.warnings.first?.hasPrefix("already stored") == true)
                #expect(fakes.count("summary") == calls)
                fakes.update { $0.summaryPrefix = "Revised. " }
                let forced = try await Self.runJob(store, worker, ["comprehensive"], force: true)
                #expect(forced.status == .succeeded)
                #expect(fakes.count("summary") == calls + 1)
                #expect(try await ReportReader(store: store).revisions(of: Self.video, variant: .comprehensive).count == 2)
            }
        }
    }

    @Test func noTranscriptFailsTheJobWithThatReasonAndStoresNothing() async throws {
        let fakes = FakeServices()
        fakes.update { $0.withoutCaptions = [Self.video.rawValue] }
        try await fakes.run { base in
            try await withTestStore { store in
                let job = try await Self.runJob(store, Self.worker(store, base), ["comprehensive"])
                #expect(job.status == .failed)
                #expect(job.reason?.contains("no transcript") == true)
                #expect(try await ReportReader(store: store).report(id: Self.video.rawValue) == nil)
                #expect(fakes.count("summary") == 0)
            }
        }
    }

    @Test(arguments: [
        "Sure! Here is the analysis you asked for.", #"{"categories": [{"category": "Cooking Shows", "subcategories": ["Pies"]}], "language": "en"}"#,
        "{\"categories\": [",
    ])
    func malformedOrUnknownAnalysisGivesAWarningNotACrash(answer: String) async throws {
        let fakes = FakeServices()
        fakes.update { $0.analysis = answer }
        try await fakes.run { base in
            try await withTestStore { store in
                let job = try await Self.runJob(store, Self.worker(store, base), ["comprehensive"])
                #expect(job.status == .succeeded)
                #expect(job.warnings.contains { $0.contains("uncategorized") })
                let report = try #require(try await ReportReader(store: store).report(id: Self.video.rawValue))
                #expect(report.categorization == nil || report.categorization?.entries.isEmpty == true)
                #expect(report.summaries.count == 1)
            }
        }
    }

    @Test func speechFailureKeepsTheTextAndRetriesTheAudio() async throws {
        let fakes = FakeServices()
        fakes.update { $0.speechFailures = 1 }
        try await fakes.run { base in
            try await withTestStore { store in
                let worker = Self.worker(store, base)
                let first = try await Self.runJob(store, worker, ["comprehensive", "audio"])
                #expect(first.status == .queued)
                #expect(first.reason?.contains("503") == true)
                let report = try #require(try await ReportReader(store: store).report(id: Self.video.rawValue))
                #expect(Set(report.summaries.map(\.variant.id)) == ["comprehensive", "audio"])
                #expect(try await ReportReader(store: store).audioInfo(for: Self.video) == nil)
                // The retry (its delay is a millisecond here) produces the audio; the texts are not asked again.
                try await Task.sleep(for: .milliseconds(20))
                let summaries = fakes.count("summary")
                _ = try await worker.runNext(only: first.id)
                let second = try #require(try await JobQueue(store: store).job(first.id))
                #expect(second.status == .succeeded, "\(second.reason ?? "")")
                #expect(second.attempts == 2)
                #expect(try await ReportReader(store: store).audioInfo(for: Self.video) != nil)
                #expect(fakes.count("summary") == summaries + 1)  // only the narration, which carries the audio
                #expect(try await ReportReader(store: store).revisions(of: Self.video, variant: .comprehensive).count == 1)
            }
        }
    }

    @Test func aDeleteWhileProcessingHoldsAndAnExplicitRequestBringsTheVideoBack() async throws {
        let fakes = FakeServices()
        try await fakes.run { base in
            try await withTestStore { store in
                let worker = Self.worker(store, base)
                _ = try await Self.runJob(store, worker, ["comprehensive"])
                var resurrections = 0
                var cancelled = 0
                for iteration in 0..<200 {
                    // The explicit request clears the tombstone; the delete lands at a random moment of the job.
                    fakes.update { $0.summaryPrefix = "Run \(iteration). " }
                    let job = try await JobQueue(store: store).enqueue(Self.video, variants: ["comprehensive"], force: true, requestedBy: "test")
                    let running = Task { try await worker.runNext(only: job.id) }
                    try await Task.sleep(for: .microseconds(Int.random(in: 0...15_000)))
                    _ = try await VideoStore(store: store).delete(Self.video, actor: "admin")
                    _ = try await running.value
                    let finished = try #require(try await JobQueue(store: store).job(job.id))
                    if finished.status == .cancelled {
                        #expect(finished.reason == "cancelled: deleted")
                        cancelled += 1
                    }
                    if try await ReportReader(store: store).report(id: Self.video.rawValue) != nil { resurrections += 1 }
                    if try await ReportReader(store: store).report(id: Self.video.rawValue) == nil, iteration < 199 {
                        // Put it back for the next round through an explicit request.
                        _ = try await Self.runJob(store, worker, ["comprehensive"], force: true)
                    }
                }
                #expect(resurrections == 0)
                #expect(cancelled > 0, "no delete landed while a job was running")
                // After the last delete, an explicit re-request brings it back.
                let back = try await Self.runJob(store, worker, ["comprehensive"], force: true)
                #expect(back.status == .succeeded)
                #expect(try await ReportReader(store: store).report(id: Self.video.rawValue) != nil)
            }
        }
    }
}

/// yt-dlp as the second way to a transcript, with a stand-in `yt-dlp` that behaves like the real command line does
/// today: without `--ignore-no-formats-error`, `--skip-download` on a video whose formats need a PO token exits 1
/// ("Requested format is not available"); of several subtitle tracks one can fail with HTTP 429, and then yt-dlp
/// exits 1 after writing the others. It lists the original language's speech-recognition track as `<lang>-orig` and
/// machine-translates the others. It records its arguments.
@Suite struct YTDLPFallbackTests {
    static let script = """
        #!/bin/sh
        log="$(dirname "$0")/calls.log"
        orig=$(cat "$(dirname "$0")/orig" 2>/dev/null || echo fr)
        echo "$@" >> "$log"
        out=""; id=""; dump=0; subs=0; formats=0; langs=""
        while [ $# -gt 0 ]; do
            case "$1" in
                --dump-json) dump=1 ;;
                --write-subs) subs=1 ;;
                --ignore-no-formats-error) formats=1 ;;
                --sub-langs) shift; langs="$1" ;;
                -o) shift; out="$1" ;;
                https://*) id="${1##*v=}" ;;
            esac
            shift
        done
        if [ $formats = 0 ]; then
            echo "ERROR: [youtube] $id: Requested format is not available. Use --list-formats for a list of available formats" >&2
            exit 1
        fi
        if [ $dump = 1 ]; then
            printf '{"id": "%s", "title": "From yt-dlp", "channel": "YT Channel", "duration": 61, "upload_date": "20240102", "language": "fr"}\\n' "$id"
            exit 0
        fi
        if [ $subs = 1 ]; then
            dir=$(dirname "$out")
            mkdir -p "$dir"
            for lang in $(echo "$langs" | tr ',' ' '); do
                case "$lang" in
                    fr-orig|".*-orig") [ "$orig" = fr ] && printf '{"events": [{"segs": [{"utf8": "Sous-titres originaux en français."}]}]}' > "$dir/$id.fr-orig.json3" ;;
                    en) printf '{"events": [{"segs": [{"utf8": "Machine-translated English subtitles."}]}]}' > "$dir/$id.en.json3" ;;
                    de) echo "ERROR: Unable to download video subtitles for 'de': HTTP Error 429: Too Many Requests" >&2 ;;
                esac
            done
            exit 1
        fi
        """

    static func install() throws -> URL {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-fake-ytdlp-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let tool = folder.appendingPathComponent("yt-dlp")
        try Data(Self.script.utf8).write(to: tool)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: tool.path)
        return folder
    }

    @Test func whenTheCaptionsAreGatedYTDLPGivesTheOriginalLanguageDespiteA429OnAnotherTrack() async throws {
        let folder = try Self.install()
        defer { try? FileManager.default.removeItem(at: folder) }
        let fakes = FakeServices()
        // The caption URLs all answer empty; the player lists French speech recognition only.
        fakes.update {
            $0.captionsEmpty = [ProcessorTests.video.rawValue]
            $0.tracks[ProcessorTests.video.rawValue] = [FakeYouTube.Track("fr", automatic: true)]
        }
        try await fakes.run { base in
            try await withTestStore { store in
                let logger = TestPostgres.logger
                let configuration = try ProcessorConfiguration(environment: [
                    "YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "PATH": folder.path + ":/usr/bin:/bin",
                    "TRANSCRIPT_LANGUAGES": "en,de",
                ])
                let worker = Worker(
                    jobs: JobQueue(store: store),
                    pipeline: configuration.pipeline(store: store, logger: logger),
                    concurrency: 1,
                    logger: logger
                )
                let job = try await ProcessorTests.runJob(store, worker, ["comprehensive"])
                #expect(job.status == .succeeded, "\(job.reason ?? "")")
                let report = try #require(try await ReportReader(store: store).report(id: ProcessorTests.video.rawValue))
                #expect(report.transcriptChars == "Sous-titres originaux en français.".count)
                #expect(report.summaries.first?.language == "fr")
                let calls = try String(contentsOf: folder.appendingPathComponent("calls.log"), encoding: .utf8)
                #expect(calls.contains("--ignore-errors"))
                #expect(!calls.contains("en.*"))
                #expect(calls.contains("fr,fr-orig"))

                // Without yt-dlp the same video fails naming the gate, not a missing transcript.
                let without = try ProcessorConfiguration(environment: ["YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "YTDLP": "0"])
                let other = Worker(
                    jobs: JobQueue(store: store),
                    pipeline: without.pipeline(store: store, logger: logger),
                    concurrency: 1,
                    logger: logger
                )
                let failed = try await ProcessorTests.runJob(store, other, ["bullet-points"])
                #expect(failed.status == .failed)
                #expect(failed.reason?.contains("proof-of-origin") == true, "\(failed.reason ?? "")")
            }
        }
    }

    @Test func yt_dlpsComplaintIsKeptWhenItFindsNothing() async throws {
        let folder = try Self.install()
        try Data("none".utf8).write(to: folder.appendingPathComponent("orig"))
        defer { try? FileManager.default.removeItem(at: folder) }
        let fakes = FakeServices()
        fakes.update {
            $0.captionsEmpty = [ProcessorTests.video.rawValue]
            $0.tracks[ProcessorTests.video.rawValue] = [FakeYouTube.Track("de", automatic: true)]
        }
        try await fakes.run { base in
            try await withTestStore { store in
                let logger = TestPostgres.logger
                let configuration = try ProcessorConfiguration(environment: [
                    "YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "PATH": folder.path + ":/usr/bin:/bin", "TRANSCRIPT_LANGUAGES": "de",
                ])
                let worker = Worker(
                    jobs: JobQueue(store: store),
                    pipeline: configuration.pipeline(store: store, logger: logger),
                    concurrency: 1,
                    logger: logger
                )
                let job = try await ProcessorTests.runJob(store, worker, ["comprehensive"])
                #expect(job.status == .failed)
                #expect(job.reason?.contains("HTTP Error 429") == true, "\(job.reason ?? "")")
                #expect(try await ReportReader(store: store).report(id: ProcessorTests.video.rawValue) == nil)
            }
        }
    }
}
