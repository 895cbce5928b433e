import ArgumentParser
import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import YTV2Core
import YTV2Migration
import YTV2Processor
import YTV2Store

struct ProcessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Summarize YouTube videos: queue a job for each and run it here (a `ytv2 worker` may also pick it up)."
    )

    @Argument(help: "YouTube URLs (watch, youtu.be, shorts, live, embed, m./music. hosts) or bare video ids.")
    var urls: [String] = []
    @Option(
        name: .long,
        parsing: .upToNextOption,
        help: "Variants: comprehensive, bullet-points, key-insights, executive, audio, audio-fr[:level], audio-es[:level]."
    )
    var variant: [String] = ["comprehensive"]
    @Flag(help: "Redo variants that are already stored.") var force = false
    @Flag(help: "Only queue the jobs; `ytv2 worker` runs them.") var queueOnly = false
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

    /// The videos asked for, each once, in the order given.
    func videoIDs() throws -> [VideoID] {
        var ids: [VideoID] = []
        for url in urls {
            let id: VideoID
            do { id = try VideoID(url: url) } catch {
                throw ValidationError("\(error.description); give a YouTube URL (https://youtu.be/<id>, …/watch?v=<id>) or an 11-character id")
            }
            if !ids.contains(id) { ids.append(id) }
        }
        guard !ids.isEmpty else { throw ValidationError("give at least one YouTube URL or video id") }
        return ids
    }

    /// The variants asked for; an unknown one names the valid ones, a wrong level the levels.
    func variantRequests() throws -> [VariantRequest] {
        try variant.map { name in
            do { return try VariantRequest(name) } catch {
                let parts = name.split(separator: ":", maxSplits: 1).map(String.init)
                if parts.count == 2, (try? VariantRequest(parts[0])) != nil {
                    throw ValidationError(
                        "--variant \(name): the level \"\(parts[1])\" is not one of \(ProficiencyLevel.allCases.map(\.rawValue).joined(separator: ", "))"
                    )
                }
                throw ValidationError(
                    "--variant \(name) is not a variant: use one of comprehensive, bullet-points, key-insights, executive, audio, "
                        + "audio-fr[:beginner|intermediate|advanced], audio-es[:beginner|intermediate|advanced]"
                )
            }
        }
    }

    /// Values checked while parsing (an unknown option is named before a missing URL, which `run()` reports).
    func validate() throws {
        if !urls.isEmpty { _ = try videoIDs() }
        _ = try variantRequests()
    }

    struct DryRun: Encodable {
        var videos: [String]
        var variants: [String]
        var providers: [String: String]
        var problems: [String]
    }

    func run() async throws {
        let ids = try videoIDs()
        let requests = try variantRequests()
        let configuration = try checked { () throws(ConfigurationError) in try ProcessorConfiguration() }
        let problems = configuration.problems
        if dryRun {
            if json {
                return try printJSON(
                    DryRun(
                        videos: ids.map(\.rawValue),
                        variants: requests.map(\.description),
                        providers: Dictionary(uniqueKeysWithValues: configuration.providers),
                        problems: problems
                    )
                )
            }
            print("videos \(ids.map(\.rawValue).joined(separator: ", ")): variants \(requests.map(\.description).joined(separator: ", "))")
            for (stage, provider) in configuration.providers { print("  \(stage.padding(toLength: 11, withPad: " ", startingAt: 0)) \(provider)") }
            for problem in problems { print("  problem: \(problem)") }
            return
        }
        // A run that cannot succeed says so before it starts (a queued job is left for a worker configured elsewhere).
        if let problem = problems.first, !queueOnly { throw CLIError(problem) }
        let logger = try global.makeLogger("ytv2.process")
        let (force, queueOnly) = (self.force, self.queueOnly)
        // Each stage on a terminal; nothing in a pipe.
        let progress = ProgressReporter.forTerminal()
        let reports = try await withStore(logger: logger) { store in
            var worker = Worker(
                jobs: JobQueue(store: store),
                pipeline: configuration.pipeline(store: store, logger: logger) { id, stage in progress.stage("\(id): \(stage)") },
                concurrency: 1,
                logger: logger
            )
            // Stopped (SIGTERM, Ctrl-C): the job goes back to the queue at once, for a worker to finish.
            worker.shutdownGrace = .zero
            let jobs = ProcessJobs(store: store, worker: worker, ids: ids, variants: requests.map(\.description), force: force, queueOnly: queueOnly)
            try await runToCompletion(jobs, logger: logger)
            return jobs.reports.withLock { $0 }
        }
        if json {
            if reports.count == 1 { try printJSON(reports[0]) } else { try printJSON(reports) }
        } else {
            for report in reports {
                if report.status == "queued", !queueOnly {
                    print("job \(report.job) for \(report.video_id): queued for a retry\(report.reason.map { " (\($0))" } ?? "")")
                    print("  `ytv2 worker` will finish it")
                    continue
                }
                print("job \(report.job) for \(report.video_id): \(report.status)\(report.reason.map { " (\($0))" } ?? "")")
                for warning in report.warnings { print("  warning: \(warning)") }
                if report.status == "succeeded" { print("  \(configuration.dashboardURL)/#report=yt:\(report.video_id)") }
            }
        }
        if reports.contains(where: { $0.status == "failed" || $0.status == "cancelled" }) { throw ExitCode(ExitStatus.differences) }
        if !queueOnly, reports.contains(where: { $0.status == "queued" || $0.status == "running" }) { throw ExitCode(ExitStatus.retryLater) }
    }
}

/// The jobs of one `ytv2 process` run, as a service: a stop signal ends it gracefully (the running job is handed back to
/// the queue), and the reports say how far it got.
final class ProcessJobs: Service {
    let store: Store
    let worker: Worker
    let ids: [VideoID]
    let variants: [String]
    let force: Bool
    let queueOnly: Bool
    let reports = Mutex<[ProcessCommand.Report]>([])

    init(store: Store, worker: Worker, ids: [VideoID], variants: [String], force: Bool, queueOnly: Bool) {
        self.store = store
        self.worker = worker
        self.ids = ids
        self.variants = variants
        self.force = force
        self.queueOnly = queueOnly
    }

    func run() async throws {
        for id in ids {
            let job = try await JobQueue(store: store).enqueue(id, variants: variants, force: force, requestedBy: "cli")
            // Run the job here; if a worker holds it, wait for that worker to finish it. Once stopping, later jobs
            // stay queued.
            let current = queueOnly || Task.isShuttingDownGracefully ? job : try await worker.runToEnd(job.id)
            let report = ProcessCommand.Report(
                job: current.id,
                video_id: id.rawValue,
                status: current.status.rawValue,
                reason: current.reason ?? (Task.isShuttingDownGracefully && !queueOnly ? "stopped: handed back to the queue" : nil),
                warnings: current.warnings
            )
            reports.withLock { $0.append(report) }
        }
    }
}

struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "worker",
        abstract: "Run queued processing jobs until stopped (Ctrl-C), with leases and retries."
    )

    @Option(help: "Jobs run at the same time.") var concurrency = 2
    @Option(help: "Seconds a job's lease lasts without renewal (a crashed worker's job is picked up after this).") var leaseSeconds = 60
    @Option(help: "On SIGTERM, seconds running jobs may still finish before they are handed back to the queue.")
    var shutdownGraceSeconds = 10
    @OptionGroup var global: GlobalOptions

    func validate() throws {
        guard concurrency >= 1 else { throw ValidationError("--concurrency must be at least 1") }
        guard leaseSeconds >= 3 else { throw ValidationError("--lease-seconds must be at least 3") }
        guard (0...60).contains(shutdownGraceSeconds) else { throw ValidationError("--shutdown-grace-seconds must be from 0 to 60") }
    }

    func run() async throws {
        let logger = try global.makeLogger("ytv2.worker")
        let configuration = try checked { () throws(ConfigurationError) in try ProcessorConfiguration() }
        let (concurrency, leaseSeconds, grace) = (self.concurrency, self.leaseSeconds, self.shutdownGraceSeconds)
        try await withStore(logger: logger) { store in
            var worker = Worker(
                jobs: JobQueue(store: store),
                pipeline: configuration.pipeline(store: store, logger: logger),
                concurrency: concurrency,
                lease: .seconds(leaseSeconds),
                logger: logger
            )
            worker.shutdownGrace = .seconds(grace)
            logger.notice("worker \(worker.owner) running \(worker.concurrency) jobs at a time")
            try await runUntilStopped([worker], logger: logger, maximumGrace: .seconds(grace + 5))
            logger.notice("worker stopped")
        }
    }
}

struct BotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bot",
        abstract: "Run the Telegram bot (long polling) for the users in TELEGRAM_ALLOWED_USERS."
    )

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = try global.makeLogger("ytv2.bot")
        let configuration = try checked { () throws(ConfigurationError) in try ProcessorConfiguration() }
        guard let token = configuration.telegramBotToken, !token.isEmpty else {
            throw CLIError("TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and export its token")
        }
        guard !configuration.telegramAllowedUsers.isEmpty else {
            throw CLIError("TELEGRAM_ALLOWED_USERS is empty: list the numeric Telegram user ids the bot may serve, comma-separated")
        }
        try await withStore(logger: logger) { store in
            let http = HTTPFetcher()
            let worker = Worker(
                jobs: JobQueue(store: store),
                pipeline: configuration.pipeline(store: store, http: http, logger: logger),
                concurrency: 1,
                logger: logger
            )
            var bot = TelegramBot(
                client: TelegramClient(baseURL: configuration.telegramBaseURL, token: token, http: http),
                worker: worker,
                allowedUsers: configuration.telegramAllowedUsers,
                dashboardURL: configuration.dashboardURL,
                logger: logger
            )
            bot.services = configuration.providers.map { (stage: $0.0, provider: $0.1) }
            logger.notice("Telegram bot running for \(configuration.telegramAllowedUsers.count) user(s)")
            try await runUntilStopped([bot], logger: logger, maximumGrace: .seconds(15))
            logger.notice("Telegram bot stopped")
        }
    }
}
