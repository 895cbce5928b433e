import AsyncHTTPClient
import Foundation
import NIOCore
import Synchronization
import Testing
import YTV2Core
import YTV2Fakes
import YTV2Store
import YTV2TestSupport

#if canImport(Glibc)
import Glibc
import NIOHTTP1
#endif

/// Deploys send SIGTERM and kill what has not stopped about 30 s later: every long-running command must stop on it
/// gracefully and quickly, dropping nothing.
@Suite(.serialized, EndToEnd.timeLimit(margin: 5)) struct StopDrillTests {
    /// How long `process` took to exit after SIGTERM, and its exit status; nil when it had not exited after `limit`.
    static func terminate(_ running: EndToEnd.Running, limit: Duration = .seconds(20)) async -> (Duration, Int32)? {
        let sent = ContinuousClock.now
        kill(running.process.processIdentifier, SIGTERM)
        while running.process.isRunning {
            if ContinuousClock.now - sent > limit { return nil }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return (ContinuousClock.now - sent, running.process.terminationStatus)
    }

    @Test func serveStopsWithinFiveSecondsWithClientsConnectedAndFinishesWhatItStarted() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-e2e-stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TestPostgres.shared.makeDatabase()
        let env = ["DATABASE_URL": database.url, "LOG_LEVEL": "notice", "YTV2_INGEST_TOKEN": EndToEnd.ingestToken]
        // 16 MB of audio, more than the loopback socket buffers hold: the client reads one chunk and then nothing until
        // the stop is sent, so serve is still writing the response at SIGTERM; then the client reads at full speed, and
        // the rest must arrive within the stop's 4 s (however busy the machine, it is a local copy of a few MB).
        let audio = TestAudio.mp3(frames: 40_000)
        let store = Store(configuration: database, logger: TestPostgres.logger)
        try await store.withRunning { store in
            try await store.migrate()
            try await VideoStore(store: store).commit(
                VideoWrite(
                    videoID: try VideoID("StopDrill01"),
                    metadata: VideoMetadata(title: "Long narration"),
                    summaries: [SummaryDraft(variant: .audio, text: "Narration")],
                    audio: AudioDraft(bytes: audio),
                    actor: "test"
                )
            )
        }
        let port = EndToEnd.freePort()
        let base = "http://127.0.0.1:\(port)"
        let serve = try EndToEnd.Running(["serve", "--port", String(port)], environment: env, logFolder: folder)
        try await EndToEnd.waitForHealth(base)

        // Three SSE clients, two idle keep-alive connections, and a slow reader of the audio.
        let client = HTTPClient.shared
        let streams = try await (0..<3).asyncMap { _ in
            try await client.execute(HTTPClientRequest(url: base + "/api/report-events"), timeout: .seconds(60))
        }
        for _ in 0..<2 { _ = try await client.execute(HTTPClientRequest(url: base + "/health"), timeout: .seconds(5)).body.collect(upTo: 1 << 16) }
        let audioResponse = try await client.execute(HTTPClientRequest(url: base + "/exports/by_video/StopDrill01.mp3"), timeout: .seconds(60))
        #expect(audioResponse.status == .ok)
        let received = Mutex(0)
        let stopSent = Atomic(false)
        let reader = Task {
            for try await chunk in audioResponse.body {
                received.withLock { $0 += chunk.readableBytes }
                while !stopSent.load(ordering: .relaxed) { try await Task.sleep(for: .milliseconds(5)) }
            }
        }
        try await Task.sleep(for: .milliseconds(200))
        #expect(received.withLock { $0 } < audio.count, "the audio was read before the stop")

        stopSent.store(true, ordering: .relaxed)
        let stopped = await Self.terminate(serve)
        let (took, status) = try #require(stopped, "ytv2 serve was still running 20 s after SIGTERM")
        #expect(status == 0)
        #expect(took < .seconds(5))
        // The SSE streams ended (browsers reconnect), and the audio that was being sent arrived whole.
        for stream in streams {
            do { for try await _ in stream.body {} } catch { Issue.record("a live-update stream did not end cleanly: \(error)") }
        }
        try await reader.value
        #expect(received.withLock { $0 } == audio.count)
        EndToEnd.report(
            "stop: serve",
            iterations: 1,
            operations: 6,
            failures: (took < .seconds(5) && status == 0 && received.withLock { $0 } == audio.count) ? 0 : 1,
            figures: String(format: "exit 0 after %.2f s with 3 SSE clients, 2 keep-alive connections and a 16 MB download in flight", took.inSeconds)
        )
    }

    @Test func aWorkerStoppedMidJobHandsItBackAndAnotherFinishesIt() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-e2e-stop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TestPostgres.shared.makeDatabase()
        let services = FakeServices()
        let figures = Mutex([String]())
        try await services.run { base in
            let env = [
                "DATABASE_URL": database.url, "LOG_LEVEL": "notice", "YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "YTDLP": "0",
                "TTS_LOCAL": "0",
            ]
            try await EndToEnd.cli(["db", "migrate"], environment: env)
            // The LLM answers nothing until the gate opens: the job is in the middle of its work.
            await services.gate.close()
            try await EndToEnd.cli(["process", "--queue-only", "https://youtu.be/StopJob0001"], environment: env)
            let first = try EndToEnd.Running(
                ["worker", "--concurrency", "1", "--lease-seconds", "60", "--shutdown-grace-seconds", "1"],
                environment: env,
                logFolder: folder
            )
            let deadline = ContinuousClock.now + .seconds(30)
            while await services.gate.waiting == 0, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(50)) }
            #expect(await services.gate.waiting > 0, "the job never reached the LLM")
            let stopped = await Self.terminate(first)
            let (took, status) = try #require(stopped, "the worker was still running 20 s after SIGTERM")
            #expect(status == 0)
            #expect(took < .seconds(5))
            figures.withLock { $0.append(String(format: "worker exit 0 after %.2f s mid-job", took.inSeconds)) }

            // Handed back: queued, no lease, the interrupted attempt not counted: another worker takes it at once.
            let job = try await Store(configuration: database, logger: TestPostgres.logger).withRunning {
                try await JobQueue(store: $0).recent(limit: 1).first
            }
            #expect(job?.status == .queued && job?.leaseOwner == nil && job?.attempts == 0, "\(String(describing: job))")
            await services.gate.open()
            let second = try EndToEnd.Running(["worker", "--concurrency", "1"], environment: env, logFolder: folder)
            let taken = ContinuousClock.now
            let jobs = try await EndToEnd.drainedJobs(database, limit: 1, timeout: .seconds(30))
            #expect(jobs.first?.status == .succeeded)
            let finished = (ContinuousClock.now - taken).inSeconds
            figures.withLock { $0.append(String(format: "claimed and finished by another worker %.1f s later", finished)) }
            let secondStop = await Self.terminate(second)
            #expect(secondStop?.1 == 0)
            let revisions = try await Store(configuration: database, logger: TestPostgres.logger).withRunning {
                try await ReportReader(store: $0).revisions(of: try VideoID("StopJob0001"), variant: .comprehensive).count
            }
            #expect(revisions == 1, "stored once")
        }
        EndToEnd.report("stop: worker", iterations: 1, operations: 2, failures: 0, figures: figures.withLock { $0.joined(separator: "; ") })
    }
}

extension Sequence {
    func asyncMap<T>(_ transform: (Element) async throws -> T) async rethrows -> [T] {
        var result: [T] = []
        for element in self { result.append(try await transform(element)) }
        return result
    }
}
