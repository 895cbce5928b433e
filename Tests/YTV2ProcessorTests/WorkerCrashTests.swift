import Foundation
import Testing
import YTV2Core
import YTV2Fakes
import YTV2Processor
import YTV2Store
import YTV2TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A real `ytv2 worker` process killed with SIGKILL mid-job: its lease runs out and another worker stores the result
/// exactly once.
@Suite(.timeLimit(.minutes(5))) struct WorkerCrashTests {

    @Test func aKilledWorkersJobIsResumedByAnotherAndStoredOnce() async throws {
        let fakes = FakeServices()
        try await fakes.run { base in
            try await withTestStore { store in
                let video = try VideoID("AbCdEfGhIj0")
                let job = try await JobQueue(store: store).enqueue(video, variants: ["comprehensive"], requestedBy: "test")
                await fakes.gate.close()

                let process = Process()
                process.executableURL = try YTV2Executable.url()
                process.arguments = ["worker", "--concurrency", "1", "--lease-seconds", "3"]
                var environment = ProcessInfo.processInfo.environment
                environment["DATABASE_URL"] = store.configuration.url
                environment["YOUTUBE_BASE_URL"] = base
                environment["LLM_BASE_URL"] = base + "/v1"
                environment["LOG_LEVEL"] = "error"
                environment.removeValue(forKey: "TTS_BASE_URL")
                process.environment = environment
                process.standardOutput = FileHandle.nullDevice
                process.standardError = FileHandle.nullDevice
                try process.run()
                // Wait until the worker's request to the LLM is held at the gate: it is mid-job.
                for _ in 0..<600 where await fakes.gate.waiting == 0 { try await Task.sleep(for: .milliseconds(20)) }
                #expect(await fakes.gate.waiting == 1)
                #expect(try await JobQueue(store: store).job(job.id)?.status == .running)
                kill(process.processIdentifier, SIGKILL)
                process.waitUntilExit()
                await fakes.gate.open()

                // Another worker claims the job once the dead worker's lease (3 s) has run out.
                let logger = TestPostgres.logger
                let configuration = try ProcessorConfiguration(environment: ["YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1"])
                let rescuer = Worker(
                    jobs: JobQueue(store: store),
                    pipeline: configuration.pipeline(store: store, logger: logger),
                    concurrency: 1,
                    logger: logger
                )
                #expect(try await rescuer.runNext(only: job.id) == nil)  // still leased by the dead worker
                var finished: Job?
                for _ in 0..<100 {
                    if try await rescuer.runNext(only: job.id) != nil {
                        finished = try await JobQueue(store: store).job(job.id)
                        break
                    }
                    try await Task.sleep(for: .milliseconds(100))
                }
                #expect(finished?.status == .succeeded)
                #expect(finished?.attempts == 2)
                #expect(try await ReportReader(store: store).revisions(of: video, variant: .comprehensive).count == 1)
            }
        }
    }
}
