import Foundation
import YTV2Core
import YTV2Legacy
import YTV2Store

/// The reconciliation rules of LEGACY.md §6, applied to one video's source rows.
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

    private func entry(_ record: LegacyRecord, _ outcome: LedgerEntry.Outcome, target: String?, reason: String?) -> LedgerEntry {
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

    private func merge(into plan: inout VideoPlan, id: VideoID, records: [LegacyRecord]) {
        // Primary rows in authority order: the dashboard's, then the others newest first.
        let primaries = records.filter { $0.source.table == "content" || $0.source.table == "report" }
        let dashboard = primaries.filter { $0.source.file == Self.dashboard }
        let others = primaries.filter { $0.source.file != Self.dashboard }.sorted { ($0.seenAt ?? .distantPast) > ($1.seenAt ?? .distantPast) }
        let ordered = dashboard + others

        // Each field from the first source in authority order that has it; a different value elsewhere is a conflict.
        var metadata = VideoMetadata()
        func take<T: Equatable>(_ name: String, _ path: WritableKeyPath<VideoMetadata, T?>, _ describe: (T) -> String) {
            var chosen: (T, LegacyRecord)?
            for record in ordered {
                guard let value = record.fields[keyPath: path] else { continue }
                if let (current, from) = chosen {
                    if current != value, plan.conflicts.count < 50,
                        !plan.conflicts.contains(where: { $0.field == name && $0.otherSource == Self.sourceName(record) })
                    {
                        plan.conflicts.append(
                            VideoPlan.Conflict(
                                field: name,
                                chosenSource: Self.sourceName(from),
                                chosen: String(describe(current).prefix(80)),
                                otherSource: Self.sourceName(record),
                                other: String(describe(value).prefix(80))
                            )
                        )
                    }
                } else {
                    chosen = (value, record)
                }
            }
            metadata[keyPath: path] = chosen?.0
        }
        let text: (String) -> String = { $0 }
        let number: (Int) -> String = { String($0) }
        take("title", \.title, text)
        take("channel_name", \.channelName, text)
        take("channel_id", \.channelID, text)
        take("thumbnail_url", \.thumbnailURL, text)
        take("published_at", \.publishedAt) { $0.formatted(.iso8601) }
        take("duration_seconds", \.durationSeconds, number)
        take("word_count", \.wordCount, number)
        take("view_count", \.viewCount, number)
        take("like_count", \.likeCount, number)
        take("comment_count", \.commentCount, number)
        take("has_transcript", \.hasTranscript) { String($0) }
        take("transcript_chars", \.transcriptChars, number)
        take("content_type", \.contentType, text)
        take("complexity_level", \.complexityLevel, text)
        take("language", \.language, text)
        take("key_topics", \.keyTopics) { $0.joined(separator: ", ") }
        take("named_entities", \.namedEntities) { $0.joined(separator: ", ") }
        metadata.indexedAt = ordered.compactMap(\.indexedAt).min()
        for conflict in plan.conflicts {
            plan.explanation.append(
                "\(conflict.field): \(conflict.chosenSource) \"\(conflict.chosen)\" kept over \(conflict.otherSource) \"\(conflict.other)\""
            )
        }
        for (field, value) in Self.sanitize(&metadata) { plan.explanation.append("\(field): \(value) is out of range; left empty") }

        // Categorization: the dashboard's when it is categorized, else the newest source that has one.
        var categorization: Categorization?
        if let row = dashboard.first(where: \.isCategorized), let entries = row.categories {
            categorization = Categorization(entries: entries, origin: .legacyDashboard)
            plan.explanation.append("categorization: from the dashboard (curated): \(Self.describe(entries))")
        } else if let row = ordered.sorted(by: { ($0.seenAt ?? .distantPast) > ($1.seenAt ?? .distantPast) })
            .first(where: { !($0.categories ?? []).isEmpty }), let entries = row.categories
        {
            let origin: CategorizationOrigin = row.source.file == Self.dashboard ? .legacyDashboard : .processor
            categorization = Categorization(entries: entries, origin: origin)
            plan.explanation.append("categorization: from \(Self.sourceName(row)) (newest that has one): \(Self.describe(entries))")
        }

        // Summaries: the union of variants; identical texts once; different texts as revisions in time order.
        let indexed = records.enumerated().flatMap { index, record in record.summaries.map { (index, $0) } }
        let sorted = indexed.sorted { lhs, rhs in
            let l = lhs.1.at ?? .distantPast
            let r = rhs.1.at ?? .distantPast
            return l == r ? lhs.0 < rhs.0 : l < r
        }
        var seen: [String: Set<String>] = [:]
        var revisions: [SummaryDraft] = []
        var contributed = Set<Int>()
        for (index, summary) in sorted {
            guard seen[summary.variant.id, default: []].insert(summary.text).inserted else { continue }
            contributed.insert(index)
            revisions.append(
                SummaryDraft(
                    variant: summary.variant,
                    text: summary.text,
                    html: nil,
                    headline: summary.headline,
                    language: summary.language,
                    proficiency: summary.proficiency,
                    rawValue: summary.rawValue,
                    generatedAt: summary.at
                )
            )
        }
        for variant in Set(revisions.map(\.variant.id)).sorted() {
            let count = revisions.filter { $0.variant.id == variant }.count
            plan.explanation.append("summary \(variant): \(count) revision\(count == 1 ? "" : "s")")
        }

        // Audio: files named after the video, or named by the NAS's content_files rows.
        let named = records.flatMap(\.filePaths).map { ($0 as NSString).lastPathComponent }
        var candidates = audioByVideo[id.rawValue] ?? []
        candidates += named.map { SnapshotManifest.audioFolder + "/" + $0 }.filter(audioFiles.contains)
        plan.audioPath = candidates.sorted().last
        plan.audioDurationSeconds = records.compactMap(\.audioDurationSeconds).first { $0 >= 0 }
        let claimsAudio = records.contains { $0.hasAudio == true }
        if let path = plan.audioPath {
            plan.explanation.append("audio: \(path)")
        } else if claimsAudio {
            plan.explanation.append("audio: a source says has_audio but no audio file was found in the snapshot")
        }

        var aliases = Set(
            records.compactMap(\.legacyID).filter {
                $0 != id.rawValue && !$0.isEmpty && $0.utf8.count <= Store.maximumAliasLength
            }
        )
        // A legacy id that names another video stays that video's alias: a `yt:` id of another video (a row whose id
        // and video_id disagree), or an id whose dashboard row belongs to another video.
        for alias in aliases.sorted() {
            if alias.hasPrefix("yt:"), VideoID.isValid(String(alias.dropFirst(3))), alias.lowercased() != id.legacyID {
                aliases.remove(alias)
                plan.explanation.append("alias \(alias) not kept: it is the legacy id of another video, not of \(id)")
            } else if let owner = contestedAliases[alias.lowercased()], owner != plan.key {
                aliases.remove(alias)
                plan.explanation.append("alias \(alias) not kept: the dashboard's row with this id belongs to \(owner)")
            }
        }
        aliases.insert(id.legacyID)
        plan.video = ImportedVideo(
            id: id,
            metadata: metadata,
            categorization: categorization,
            revisions: revisions,
            audio: nil,
            aliases: aliases.sorted()
        )

        // Outcomes: the first authoritative row is imported, other rows merge into it; byte-identical copies and rows
        // whose texts were all already counted are duplicates.
        let first = ordered.first.map(\.source)
        var hashes = Set<String>()
        let order = records.indices.sorted { lhs, rhs in
            (records[lhs].source == first ? 0 : 1, records[lhs].source) < (records[rhs].source == first ? 0 : 1, records[rhs].source)
        }
        for index in order {
            let record = records[index]
            let isChild = record.source.table != "content" && record.source.table != "report"
            let outcome: LedgerEntry.Outcome
            if record.source == first {
                outcome = .imported
            } else if hashes.contains(record.rowSHA256) {
                outcome = .duplicate
            } else if isChild, !record.summaries.isEmpty, !contributed.contains(index), record.filePaths.isEmpty {
                outcome = .duplicate
            } else {
                outcome = .merged
            }
            hashes.insert(record.rowSHA256)
            let reason: String? =
                switch outcome {
                case .merged: "merged into \(id)"
                case .duplicate: "identical to a row already counted"
                default: nil
                }
            plan.ledger.append(entry(record, outcome, target: id.rawValue, reason: reason))
        }
        for entry in plan.ledger {
            plan.explanation.append(
                "\(LegacySource(file: entry.sourceFile, table: entry.sourceTable, key: entry.sourceKey)): \(entry.outcome.rawValue)"
            )
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
