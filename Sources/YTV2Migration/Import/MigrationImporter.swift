import Foundation
import YTV2Core
import YTV2Legacy
import YTV2Store

/// What an import did, printed as text and as JSON.
package struct ImportReport: Codable, Sendable {
    package var snapshot: String
    package var plan: PlanSummary
    /// Videos whose rows were already in the ledger with the same checksums (an earlier or interrupted run did them).
    package var videosUnchanged = 0
    package var batchesWritten = 0
    /// What the batches wrote, added up.
    package var written = ImportBatchResult()
    package var seconds = 0.0
    /// Set when this snapshot had been imported completely with the same options (``MigrationImporter/run(recheck:progress:)``):
    /// when that import finished. Nothing was read; `plan` is that import's.
    package var alreadyImportedAt: Date?

    /// Changes made by this run (ledger lines written); 0 on a re-run of a finished import.
    package var changes: Int { written.ledgerEntries }
}

/// Executes a plan into PostgreSQL: one transaction per batch of videos, each with its ledger lines, so a run that is
/// killed leaves whole batches behind and the next run skips them (rows already in the ledger with the same checksum).
package struct MigrationImporter: Sendable {
    package let ledger: MigrationLedger
    /// What the import records about itself (its start and its report), beside the ledger.
    var records: MigrationRecords { MigrationRecords(store: ledger.store) }
    package let planner: MigrationPlanner
    package static let actor = "migration"
    package static let settingsKey = "migration.import"
    /// Written when an import starts: with ``settingsKey`` (written when one finishes), it tells whether the last import
    /// that started also finished.
    package static let startedKey = "migration.import.started"

    package init(ledger: MigrationLedger, planner: MigrationPlanner) {
        self.ledger = ledger
        self.planner = planner
    }

    /// Imports the snapshot. When the last import that started was of this snapshot with the same options and it
    /// finished, there is nothing to do and nothing is read (the snapshot's files cannot change: opening it checked
    /// their checksums); `recheck` compares every row with the ledger all the same.
    package func run(recheck: Bool = false, progress: ProgressReporter = .silent) async throws -> ImportReport {
        let started = ContinuousClock.now
        let snapshot = planner.snapshot
        if !recheck, let finished = try await finishedImport() {
            var report = ImportReport(snapshot: snapshot.id, plan: finished.plan)
            report.videosUnchanged = finished.plan.videos
            report.alreadyImportedAt = finished.at
            report.seconds = (ContinuousClock.now - started).inSeconds
            return report
        }
        try await records.write(
            ImportStart(snapshot: snapshot.id, options: planner.options),
            as: Self.startedKey,
            actor: Self.actor,
            action: "migration.import.start"
        )
        var report = ImportReport(snapshot: snapshot.id, plan: PlanSummary(snapshot: snapshot.id, options: planner.options))
        // While the database writes two batches on two connections, the next ones are read and reconciled.
        let ledger = self.ledger
        // Videos whose rows are all recorded unchanged are not even reconciled (the planner asks the ledger first);
        // the rest are checked row by row against the ledger before they are written. A first import into an empty
        // ledger has nothing to ask: each source row belongs to one batch, so no batch finds another's rows.
        let ledgerIsEmpty = try await ledger.ledgerIsEmpty()
        let lookup: MigrationPlanner.LedgerLookup = { try await ledger.ledger(sources: $0) }
        let recorded = ledgerIsEmpty ? nil : lookup
        let summary = try await planner.runOverlapping(recorded: recorded, progress: progress) { plans in
            let reconciled = plans.filter { !$0.isUnchanged }
            report.videosUnchanged += plans.count - reconciled.count
            // Rows an earlier (or interrupted) run already recorded with the same checksum are done. The planner asked
            // the ledger about these rows just before reconciling them (a batch still being written holds other rows
            // only), so its answer is used instead of asking again.
            let done = reconciled.reduce(into: [String: (sha: String, outcome: String)]()) { done, plan in
                done.merge(plan.recordedLedger ?? [:]) { kept, _ in kept }
            }
            let (batch, unchanged) = try makeBatch(reconciled, done: done)
            report.videosUnchanged += unchanged
            guard !batch.isEmpty else { return nil }
            return { try await ledger.importBatch(batch, actor: Self.actor) }
        } collect: { (result: ImportBatchResult) in
            report.batchesWritten += 1
            report.written += result
        }
        report.plan = summary
        if report.changes > 0 { try await ledger.analyzeImportedTables() }
        let elapsed = ContinuousClock.now - started
        report.seconds = elapsed.inSeconds
        let record = ImportRecord(
            snapshot: snapshot.id,
            snapshotPath: snapshot.directory.path,
            options: planner.options,
            finishedAt: Date(),
            changes: report.changes,
            outcomes: summary.outcomes,
            sourceRows: summary.totalSourceRows,
            manifestFiles: snapshot.manifest.files.count,
            plan: summary
        )
        try await records.write(record, as: Self.settingsKey, actor: Self.actor, action: "migration.import")
        return report
    }

    /// The plan of the finished import of this snapshot with these options, when it is also the last import that
    /// started (a later one, perhaps killed, may have changed what it wrote), with when it finished.
    private func finishedImport() async throws -> (plan: PlanSummary, at: Date)? {
        guard let (record, finishedAt) = try await records.read(ImportRecord.self, Self.settingsKey),
            let (start, startedAt) = try await records.read(ImportStart.self, Self.startedKey),
            finishedAt > startedAt,
            let plan = record.plan,
            record.snapshot == planner.snapshot.id, start.snapshot == planner.snapshot.id,
            record.options == planner.options, start.options == planner.options
        else { return nil }
        return (plan, record.finishedAt)
    }

    /// The batch for the plans whose rows are not all in the ledger yet, and how many plans were already done.
    private func makeBatch(_ plans: [VideoPlan], done: [String: (sha: String, outcome: String)]) throws -> (ImportBatch, Int) {
        var batch = ImportBatch()
        var unchanged = 0
        for plan in plans {
            let finished = plan.ledger.allSatisfy { entry in
                guard let recorded = done[MigrationLedger.ledgerKey(entry.sourceFile, entry.sourceTable, entry.sourceKey)] else { return false }
                return recorded.sha == entry.rowSHA256 && entry.agrees(withRecorded: recorded.outcome)
            }
            if finished {
                unchanged += 1
                continue
            }
            switch plan.decision {
            case .importVideo:
                guard var video = plan.video else { continue }
                if let path = plan.audioPath {
                    let bytes = try Array(Data(contentsOf: planner.snapshot.url(of: path)))
                    if !bytes.isEmpty {
                        video.audio = AudioDraft(bytes: bytes, durationSeconds: plan.audioDurationSeconds ?? MP3.durationSeconds(bytes))
                    }
                }
                batch.videos.append(video)
            case .tombstone(let id, let reason): batch.tombstones.append((id, reason))
            case .quarantine: batch.quarantine += plan.quarantine
            }
            batch.ledger += plan.ledger
        }
        return (batch, unchanged)
    }
}

/// What the last import recorded (settings `migration.import`, and the audit log): verify re-plans with its options.
package struct ImportRecord: Codable, Sendable {
    package var snapshot: String
    package var snapshotPath: String
    package var options: PlanOptions
    package var finishedAt: Date
    package var changes: Int
    package var outcomes: [String: Int]
    package var sourceRows: Int
    package var manifestFiles: Int
    /// The plan's figures (records written before they were kept have none).
    package var plan: PlanSummary?
}

/// What an import that started recorded (settings `migration.import.started`, and the audit log).
struct ImportStart: Codable, Sendable {
    var snapshot: String
    var options: PlanOptions
}
