import Foundation
import YTV2Core
import YTV2Legacy
import YTV2Store

/// The plan's figures: `ytv2 migrate plan` prints them, `import` and `verify` report against them.
package struct PlanSummary: Codable, Sendable, Equatable {
    package var snapshot: String
    package var highWaterMark: Date?
    package var options: PlanOptions
    /// Source rows per file per table.
    package var sourceRows: [String: [String: Int]] = [:]
    /// Ledger outcomes over all source rows; they add up to the rows read.
    package var outcomes: [String: Int] = [:]
    package var videosImported = 0
    package var videosTombstoned = 0
    package var groupsQuarantined = 0
    package var quarantineReasons: [String: Int] = [:]
    package var categorizedVideos = 0
    package var revisions = 0
    package var audioFiles = 0
    /// Fields where the sources disagreed, with how often.
    package var conflictsPerField: [String: Int] = [:]
    package var conflictExamples: [String] = []
    /// Placeholders that lost to a real value from another source, per field, with a few examples.
    package var placeholdersReplaced: [String: Int] = [:]
    package var placeholderExamples: [String] = []
    /// Imported videos that no source gives a summary (faithful data: the summary failed or was never made).
    package var videosWithoutSummary = 0
    /// Videos an import found in the ledger unchanged and did not reconcile again. They count in the outcomes and in
    /// imported, tombstoned and quarantined; categorized, revisions, audio, conflicts, placeholders and warnings count
    /// only the videos reconciled.
    package var videosUnchanged = 0
    package var rowsWithWarnings = 0

    package var totalSourceRows: Int { sourceRows.values.flatMap(\.values).reduce(0, +) }
    /// Every video (group of rows) the plan decided about.
    package var videos: Int { videosImported + videosTombstoned + groupsQuarantined }
    package var totalOutcomes: Int { outcomes.values.reduce(0, +) }

    mutating func add(_ plan: VideoPlan) {
        for entry in plan.ledger {
            outcomes[entry.outcome.rawValue, default: 0] += 1
            if !entry.warnings.isEmpty { rowsWithWarnings += 1 }
        }
        if plan.isUnchanged { videosUnchanged += 1 }
        switch plan.decision {
        case .importVideo:
            videosImported += 1
            if plan.video?.categorization?.isCategorized == true { categorizedVideos += 1 }
            revisions += plan.video?.revisions.count ?? 0
            if plan.video?.revisions.isEmpty == true { videosWithoutSummary += 1 }
            if plan.audioPath != nil { audioFiles += 1 }
        case .tombstone: videosTombstoned += 1
        case .quarantine(let reason):
            groupsQuarantined += 1
            quarantineReasons[reason, default: 0] += 1
        }
        for conflict in plan.conflicts {
            conflictsPerField[conflict.field, default: 0] += 1
            if conflictExamples.count < 10, let id = plan.videoID {
                conflictExamples.append(
                    "\(id) \(conflict.field): \(conflict.chosenSource) \"\(conflict.chosen)\" over \(conflict.otherSource) \"\(conflict.other)\""
                )
            }
        }
        for replacement in plan.placeholderReplacements {
            placeholdersReplaced[replacement.field, default: 0] += 1
            if placeholderExamples.count < 10, let id = plan.videoID { placeholderExamples.append("\(id) \(replacement)") }
        }
    }
}

/// Rows that cannot be read as their table promises: the import refuses to start and names them.
package struct UnreadableRowsError: Error, CustomStringConvertible {
    package let errors: [LegacyRowError]

    package var description: String {
        var lines = ["\(errors.count) source row\(errors.count == 1 ? "" : "s") cannot be read; nothing was written:"]
        lines += errors.prefix(20).map { "  " + $0.description }
        if errors.count > 20 { lines.append("  … and \(errors.count - 20) more") }
        lines.append("Fix the rows in the legacy file and take a new snapshot, or quarantine them whole with --drop <id>.")
        return lines.joined(separator: "\n")
    }
}

/// Applies docs/legacy.md, "Reconciliation" to a snapshot: pass one indexes every row (``SourceIndex``), pass two reads the rows again batch
/// by batch and reconciles each video (``PlanWorker``, two batches at a time). Writes nothing; `import` writes what
/// this produces.
package struct MigrationPlanner: Sendable {
    package let snapshot: MigrationSnapshot
    package let options: PlanOptions
    /// Videos per batch. Two batches are written at once and two more reconciled, so the batch size sets the import's
    /// peak memory; 250 keeps a realistic 100,000-video import well under 300 MB without slowing it.
    package static let defaultBatchSize = 250
    package var batchSize = defaultBatchSize

    package init(snapshot: MigrationSnapshot, options: PlanOptions) {
        self.snapshot = snapshot
        self.options = options
    }

    /// The recorded checksum and outcome of source rows (file, table, key), keyed by ``Store/ledgerKey(_:_:_:)``.
    package typealias LedgerLookup = @Sendable ([(file: String, table: String, key: String)]) async throws -> [String: (sha: String, outcome: String)]

    /// Runs the plan, handing each batch of video plans to `handle` in key order. With `only`, plans just that video.
    /// With `recorded` (an import), videos whose rows are all in the ledger unchanged are not reconciled again
    /// (``UnchangedRows``).
    @discardableResult
    package func run(
        only: String? = nil,
        recorded: LedgerLookup? = nil,
        progress: ProgressReporter = .silent,
        _ handle: ([VideoPlan]) async throws -> Void
    ) async throws -> PlanSummary {
        let files = try openFiles()
        let index = try SourceIndex.build(snapshot, files: files, progress: progress)
        let dropKeys = options.dropKeys
        let errors = index.groups.values.filter { !dropKeys.contains($0.key) }.flatMap(\.errors)
        if !errors.isEmpty { throw UnreadableRowsError(errors: errors.sorted { $0.source < $1.source }) }
        let mark = options.deletedBefore ?? index.dashboardHighWaterMark
        let reconciler = Reconciler(
            mark: mark,
            keep: options.keepKeys,
            drop: dropKeys,
            audioByVideo: index.audioByVideo,
            audioFiles: index.audioFiles,
            contestedAliases: index.contestedAliases
        )
        var summary = PlanSummary(snapshot: snapshot.id, highWaterMark: mark, options: options, sourceRows: index.rowsPerTable)
        var keys = index.sortedKeys
        if let only {
            let key = PlanOptions.groupKey(only)
            keys = keys.filter { $0 == key || $0 == only }
        }
        // Two workers, the first reusing pass one's file handles: while one batch is handed on, the next two are
        // read and reconciled.
        let workers = [
            PlanWorker(snapshot: snapshot, files: files, reconciler: reconciler, label: "ytv2.plan.1"),
            PlanWorker(snapshot: snapshot, files: try openFiles(), reconciler: reconciler, label: "ytv2.plan.2"),
        ]
        let batches = stride(from: 0, to: keys.count, by: batchSize).map { keys[$0..<min($0 + batchSize, keys.count)] }
        var inWork: [Task<[VideoPlan], any Error>] = []
        var submitted = 0
        func submitNext() {
            let groups = batches[submitted].compactMap { index.groups[$0] }
            let worker = workers[submitted % workers.count]
            let lookup = only == nil ? recorded : nil
            inWork.append(
                Task {
                    var unchanged: UnchangedRows?
                    if let lookup {
                        let sources = groups.flatMap { $0.members.map { ($0.source.file, $0.source.table, $0.source.key) } }
                        unchanged = UnchangedRows(recorded: try await lookup(sources))
                    }
                    return try await worker.plans(for: groups, recorded: unchanged)
                }
            )
            submitted += 1
        }
        progress.begin("reconciling", total: keys.count)
        do {
            while submitted < batches.count, inWork.count < workers.count { submitNext() }
            while !inWork.isEmpty {
                var plans = try await inWork.removeFirst().value
                if submitted < batches.count { submitNext() }
                for position in plans.indices {
                    if let id = plans[position].videoID, only != nil {
                        plans[position].explanation.insert("video \(id), legacy key \(plans[position].key)", at: 0)
                    }
                    summary.add(plans[position])
                }
                try await handle(plans)
                progress.advance(by: plans.count)
            }
        } catch {
            // Batches in work finish (they only read) before the error is reported.
            for task in inWork { _ = try? await task.value }
            throw error
        }
        progress.end()
        return summary
    }

    /// The snapshot's SQLite files by name, opened read-only.
    private func openFiles() throws -> [(String, LegacySQLiteFile)] {
        try [(SnapshotManifest.dashboardFile, snapshot.dashboardPath), (SnapshotManifest.nasFile, snapshot.nasPath)]
            .compactMap { name, path in try path.map { (name, try LegacySQLiteFile(path: $0)) } }
    }

    /// Runs the plan with the database side of each batch overlapping the reconciliation of the next ones: `prepare`
    /// turns a batch into database work (nil for none), up to two such works run at once (each on its own pooled
    /// connection, so PostgreSQL works on two cores while the planner's two workers reconcile), and `collect` receives
    /// the results in batch order. Import and verify both work this way; a batch's work must not depend on an earlier
    /// batch's (each has its own videos and source rows).
    package func runOverlapping<T: Sendable>(
        recorded: LedgerLookup? = nil,
        progress: ProgressReporter = .silent,
        prepare: ([VideoPlan]) async throws -> (@Sendable () async throws -> T)?,
        collect: (T) -> Void
    ) async throws -> PlanSummary {
        var pending: [Task<T, any Error>] = []
        do {
            let summary = try await run(recorded: recorded, progress: progress) { plans in
                guard let work = try await prepare(plans) else { return }
                if pending.count == 2 { collect(try await pending.removeFirst().value) }
                pending.append(Task(operation: work))
            }
            while !pending.isEmpty { collect(try await pending.removeFirst().value) }
            return summary
        } catch {
            // Work already sent finishes (or fails) whole before the error is reported.
            for work in pending { _ = try? await work.value }
            throw error
        }
    }
}
