import Foundation
import YTV2Core
import YTV2Legacy
import YTV2Store

/// The reconciliation rules of docs/legacy.md, "Reconciliation", applied to one video's source rows.
struct Reconciler: Sendable {
    let mark: Date?
    let keep: Set<String>
    let drop: Set<String>
    let audioByVideo: [String: [String]]
    let audioFiles: Set<String>
    /// Legacy ids that name different videos in the two files, with the group that keeps each as its alias.
    let contestedAliases: [String: String]

    static let dashboard = SnapshotManifest.dashboardFile

    /// Rule 1 (identity), rules 2 and 3 (which copy decides), rule 5 (operator overrides).
    func decide(_ group: SourceIndex.Group) -> (VideoPlan.Decision, [String]) {
        var why: [String] = []
        if drop.contains(group.key) || group.exactIDs.contains(where: { drop.contains($0.legacyID) }) {
            return (.quarantine(reason: "dropped by the operator (--drop)"), ["--drop names this video: its rows are quarantined whole"])
        }
        let id: VideoID
        switch group.exactIDs.count {
        case 1:
            id = group.exactIDs[0]
            why.append("identity: \(id) (case-exact id found in the sources)")
        case 0:
            let reason = group.key.hasPrefix("yt:") && VideoID.isValid(String(group.key.dropFirst(3))) ? "video id case unknown" : "no video id"
            return (
                .quarantine(reason: reason),
                ["identity: \(reason) for \(group.key): no video_id column, canonical URL or report gives the case-exact id"]
            )
        default:
            let ids = group.exactIDs.map(\.rawValue).joined(separator: ", ")
            return (.quarantine(reason: "conflicting video ids: \(ids)"), ["identity: the sources disagree about the id (\(ids))"])
        }
        let primaries = group.members.filter(\.isPrimary)
        if primaries.contains(where: \.isDashboardContent) {
            why.append("in the dashboard copy: imported (the dashboard is where users deleted and curated)")
            return (.importVideo(id), why)
        }
        guard !primaries.isEmpty else {
            return (.quarantine(reason: "no content row or report for these rows"), why + ["only child rows (summaries, files) name this video"])
        }
        if keep.contains(group.key) {
            return (.importVideo(id), why + ["--keep names this video: imported"])
        }
        let seen = primaries.compactMap(\.seenAt).max()
        guard let seen else {
            return (.quarantine(reason: "not in the dashboard copy and no indexed/processed time to compare with its high-water mark"), why)
        }
        guard let mark else {
            return (.importVideo(id), why + ["the dashboard copy has no timestamps: rows of the other sources are imported"])
        }
        let seenText = seen.formatted(.iso8601)
        let markText = mark.formatted(.iso8601)
        if seen <= mark {
            let reason = "deleted on the dashboard: last seen \(seenText), at or before the dashboard's high-water mark \(markText)"
            return (.tombstone(id, reason: reason), why + [reason + "; tombstoned so later ingest cannot bring it back"])
        }
        return (.importVideo(id), why + ["processed after the last sync (\(seenText) > \(markText)): imported"])
    }

    /// Rule 4: field-by-field merge of the rows of one imported video, and every row's outcome (rule 6).
    func plan(_ group: SourceIndex.Group, decision: VideoPlan.Decision, why: [String], records: [LegacyRecord]) -> VideoPlan {
        var plan = VideoPlan(key: group.key, decision: decision, explanation: why)
        switch decision {
        case .quarantine(let reason):
            for record in records {
                plan.ledger.append(entry(record, .quarantined, target: nil, reason: reason))
                plan.quarantine.append(
                    QuarantineEntry(
                        sourceFile: record.source.file,
                        sourceTable: record.source.table,
                        sourceKey: record.source.key,
                        reason: reason,
                        rowJSON: record.rowJSON
                    )
                )
                plan.explanation.append("\(record.source): quarantined (\(reason))")
            }
        case .tombstone(let id, let reason):
            for record in records {
                plan.ledger.append(entry(record, .tombstoned, target: id.rawValue, reason: reason))
                plan.explanation.append("\(record.source): tombstoned")
            }
        case .importVideo(let id):
            merge(into: &plan, id: id, records: records)
        }
        return plan
    }

    func entry(_ record: LegacyRecord, _ outcome: LedgerEntry.Outcome, target: String?, reason: String?) -> LedgerEntry {
        LedgerEntry(
            sourceFile: record.source.file,
            sourceTable: record.source.table,
            sourceKey: record.source.key,
            rowSHA256: record.rowSHA256,
            outcome: outcome,
            targetVideoID: target,
            reason: reason,
            warnings: record.warnings
        )
    }

    static func sourceName(_ record: LegacyRecord) -> String {
        switch record.source.file {
        case SnapshotManifest.dashboardFile: "dashboard"
        case SnapshotManifest.nasFile: "nas"
        default: record.source.file
        }
    }

    /// Drops values the schema's checks would refuse (negative counts, absurd durations), naming them.
    static func sanitize(_ metadata: inout VideoMetadata) -> [(String, String)] {
        var dropped: [(String, String)] = []
        func check(_ name: String, _ value: inout Int?, max: Int = Int(Int32.max)) {
            if let current = value, current < 0 || current > max {
                dropped.append((name, String(current)))
                value = nil
            }
        }
        check("duration_seconds", &metadata.durationSeconds)
        check("word_count", &metadata.wordCount)
        check("transcript_chars", &metadata.transcriptChars)
        check("view_count", &metadata.viewCount, max: Int.max)
        check("like_count", &metadata.likeCount, max: Int.max)
        check("comment_count", &metadata.commentCount, max: Int.max)
        return dropped
    }

    static func describe(_ entries: [CategoryEntry]) -> String {
        entries.map { entry in entry.subcategories.isEmpty ? entry.category : "\(entry.category) [\(entry.subcategories.joined(separator: ", "))]" }
            .joined(separator: "; ")
    }
}
