import Dispatch
import Foundation
import YTV2Legacy

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

    /// The plans of `groups`, in their order.
    func plans(for groups: [SourceIndex.Group]) async throws -> [VideoPlan] {
        try await withCheckedThrowingContinuation { continuation in
            queue.async { continuation.resume(with: Result { try self.reconcile(groups) }) }
        }
    }

    private func reconcile(_ groups: [SourceIndex.Group]) throws -> [VideoPlan] {
        let records = try load(groups)
        return groups.map { group in
            let (decision, why) = reconciler.decide(group)
            return reconciler.plan(group, decision: decision, why: why, records: records[group.key] ?? [])
        }
    }

    /// Reads the rows of `groups` again: one query per table with the rowids, reports by path.
    private func load(_ groups: [SourceIndex.Group]) throws -> [String: [LegacyRecord]] {
        var wanted: [String: [String: [Int64: String]]] = [:]
        var reports: [(String, String)] = []
        for group in groups {
            for member in group.members {
                if let rowid = member.rowid {
                    wanted[member.source.file, default: [:]][member.source.table, default: [:]][rowid] = group.key
                } else {
                    reports.append((member.source.file, group.key))
                }
            }
        }
        var result: [String: [LegacyRecord]] = [:]
        for (name, tables) in wanted.sorted(by: { $0.key < $1.key }) {
            guard let file = files[name] else { continue }
            for (table, rowids) in tables.sorted(by: { $0.key < $1.key }) {
                try file.forEachRow(of: table, rowids: Array(rowids.keys)) { row in
                    guard let key = rowids[row.rowid] else { return }
                    result[key, default: []].append(SourceReader.read(row, file: name).record)
                }
            }
        }
        for (path, key) in reports {
            result[key, default: []].append(SourceReader.readReport(at: snapshot.directory, path: path).record)
        }
        return result
    }
}
