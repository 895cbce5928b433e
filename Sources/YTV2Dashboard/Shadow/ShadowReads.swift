import Foundation
import Logging
import Synchronization
import YTV2Core
import YTV2Store

/// The control side of shadow reads: a single report as the legacy copy holds it (phase Shadow).
public protocol ControlReads: Sendable {
    func report(_ id: VideoID) async throws -> ReportRecord?
}

/// Shadow reads: how to reach the legacy copy, how much to compare, how long the candidate may take.
public struct ShadowConfiguration: Sendable {
    public var control: any ControlReads
    /// Share of reads compared, in percent (the others are served from the control only).
    public var samplePercent: Double
    /// The candidate (PostgreSQL) is abandoned after this; the response never waits longer for it.
    public var candidateTimeout: Duration
    /// Mismatches stored with both payloads, per process.
    public var mismatchCap: Int

    public init(control: any ControlReads, samplePercent: Double = 100, candidateTimeout: Duration = .milliseconds(500), mismatchCap: Int = 1_000) {
        self.control = control
        self.samplePercent = samplePercent
        self.candidateTimeout = candidateTimeout
        self.mismatchCap = mismatchCap
    }
}

/// In phase Shadow the single-report routes are served from the legacy copy (control) while the same read runs
/// against PostgreSQL (candidate), in random order; the normalized JSON of both is compared and recorded with the
/// timings of both sides. In every other phase reads come from PostgreSQL. The phase is re-read at most once a
/// second, so an advance or a rollback reaches a running dashboard within a second.
final class ShadowReads: Sendable {
    let configuration: ShadowConfiguration?
    let store: Store
    let logger: Logger
    private let phase = Mutex<(name: String, readAt: ContinuousClock.Instant?)>(("Off", nil))
    private let storedMismatches = Mutex(0)

    /// Fields that legitimately differ between the two sides: the legacy copy has no revision history and no
    /// generation times, and its summary variants carry no language of their own.
    static let ignoredKeys: Set<String> = ["revision", "generated_at", "updated_at"]
    static let ignoredVariantKeys: Set<String> = ["language"]

    init(configuration: ShadowConfiguration?, store: Store, logger: Logger) {
        self.configuration = configuration
        self.store = store
        self.logger = logger
    }

    /// The current phase, re-read when the cached value is older than a second.
    func currentPhase() async -> String {
        let cached = phase.withLock { $0 }
        if let at = cached.readAt, ContinuousClock.now - at < .seconds(1) { return cached.name }
        let name = (try? await store.phaseRecord().phase) ?? cached.name
        phase.withLock { $0 = (name, .now) }
        return name
    }

    /// Whether reads are served from the legacy copy now.
    func active() async -> Bool {
        guard configuration != nil else { return false }
        return await currentPhase() == "Shadow"
    }

    /// Serves the control's record and compares it with the candidate's (when sampled).
    func report(_ id: VideoID, route: String, candidate: @escaping @Sendable () async throws -> ReportRecord?) async throws -> ReportRecord? {
        guard let configuration else { return try await candidate() }
        let control = configuration.control
        guard Double.random(in: 0..<100) < configuration.samplePercent else { return try await control.report(id) }
        var controlResult: ReportRecord?
        var controlMilliseconds = 0.0
        var candidateResult: Result<ReportRecord?, any Error>?
        var candidateMilliseconds: Double?
        let timeout = configuration.candidateTimeout
        func runControl() async throws {
            let started = ContinuousClock.now
            controlResult = try await control.report(id)
            controlMilliseconds = (ContinuousClock.now - started).inSeconds * 1000
        }
        func runCandidate() async {
            let started = ContinuousClock.now
            candidateResult = await Self.withTimeout(timeout, candidate)
            if candidateResult != nil { candidateMilliseconds = (ContinuousClock.now - started).inSeconds * 1000 }
        }
        if Bool.random() {
            try await runControl()
            await runCandidate()
        } else {
            await runCandidate()
            try await runControl()
        }
        let controlJSON = Self.normalizedJSON(controlResult)
        let candidateJSON: String
        switch candidateResult {
        case .success(let record)?: candidateJSON = Self.normalizedJSON(record)
        case .failure(let error)?: candidateJSON = "candidate failed: \(error)"
        case nil: candidateJSON = "candidate timed out after \(timeout)"
        }
        let matched = controlJSON == candidateJSON
        let keepBodies = !matched && storedMismatches.withLock { count in
            count += 1
            return count <= configuration.mismatchCap
        }
        let (store, logger) = (self.store, self.logger)
        let measured = (controlMilliseconds, candidateMilliseconds)
        // Recorded beside the response, never in its way.
        Task {
            do {
                try await store.recordShadowRead(
                    route: route, matched: matched, controlMilliseconds: measured.0, candidateMilliseconds: measured.1,
                    controlBody: keepBodies ? controlJSON : nil, candidateBody: keepBodies ? candidateJSON : nil)
            } catch {
                logger.warning("cannot record a shadow read", metadata: ["error": "\(error)"])
            }
        }
        return controlResult
    }

    /// The record as the single-report route encodes it, with the ignored keys removed and keys sorted.
    static func normalizedJSON(_ record: ReportRecord?) -> String {
        guard let record, let data = try? JSONEncoder().encode(ReportItem(record, includeSummary: true)),
              let object = try? JSONSerialization.jsonObject(with: data)
        else { return "null" }
        let cleaned = strip(object)
        guard let normalized = try? JSONSerialization.data(withJSONObject: cleaned, options: [.sortedKeys]) else { return "null" }
        return String(decoding: normalized, as: UTF8.self)
    }

    static func strip(_ value: Any, inVariants: Bool = false) -> Any {
        if let object = value as? [String: Any] {
            var result: [String: Any] = [:]
            for (key, child) in object where !ignoredKeys.contains(key) && !(inVariants && ignoredVariantKeys.contains(key)) {
                result[key] = strip(child, inVariants: key == "summary_variants")
            }
            return result
        }
        if let array = value as? [Any] { return array.map { strip($0, inVariants: inVariants) } }
        return value
    }

    /// The candidate's result, or nil when it took longer than `timeout` (it is then cancelled and left behind).
    static func withTimeout(
        _ timeout: Duration, _ body: @escaping @Sendable () async throws -> ReportRecord?
    ) async -> Result<ReportRecord?, any Error>? {
        let outcome = try? await withAbandonableTask { () -> Result<ReportRecord?, any Error>? in
            do { return .success(try await body()) } catch { return .failure(error) }
        } watchdog: {
            try await Task.sleep(for: timeout)
            return nil
        }
        return outcome ?? nil
    }
}
