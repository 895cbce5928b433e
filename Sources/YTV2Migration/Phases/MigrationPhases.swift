import Foundation
import YTV2Store

/// One requirement of a gate: what it needs, what there is, and whether that is enough.
package struct GateCheck: Sendable, Equatable, Codable {
    package var name: String
    package var requirement: String
    package var actual: String
    package var passed: Bool
}

/// The figures the gates compare against; both shadow figures are configurable.
package struct GateThresholds: Sendable, Equatable, Codable {
    /// Shadow consistency needed for Live (matched / compared).
    package var shadowConsistency = 0.999
    /// Compared shadow reads needed for Live.
    package var minimumShadowReads = 1_000
    /// Mirrored writes needed in the dual-write window (a window without writes proves nothing).
    package var minimumParityRecords = 1

    package init() {}
}

/// Where the migration stands: the phase, the gate of the next one, the way back.
package struct MigrationStatus: Sendable, Equatable, Codable {
    package var phase: MigrationPhase
    package var since: Date?
    package var by: String?
    package var next: MigrationPhase?
    package var gate: [GateCheck]
    package var rollbackTo: MigrationPhase?
    package var parity: ParityFigures?
    package var shadow: ShadowFigures?

    package var gatePassed: Bool { gate.allSatisfy(\.passed) }
}

/// What a passing `migrate verify` leaves behind, for the Imported gate.
package struct VerifyRecord: Sendable, Equatable, Codable {
    package static let settingsKey = "migration.verify"
    package var snapshot: String
    package var passed: Bool
    package var differences: Int
    package var verifiedAt: Date
}

/// What `migrate archive` leaves behind, for the Complete gate and the legacy-write guard.
package struct ArchiveRecord: Sendable, Equatable, Codable {
    package static let settingsKey = "migration.archive"
    package var folder: String
    package var files: [ArchivedFile]
    package var archivedAt: Date

    package struct ArchivedFile: Sendable, Equatable, Codable {
        package var original: String
        package var archived: String
        package var sha256: String
        package var bytes: Int
    }
}

/// A verified export of PostgreSQL back into the legacy format: the proof that a rollback can be done.
package struct RollbackDrillRecord: Sendable, Equatable, Codable {
    package static let settingsKey = "migration.rollback_drill"
    package var file: String
    package var verified: Bool
    package var seconds: Double
    package var drilledAt: Date
}

package enum PhaseError: Error, CustomStringConvertible, Equatable {
    case gateNotMet(MigrationPhase, [GateCheck])
    case nothingAfter(MigrationPhase)
    case nothingBefore(MigrationPhase)
    case changedMeanwhile(expected: MigrationPhase, found: String)
    case unknownPhase(String)

    package var description: String {
        switch self {
        case .gateNotMet(let phase, let checks):
            let failed = checks.filter { !$0.passed }.map { "\($0.name): needs \($0.requirement), has \($0.actual)" }
            return "cannot advance to \(phase.rawValue): " + failed.joined(separator: "; ")
        case .nothingAfter(let phase): return "\(phase.rawValue) is the last phase; there is nothing to advance to"
        case .nothingBefore(let phase):
            return phase == .complete
                ? "Complete cannot be rolled back: the legacy files are archived and no longer written"
                : "\(phase.rawValue) is the first phase; there is nothing to roll back to"
        case .changedMeanwhile(let expected, let found):
            return "the phase changed meanwhile (expected \(expected.rawValue), found \(found)); run `ytv2 migrate status` and retry"
        case .unknownPhase(let name): return "the stored phase \(name) is unknown to this version of ytv2"
        }
    }
}

/// The phases as commands: status, advance (gated), rollback. Every transition is one transaction with its audit
/// entry; running services re-read the phase at most a second later.
package struct MigrationPhases: Sendable {
    package let store: Store
    package var thresholds: GateThresholds

    package init(store: Store, thresholds: GateThresholds = GateThresholds()) {
        self.store = store
        self.thresholds = thresholds
    }

    package func status() async throws -> MigrationStatus {
        let record = try await MigrationLedger(store: store).phaseRecord()
        guard let phase = MigrationPhase(rawValue: record.phase) else { throw PhaseError.unknownPhase(record.phase) }
        let since = record.since ?? .distantPast
        var status = MigrationStatus(
            phase: phase,
            since: record.since,
            by: record.by,
            next: phase.next,
            gate: [],
            rollbackTo: phase.previous
        )
        if phase == .dualWrite || phase == .shadow { status.parity = try await MigrationLedger(store: store).parityFigures(since: since) }
        if phase == .shadow || phase == .live { status.shadow = try await MigrationLedger(store: store).shadowFigures(since: since) }
        if let next = phase.next { status.gate = try await gate(for: next, current: status) }
        return status
    }

    /// Advances to the next phase when its gate passes; otherwise throws ``PhaseError/gateNotMet(_:_:)`` naming each
    /// figure that falls short.
    @discardableResult
    package func advance(actor: String) async throws -> MigrationStatus {
        let status = try await status()
        guard let next = status.next else { throw PhaseError.nothingAfter(status.phase) }
        guard status.gatePassed else { throw PhaseError.gateNotMet(next, status.gate) }
        return try await move(from: status, to: next, action: "migration.advance", gate: status.gate, actor: actor, reason: nil)
    }

    /// Goes back one phase at once (no gate: the way back must always be open), except from Complete.
    @discardableResult
    package func rollback(actor: String, reason: String?) async throws -> MigrationStatus {
        let status = try await status()
        guard let previous = status.rollbackTo else { throw PhaseError.nothingBefore(status.phase) }
        return try await move(from: status, to: previous, action: "migration.rollback", gate: [], actor: actor, reason: reason)
    }

    /// Records the transition with the figures it was made on, unless another operator moved the phase meanwhile.
    private func move(
        from status: MigrationStatus,
        to target: MigrationPhase,
        action: String,
        gate: [GateCheck],
        actor: String,
        reason: String?
    ) async throws -> MigrationStatus {
        let details = Transition(from: status.phase, to: target, gate: gate, parity: status.parity, shadow: status.shadow, reason: reason)
        guard
            try await MigrationLedger(store: store).changePhase(
                from: status.phase.rawValue,
                to: target.rawValue,
                actor: actor,
                action: action,
                details: details
            )
        else { throw PhaseError.changedMeanwhile(expected: status.phase, found: try await MigrationLedger(store: store).phaseRecord().phase) }
        return try await self.status()
    }

    struct Transition: Encodable, Sendable {
        var from: MigrationPhase
        var to: MigrationPhase
        var gate: [GateCheck]
        var parity: ParityFigures?
        var shadow: ShadowFigures?
        var reason: String?
    }

    /// The checks for entering `target` from the current status.
    func gate(for target: MigrationPhase, current: MigrationStatus) async throws -> [GateCheck] {
        switch target {
        case .off:
            return []
        case .imported:
            let imported = try await record(ImportRecord.self, MigrationImporter.settingsKey)
            let verified = try await record(VerifyRecord.self, VerifyRecord.settingsKey)
            var checks = [
                GateCheck(
                    name: "import",
                    requirement: "a finished `migrate import`",
                    actual: imported.map { "snapshot \($0.value.snapshot.prefix(12)) at \(Self.format($0.at))" } ?? "none",
                    passed: imported != nil
                )
            ]
            let matching =
                imported.flatMap { imported in verified.map { $0.value.snapshot == imported.value.snapshot && $0.at >= imported.at } } ?? false
            checks.append(
                GateCheck(
                    name: "verify",
                    requirement: "a passing `migrate verify` of the imported snapshot, after the import",
                    actual: verified.map {
                        "\($0.value.passed ? "passed" : "failed with \($0.value.differences) difference(s)") for snapshot \($0.value.snapshot.prefix(12)) at \(Self.format($0.at))"
                    } ?? "none",
                    passed: matching && verified?.value.passed == true
                )
            )
            return checks
        case .dualWrite:
            return []
        case .shadow:
            // status() has read the figures of the current (DualWrite) window.
            let parity = current.parity ?? ParityFigures()
            return [
                GateCheck(
                    name: "parity records",
                    requirement: "≥ \(thresholds.minimumParityRecords) mirrored write(s) in the dual-write window",
                    actual: "\(parity.records)",
                    passed: parity.records >= thresholds.minimumParityRecords
                ),
                GateCheck(
                    name: "unexplained parity mismatches",
                    requirement: "0",
                    actual: "\(parity.mismatches)",
                    passed: parity.mismatches == 0
                ),
                GateCheck(
                    name: "unresolved mirror failures",
                    requirement: "0",
                    actual: "\(parity.unresolvedMirrorFailures)",
                    passed: parity.unresolvedMirrorFailures == 0
                ),
            ]
        case .live:
            // status() has read the figures of the current (Shadow) window.
            let shadow = current.shadow ?? ShadowFigures()
            let drill = try await record(RollbackDrillRecord.self, RollbackDrillRecord.settingsKey)
            return [
                GateCheck(
                    name: "compared shadow reads",
                    requirement: "≥ \(thresholds.minimumShadowReads)",
                    actual: "\(shadow.compared)",
                    passed: shadow.compared >= thresholds.minimumShadowReads
                ),
                GateCheck(
                    name: "shadow consistency",
                    requirement: "≥ \(Self.percent(thresholds.shadowConsistency))",
                    actual: "\(Self.percent(shadow.consistency)) (\(shadow.matched) of \(shadow.compared))",
                    passed: shadow.compared > 0 && shadow.consistency >= thresholds.shadowConsistency
                ),
                GateCheck(
                    name: "rollback drill",
                    requirement: "a verified `migrate export-legacy` recorded",
                    actual: drill.map { "\($0.value.verified ? "verified" : "NOT verified") at \(Self.format($0.at))" } ?? "none",
                    passed: drill?.value.verified == true
                ),
            ]
        case .complete:
            let archive = try await record(ArchiveRecord.self, ArchiveRecord.settingsKey)
            return [
                GateCheck(
                    name: "legacy files archived",
                    requirement: "`migrate archive` done",
                    actual: archive.map { "\($0.value.files.count) file(s) in \($0.value.folder)" } ?? "none",
                    passed: archive != nil
                )
            ]
        }
    }

    /// A recorded setting decoded, with the time it was written (``MigrationRecords/read(_:_:)``).
    package func record<T: Decodable>(_ type: T.Type, _ key: String) async throws -> (value: T, at: Date)? {
        try await MigrationRecords(store: store).read(type, key)
    }

    /// Stores `value` under `key` with an audit entry (``MigrationRecords/write(_:as:actor:action:)``).
    func remember<T: Encodable & Sendable>(_ value: T, as key: String, actor: String, action: String) async throws {
        try await MigrationRecords(store: store).write(value, as: key, actor: actor, action: action)
    }

    /// What the Imported gate reads: the outcome of a `migrate verify`.
    package func recordVerify(_ report: VerifyReport, actor: String) async throws {
        let record = VerifyRecord(snapshot: report.snapshot, passed: report.passed, differences: report.differences.count, verifiedAt: Date())
        try await remember(record, as: VerifyRecord.settingsKey, actor: actor, action: "migration.verify")
    }

    /// What the Live gate reads: an export of PostgreSQL to the legacy format and its reverse verification.
    package func recordRollbackDrill(_ report: LegacyExporter.Report, actor: String) async throws {
        let record = RollbackDrillRecord(file: report.file, verified: report.verified, seconds: report.seconds, drilledAt: Date())
        try await remember(record, as: RollbackDrillRecord.settingsKey, actor: actor, action: "migration.rollback_drill")
    }

    static func format(_ date: Date) -> String { date.formatted(.iso8601) }
    static func percent(_ value: Double) -> String { String(format: "%.2f %%", value * 100) }
}

extension MigrationPhase {
    /// The phase a rollback returns to; nil for Off and for Complete (archived files are not written again).
    package var previous: MigrationPhase? {
        switch self {
        case .off, .complete: nil
        case .imported: .off
        case .dualWrite: .imported
        case .shadow: .dualWrite
        case .live: .shadow
        }
    }
}
