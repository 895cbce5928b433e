import YTV2Core
import YTV2Legacy
import YTV2Store

/// The ledger lines an earlier import recorded for the rows of one batch.
///
/// A video whose rows are all in the ledger with the checksum they have now, and with outcomes its decision agrees
/// with, is exactly what that import wrote: the import does not parse, reconcile or write it again. A re-run, or a new
/// snapshot of a legacy system that changed a little, then costs one read of the rows and one ledger lookup per batch,
/// and reconciles only the videos that have a new or changed row. Rows that left the legacy files change nothing,
/// as in a full plan (the migration never deletes on the legacy system's behalf).
struct UnchangedRows: Sendable {
    /// Recorded checksum and outcome by ``Store/ledgerKey(_:_:_:)``.
    var recorded: [String: (sha: String, outcome: String)]

    /// The plan of `group` when every row of it is recorded unchanged; nil when it must be reconciled.
    func plan(_ group: SourceIndex.Group, decision: VideoPlan.Decision, rows: [LoadedRow]) -> VideoPlan? {
        guard !rows.isEmpty, rows.count == group.members.count else { return nil }
        var ledger: [LedgerEntry] = []
        ledger.reserveCapacity(rows.count)
        for row in rows {
            guard let line = recorded[MigrationLedger.ledgerKey(row.source.file, row.source.table, row.source.key)],
                let outcome = LedgerEntry.Outcome(rawValue: line.outcome),
                Self.outcome(outcome, agreesWith: decision),
                line.sha == row.sha256
            else { return nil }
            ledger.append(
                LedgerEntry(
                    sourceFile: row.source.file,
                    sourceTable: row.source.table,
                    sourceKey: row.source.key,
                    rowSHA256: line.sha,
                    outcome: outcome,
                    targetVideoID: decision.videoID?.rawValue,
                    reason: nil,
                    warnings: []
                )
            )
        }
        var plan = VideoPlan(key: group.key, decision: decision, explanation: ["every row is in the ledger unchanged: not reconciled again"])
        plan.ledger = ledger
        plan.isUnchanged = true
        return plan
    }

    /// The recorded lines of `rows` (those the ledger has).
    func lines(of rows: [LoadedRow]) -> [String: (sha: String, outcome: String)] {
        var lines: [String: (sha: String, outcome: String)] = [:]
        for row in rows {
            let key = MigrationLedger.ledgerKey(row.source.file, row.source.table, row.source.key)
            if let line = recorded[key] { lines[key] = line }
        }
        return lines
    }

    /// Whether a recorded outcome is one the decision would record again (the rule of
    /// ``LedgerEntry/agrees(withRecorded:)``, by kind: which of imported, merged and duplicate a row of an imported
    /// video gets depends only on the group's rows, which are unchanged).
    static func outcome(_ recorded: LedgerEntry.Outcome, agreesWith decision: VideoPlan.Decision) -> Bool {
        switch (recorded, decision) {
        case (.tombstoned, _): true
        case (.imported, .importVideo), (.merged, .importVideo), (.duplicate, .importVideo): true
        case (.quarantined, .quarantine): true
        default: false
        }
    }
}
