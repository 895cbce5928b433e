import ArgumentParser
import Foundation
import Logging
import YTV2Core
import YTV2Processor
import YTV2Store

struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Summarize one YouTube video: queue a job for it and run it here (a `ytv2 worker` may also pick it up).")

    @Argument(help: "A YouTube URL (watch, youtu.be, shorts, live, embed, m./music. hosts) or a bare video id.")
    var url: String
    @Option(name: .long, parsing: .upToNextOption, help: "Variants: comprehensive, bullet-points, key-insights, executive, audio, audio-fr[:level], audio-es[:level].")
    var variant: [String] = ["comprehensive"]
    @Flag(help: "Redo variants that are already stored.") var force = false
    @Flag(help: "Show which providers would be used, and do nothing.") var dryRun = false
    @Flag(help: "Print the outcome as JSON.") var json = false
    @OptionGroup var global: GlobalOptions

    struct Report: Encodable {
        var job: Int64
        var video_id: String
        var status: String
        var reason: String?
        var warnings: [String]
    }

    func run() async throws {
        let id: VideoID
        do { id = try VideoID(url: url) } catch { throw ValidationError(error.description) }
        let requests: [VariantRequest]
        do { requests = try variant.map { try VariantRequest($0) } } catch { throw ValidationError("\(error)") }
        let configuration = ProcessorConfiguration()
        if dryRun {
            print("video \(id): variants \(requests.map(\.description).joined(separator: ", "))")
            for (stage, provider) in configuration.providers { print("  \(stage.padding(toLength: 11, withPad: " ", startingAt: 0)) \(provider)") }
            return
        }
        let logger = try global.makeLogger("ytv2.process")
        let report = try await withStore(logger: logger) { store in
            let job = try await store.enqueueJob(id, variants: requests.map(\.description), force: force, requestedBy: "cli")
            let worker = Worker(store: store, pipeline: configuration.pipeline(store: store, logger: logger), concurrency: 1, logger: logger)
            // Run this job here; if a worker holds it, wait for that worker to finish it.
            while true {
                if try await worker.runNext(only: job.id) == nil {
                    try await Task.sleep(for: .milliseconds(500))
                }
                guard let current = try await store.job(job.id) else { throw CLIError("job \(job.id) disappeared") }
                // Done when it ended, or when it went back to the queue for a retry (a worker finishes it later).
                let ended = current.status != .queued && current.status != .running
                if ended || (current.status == .queued && current.attempts > 0) {
                    return Report(job: current.id, video_id: id.rawValue, status: current.status.rawValue, reason: current.reason, warnings: current.warnings)
                }
            }
        }
        if json { try printJSON(report) } else {
            print("job \(report.job) for \(report.video_id): \(report.status)\(report.reason.map { " (\($0))" } ?? "")")
            for warning in report.warnings { print("  warning: \(warning)") }
            if report.status == "succeeded" { print("  \(configuration.dashboardURL)/#report=yt:\(report.video_id)") }
            if report.status == "queued" { print("  queued for a retry; `ytv2 worker` will finish it") }
        }
        if report.status == "failed" || report.status == "cancelled" { throw ExitCode(1) }
    }
}

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker", abstract: "Run queued processing jobs until stopped (Ctrl-C), with leases and retries.")

    @Option(help: "Jobs run at the same time.") var concurrency = 2
    @Option(help: "Seconds a job's lease lasts without renewal (a crashed worker's job is picked up after this).") var leaseSeconds = 60
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = try global.makeLogger("ytv2.worker")
        let configuration = ProcessorConfiguration()
        try await withStore(logger: logger) { store in
            let worker = Worker(
                store: store, pipeline: configuration.pipeline(store: store, logger: logger), concurrency: concurrency,
                lease: .seconds(max(3, leaseSeconds)), logger: logger)
            logger.notice("worker \(worker.owner) running \(worker.concurrency) jobs at a time")
            try await worker.run()
        }
    }
}
