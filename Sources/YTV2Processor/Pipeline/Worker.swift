import Foundation
import Logging
import ServiceLifecycle
import Synchronization
import YTV2Core
import YTV2Store

/// Runs queued jobs with bounded concurrency. Each job is held by a lease that the worker renews while it works; a
/// worker that dies stops renewing, and another worker claims the job once the lease runs out.
///
/// A `Service`: on graceful shutdown (SIGTERM) it claims nothing more, lets running jobs finish for up to
/// ``shutdownGrace``, then interrupts the rest and hands them back to the queue, claimable by another worker at once.
package struct Worker: Sendable, Service {
    package let jobs: JobQueue
    package let pipeline: ProcessingPipeline
    package let owner: String
    package var concurrency: Int
    package var lease: Duration
    package var pollInterval: Duration
    /// Delay before retry number n is `retryBase * 2^(n-1)`, at most 10 minutes.
    package var retryBase: Duration
    /// How long running jobs may still finish once the worker is asked to stop.
    package var shutdownGrace: Duration = .seconds(10)
    package let logger: Logger

    package init(
        jobs: JobQueue,
        pipeline: ProcessingPipeline,
        concurrency: Int = 2,
        lease: Duration = .seconds(60),
        pollInterval: Duration = .seconds(1),
        retryBase: Duration = .seconds(10),
        logger: Logger
    ) {
        self.jobs = jobs
        self.pipeline = pipeline
        self.owner = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier):\(UUID().uuidString.prefix(8))"
        self.concurrency = max(1, concurrency)
        self.lease = lease
        self.pollInterval = pollInterval
        self.retryBase = retryBase
        self.logger = logger
    }

    /// Claims and runs jobs until cancelled or shut down gracefully. The worker outlives database outages: a slot that
    /// cannot reach the queue waits (doubling up to 30 s) and tries again; a job whose result could not be recorded
    /// keeps its lease until it runs out and is then claimed again, and the store turns the repeated commit into no new
    /// revision.
    package func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<concurrency {
                group.addTask {
                    var failures = 0
                    while !Task.isCancelled && !Task.isShuttingDownGracefully {
                        do {
                            let ran = try await runNext()
                            failures = 0
                            if ran == nil { try await Task.sleep(for: pollInterval) }
                        } catch is CancellationError {
                            return
                        } catch {
                            failures += 1
                            let delay = min(pollInterval * (1 << min(failures - 1, 5)), .seconds(30))
                            logger.warning("cannot reach the job queue; retrying", metadata: ["error": "\(error)", "in": "\(delay)"])
                            try await Task.sleep(for: delay)
                        }
                    }
                }
            }
            try await withGracefulShutdownHandler {
                try await group.waitForAll()
            } onGracefulShutdown: {
                logger.notice("stopping: no new jobs; running jobs may finish for \(shutdownGrace)")
            }
        }
    }

    /// Claims one job (any, or only `jobID`) and runs it to its end. Nil when there was nothing to claim.
    @discardableResult
    package func runNext(only jobID: Int64? = nil) async throws -> (Job, JobOutcome)? {
        guard !Task.isShuttingDownGracefully else { return nil }
        guard let job = try await jobs.claim(owner: owner, lease: lease, only: jobID) else { return nil }
        logger.info("job \(job.id) started", metadata: ["video": "\(job.videoID)", "attempt": "\(job.attempts)"])
        let (outcome, interrupted) = await withLeaseRenewal(job) { await runInterruptibly(job) }
        if interrupted, !outcome.isFinal {
            // Stopped before it ended: the next worker starts it over (a text already stored adds no revision).
            let released = try await jobs.release(job.id, owner: owner)
            logger.notice("job \(job.id) handed back to the queue: the worker is stopping", metadata: ["released": "\(released)"])
            return (job, outcome)
        }
        try await record(job, outcome)
        return (job, outcome)
    }

    /// Runs the job; once the worker is asked to stop, the job has ``shutdownGrace`` to finish before it is cancelled.
    /// Returns the outcome and whether the job was interrupted.
    private func runInterruptibly(_ job: Job) async -> (JobOutcome, Bool) {
        let pipeline = self.pipeline
        let work = Task { await pipeline.run(job) }
        let interruption = Interruption()
        let grace = shutdownGrace
        let outcome = await withGracefulShutdownHandler {
            await withTaskCancellationHandler {
                await work.value
            } onCancel: {
                interruption.interrupt(work)
            }
        } onGracefulShutdown: {
            Task {
                try? await Task.sleep(for: grace)
                interruption.interrupt(work)
            }
        }
        return (outcome, interruption.happened)
    }

    /// Whether a job's task was cancelled because the worker is stopping.
    private final class Interruption: Sendable {
        private let flag = Mutex(false)
        var happened: Bool { flag.withLock { $0 } }
        func interrupt(_ task: Task<JobOutcome, Never>) {
            flag.withLock { $0 = true }
            task.cancel()
        }
    }

    /// Runs `jobID` here (or waits for the worker that holds it) until it ends or goes back to the queue for a retry.
    /// Once the worker is stopping, returns the job as it is (handed back to the queue when it was running here).
    package func runToEnd(_ jobID: Int64) async throws -> Job {
        while true {
            if try await runNext(only: jobID) == nil, !Task.isShuttingDownGracefully { try await Task.sleep(for: .milliseconds(300)) }
            guard let job = try await jobs.job(jobID) else { throw StoreError.invalidInput("job \(jobID) does not exist") }
            let ended = job.status != .queued && job.status != .running
            if ended || (job.status == .queued && job.attempts > 0) || Task.isShuttingDownGracefully { return job }
        }
    }

    /// Runs the job while a side task renews its lease every third of the lease time.
    private func withLeaseRenewal<T>(_ job: Job, _ body: () async -> T) async -> T {
        let (jobs, owner, lease) = (self.jobs, self.owner, self.lease)
        let renewal = Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: lease / 3)
                if Task.isCancelled { break }
                _ = try? await jobs.renewLease(job.id, owner: owner, lease: lease)
            }
        }
        defer { renewal.cancel() }
        return await body()
    }

    private func record(_ job: Job, _ outcome: JobOutcome) async throws {
        switch outcome {
        case .succeeded(let stored, let warnings):
            let result = "{\"stored\": \(stored.jsonArrayText)}"
            try await jobs.finish(job.id, owner: owner, status: .succeeded, warnings: warnings, resultJSON: result)
            logger.info("job \(job.id) succeeded", metadata: ["video": "\(job.videoID)", "stored": "\(stored)"])
        case .cancelledDeleted:
            try await jobs.finish(job.id, owner: owner, status: .cancelled, reason: "cancelled: deleted")
            logger.notice("job \(job.id) cancelled: the video was deleted while it ran", metadata: ["video": "\(job.videoID)"])
        case .failed(let reason):
            try await jobs.finish(job.id, owner: owner, status: .failed, reason: reason)
            logger.warning("job \(job.id) failed: \(reason)", metadata: ["video": "\(job.videoID)"])
        case .retry(let reason, _, let notBefore):
            let exponent = min(max(job.attempts - 1, 0), 16)
            // The backoff, or the wait the service asked for when that is longer.
            let delay = max(min(retryBase * (1 << exponent), .seconds(600)), notBefore ?? .zero)
            let status = try await jobs.retry(job.id, owner: owner, reason: reason, after: delay)
            logger.warning("job \(job.id) will be retried: \(reason)", metadata: ["video": "\(job.videoID)", "status": "\(status?.rawValue ?? "?")"])
        }
    }
}
