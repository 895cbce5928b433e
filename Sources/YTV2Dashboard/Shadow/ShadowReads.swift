import Foundation
import Logging
import NIOCore
import Synchronization
import YTV2Core
import YTV2Store

/// The control side of shadow reads: what the legacy copy answers (phase Shadow) for one report, a list page with its
/// filters, search and sort, and the facet counts.
package protocol ControlReads: Sendable {
    func report(_ id: VideoID) async throws -> ReportRecord?
    func reports(_ query: ReportQuery) async throws -> ReportPage
    func facets(_ query: ReportQuery) async throws -> ReportFacets
}

/// Shadow reads: how to reach the legacy copy, how much to compare, how long the candidate may take.
package struct ShadowConfiguration: Sendable {
    package var control: any ControlReads
    /// Share of reads compared, in percent (the others are served from the control only).
    package var samplePercent: Double
    /// The candidate (PostgreSQL) is abandoned after this; the response never waits longer for it.
    package var candidateTimeout: Duration
    /// Mismatches stored with both payloads, per process.
    package var mismatchCap: Int

    package init(control: any ControlReads, samplePercent: Double = 100, candidateTimeout: Duration = .milliseconds(500), mismatchCap: Int = 1_000) {
        self.control = control
        self.samplePercent = samplePercent
        self.candidateTimeout = candidateTimeout
        self.mismatchCap = mismatchCap
    }
}

/// In phase Shadow the read routes (one report, the list with its filters and search, the facets) are served from the
/// legacy copy (control) while the same read runs against PostgreSQL (candidate), in random order; the normalized JSON
/// of both is compared and recorded with the timings of both sides. In every other phase reads come from PostgreSQL.
/// The phase is re-read at most once a second, so an advance or a rollback reaches a running dashboard within a second.
final class ShadowReads: Sendable {
    let configuration: ShadowConfiguration?
    let store: Store
    let logger: Logger
    private let phase = Mutex<(name: String, readAt: ContinuousClock.Instant?)>(("Off", nil))
    private let storedMismatches = Mutex(0)

    /// Fields that legitimately differ between the two sides: the legacy copy has no revision history and no
    /// generation times, and its summary variants carry no language of their own (so neither do the item's summary and
    /// narration languages, which are read from them).
    static let ignoredKeys: Set<String> = ["revision", "generated_at", "updated_at", "summary_language", "audio_language"]
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
        let name = (try? await MigrationLedger(store: store).phaseRecord().phase) ?? cached.name
        phase.withLock { $0 = (name, .now) }
        return name
    }

    /// Whether reads are served from the legacy copy now.
    func active() async -> Bool {
        guard configuration != nil else { return false }
        return await currentPhase() == "Shadow"
    }

    /// Serves the control's answer and compares it with the candidate's (when sampled). `encode` makes the body the
    /// route sends; the comparison reads those same bytes, so it sees exactly what a client would, and the body comes
    /// back with the answer so the route does not encode it again.
    func compare<Value: Sendable>(
        route: String,
        control: @Sendable (any ControlReads) async throws -> Value,
        candidate: @escaping @Sendable () async throws -> Value,
        encode: (Value) throws -> ByteBuffer
    ) async throws -> (value: Value, body: ByteBuffer) {
        guard let configuration else {
            let value = try await candidate()
            return (value, try encode(value))
        }
        let source = configuration.control
        guard Double.random(in: 0..<100) < configuration.samplePercent else {
            let value = try await control(source)
            return (value, try encode(value))
        }
        // Random order, so neither side always runs on a warm cache.
        let timeout = configuration.candidateTimeout
        let candidateFirst = Bool.random()
        var candidateRun: (result: Result<Value, any Error>?, milliseconds: Double?) = (nil, nil)
        if candidateFirst { candidateRun = await Self.timed(timeout, candidate) }
        let controlStarted = ContinuousClock.now
        let served = try await control(source)
        let controlMilliseconds = (ContinuousClock.now - controlStarted).inSeconds * 1000
        if !candidateFirst { candidateRun = await Self.timed(timeout, candidate) }

        let body = try encode(served)
        let controlJSON = Self.normalizedJSON(body)
        let candidateJSON: String
        switch candidateRun.result {
        case .success(let value)?: candidateJSON = (try? encode(value)).map(Self.normalizedJSON) ?? "candidate could not be encoded"
        case .failure(let error)?: candidateJSON = "candidate failed: \(error)"
        case nil: candidateJSON = "candidate timed out after \(timeout)"
        }
        let matched = controlJSON == candidateJSON
        let keepBodies =
            !matched
            && storedMismatches.withLock { count in
                count += 1
                return count <= configuration.mismatchCap
            }
        let (store, logger, candidateMilliseconds) = (self.store, self.logger, candidateRun.milliseconds)
        // Recorded beside the response, never in its way.
        Task {
            do {
                try await MigrationLedger(store: store).recordShadowRead(
                    route: route,
                    matched: matched,
                    controlMilliseconds: controlMilliseconds,
                    candidateMilliseconds: candidateMilliseconds,
                    controlBody: keepBodies ? controlJSON : nil,
                    candidateBody: keepBodies ? candidateJSON : nil
                )
            } catch {
                logger.warning("cannot record a shadow read", metadata: ["error": "\(error)"])
            }
        }
        return (served, body)
    }

    /// The candidate's result and how long it took, or no result when it took longer than `timeout`.
    static func timed<Value: Sendable>(
        _ timeout: Duration,
        _ body: @escaping @Sendable () async throws -> Value
    ) async -> (result: Result<Value, any Error>?, milliseconds: Double?) {
        let started = ContinuousClock.now
        let result = await withTimeout(timeout, body)
        return (result, result == nil ? nil : (ContinuousClock.now - started).inSeconds * 1000)
    }

    /// The body with the ignored keys removed and keys sorted.
    static func normalizedJSON(_ body: ByteBuffer) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(body.readableBytesView), options: [.fragmentsAllowed]) else { return "null" }
        let cleaned = strip(object)
        guard let normalized = try? JSONSerialization.data(withJSONObject: cleaned, options: [.sortedKeys, .fragmentsAllowed]) else { return "null" }
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
    static func withTimeout<Value: Sendable>(
        _ timeout: Duration,
        _ body: @escaping @Sendable () async throws -> Value
    ) async -> Result<Value, any Error>? {
        let outcome = try? await withAbandonableTask { () -> Result<Value, any Error>? in
            do { return .success(try await body()) } catch { return .failure(error) }
        } watchdog: {
            try await Task.sleep(for: timeout)
            return nil
        }
        return outcome ?? nil
    }
}
