import Dispatch
import Foundation
import YTV2Core
import YTV2Legacy
import YTV2Store

/// Pass two of a plan for one batch: reads the batch's rows again and reconciles each video.
///
/// Each worker has its own thread and its own handles on the snapshot's files, so the planner keeps two batches in
/// work at once (both cores busy) and SQLite's blocking reads never occupy the concurrency pool that the database
/// driver's callbacks run on.
final class PlanWorker: Sendable {
    private let snapshot: MigrationSnapshot
    private let files: [String: LegacySQLiteFile]
    private let reconciler: Reconciler
    private let queue: DispatchQueue

    init(snapshot: MigrationSnapshot, files: [(String, LegacySQLiteFile)], reconciler: Reconciler, label: String) {
        self.snapshot = snapshot
        self.files = Dictionary(uniqueKeysWithValues: files)
        self.reconciler = reconciler
        queue = DispatchQueue(label: label)
    }

    /// The plans of `groups`, in their order. With `recorded` (the ledger lines an earlier import wrote for these
    /// rows), a video whose rows are all recorded unchanged is not reconciled again (``UnchangedRows``).
    func plans(for groups: [SourceIndex.Group], recorded: UnchangedRows?) async throws -> [VideoPlan] {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try self.reconcile(groups, recorded: recorded) }) }
        }
    }

    private func reconcile(_ groups: [SourceIndex.Group], recorded: UnchangedRows?) throws -> [VideoPlan] {
        let loaded = try load(groups)
        return groups.map { group in
            let (decision, why) = reconciler.decide(group)
            let rows = loaded[group.key] ?? []
            if let recorded, let plan = recorded.plan(group, decision: decision, rows: rows) { return plan }
            var plan = reconciler.plan(group, decision: decision, why: why, records: rows.map { $0.record() })
            plan.recordedLedger = recorded?.lines(of: rows)
            return plan
        }
    }

    /// Reads the rows of `groups` again, unparsed: one query per table with the rowids, reports by path.
    private func load(_ groups: [SourceIndex.Group]) throws -> [String: [LoadedRow]] {
        var wanted: [String: [String: [Int64: (group: String, source: LegacySource)]]] = [:]
        var reports: [(LegacySource, String)] = []
        for group in groups {
            for member in group.members {
                if let rowid = member.rowid {
                    wanted[member.source.file, default: [:]][member.source.table, default: [:]][rowid] = (group.key, member.source)
                } else {
                    reports.append((member.source, group.key))
                }
            }
        }
        var result: [String: [LoadedRow]] = [:]
        for (name, tables) in wanted.sorted(by: { $0.key < $1.key }) {
            guard let file = files[name] else { continue }
            for (table, rowids) in tables.sorted(by: { $0.key < $1.key }) {
                try file.forEachRow(of: table, rowids: Array(rowids.keys)) { row in
                    guard let (key, source) = rowids[row.rowid] else { return }
                    result[key, default: []].append(LoadedRow(source: source, content: .row(row, file: name)))
                }
            }
        }
        for (source, key) in reports {
            let bytes = SourceReader.reportBytes(at: snapshot.directory, path: source.file)
            result[key, default: []].append(LoadedRow(source: source, content: .report(path: source.file, bytes)))
        }
        return result
    }
}

/// One source row of a batch as read from the snapshot, before it is parsed: its checksum is enough to recognise it
/// in the ledger.
struct LoadedRow {
    enum Content {
        case row(LegacyRow, file: String)
        case report(path: String, Result<[UInt8], any Error>)
    }

    /// The row's identity as pass one read it (the ledger's key).
    var source: LegacySource
    var content: Content

    /// The checksum the ledger records for the row (``LegacyRecord/rowSHA256``).
    var sha256: String {
        switch content {
        case .row(let row, _): row.canonicalSHA256
        case .report(_, .success(let bytes)): bytes.sha256Hex
        case .report(_, .failure): [UInt8]().sha256Hex
        }
    }

    /// The row parsed as the reconciliation needs it.
    func record() -> LegacyRecord {
        switch content {
        case .row(let row, let file): SourceReader.read(row, file: file).record
        case .report(let path, let bytes): SourceReader.readReport(bytes, path: path).record
        }
    }
}
