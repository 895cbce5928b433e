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
            let current = try await worker.runToEnd(job.id)
            return Report(job: current.id, video_id: id.rawValue, status: current.status.rawValue, reason: current.reason, warnings: current.warnings)
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

struct BotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bot", abstract: "Run the Telegram bot (long polling) for the users in TELEGRAM_ALLOWED_USERS.")

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = try global.makeLogger("ytv2.bot")
        let configuration = ProcessorConfiguration()
        guard let token = configuration.telegramBotToken, !token.isEmpty else {
            throw CLIError("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token")
        }
        guard !configuration.telegramAllowedUsers.isEmpty else {
            throw CLIError("TELEGRAM_ALLOWED_USERS is empty: list the numeric Telegram user ids the bot may serve, comma-separated")
        }
        try await withStore(logger: logger) { store in
            let http = HTTPFetcher()
            let worker = Worker(store: store, pipeline: configuration.pipeline(store: store, http: http, logger: logger), concurrency: 1, logger: logger)
            let bot = TelegramBot(
                client: TelegramClient(baseURL: configuration.telegramBaseURL, token: token, http: http), store: store, worker: worker,
                allowedUsers: configuration.telegramAllowedUsers, dashboardURL: configuration.dashboardURL, logger: logger)
            logger.notice("Telegram bot running for \(configuration.telegramAllowedUsers.count) user(s)")
            try await bot.run()
        }
    }
}
