import Foundation
import YTV2Core
import YTV2Legacy
import YTV2Store

/// Rule 4 (docs/legacy.md, "Reconciliation"): the field-by-field merge of one imported video's rows, step by step.
extension Reconciler {
    /// Merges the rows of one imported video into `plan`: metadata, categorization, summaries, audio, aliases, and the
    /// outcome of every row.
    func merge(into plan: inout VideoPlan, id: VideoID, records: [LegacyRecord]) {
        // Primary rows in authority order: the dashboard's, then the others newest first.
        let primaries = records.filter { $0.source.table == "content" || $0.source.table == "report" }
        let dashboard = primaries.filter { $0.source.file == Self.dashboard }
        let others = primaries.filter { $0.source.file != Self.dashboard }
            .sorted { ($0.seenAt ?? .distantPast) > ($1.seenAt ?? .distantPast) }
        let ordered = dashboard + others

        let metadata = mergeMetadata(ordered, into: &plan)
        let categorization = mergeCategorization(dashboard: dashboard, ordered: ordered, into: &plan)
        let (revisions, contributed) = mergeSummaries(records, into: &plan)
        findAudio(id, records: records, into: &plan)
        plan.video = ImportedVideo(
            id: id,
            metadata: metadata,
            categorization: categorization,
            revisions: revisions,
            audio: nil,
            aliases: keptAliases(id, records: records, into: &plan)
        )
        recordOutcomes(id, records: records, first: ordered.first?.source, contributed: contributed, into: &plan)
    }

    // MARK: - Metadata

    /// Each field from the first source in authority order that has a real value; a placeholder (``Placeholder``)
    /// only when no source has better, and each replaced placeholder is listed. A different real value elsewhere is a
    /// conflict, and the authority's value stays.
    func mergeMetadata(_ ordered: [LegacyRecord], into plan: inout VideoPlan) -> VideoMetadata {
        var metadata = VideoMetadata()
        func take<T: Equatable>(
            _ name: String,
            _ path: WritableKeyPath<VideoMetadata, T?>,
            placeholder isPlaceholder: (T) -> Bool = { _ in false },
            _ describe: (T) -> String
        ) {
            // Positions in `ordered`, not copies of the records: this runs 17 times per video.
            var candidates: [(value: T, position: Int)] = []
            for position in ordered.indices {
                if let value = ordered[position].fields[keyPath: path] { candidates.append((value, position)) }
            }
            guard let first = candidates.first else { return }
            let chosen = candidates.first { !isPlaceholder($0.value) } ?? first
            if chosen.position != first.position {
                plan.placeholderReplacements.append(
                    VideoPlan.PlaceholderReplacement(
                        field: name,
                        placeholderSource: Self.sourceName(ordered[first.position]),
                        placeholder: String(describe(first.value).prefix(80)),
                        source: Self.sourceName(ordered[chosen.position]),
                        value: String(describe(chosen.value).prefix(80))
                    )
                )
            }
            for other in candidates where !isPlaceholder(other.value) && other.value != chosen.value {
                let otherSource = Self.sourceName(ordered[other.position])
                guard plan.conflicts.count < 50, !plan.conflicts.contains(where: { $0.field == name && $0.otherSource == otherSource })
                else { continue }
                plan.conflicts.append(
                    VideoPlan.Conflict(
                        field: name,
                        chosenSource: Self.sourceName(ordered[chosen.position]),
                        chosen: String(describe(chosen.value).prefix(80)),
                        otherSource: otherSource,
                        other: String(describe(other.value).prefix(80))
                    )
                )
            }
            metadata[keyPath: path] = chosen.value
        }
        let text: (String) -> String = { $0 }
        let number: (Int) -> String = { String($0) }
        take("title", \.title, placeholder: Placeholder.isTitle, text)
        take("channel_name", \.channelName, placeholder: Placeholder.isChannelName, text)
        take("channel_id", \.channelID, placeholder: Placeholder.isText, text)
        take("thumbnail_url", \.thumbnailURL, placeholder: Placeholder.isText, text)
        take("published_at", \.publishedAt) { $0.formatted(.iso8601) }
        take("duration_seconds", \.durationSeconds, placeholder: Placeholder.isCount, number)
        take("word_count", \.wordCount, placeholder: Placeholder.isCount, number)
        take("view_count", \.viewCount, placeholder: Placeholder.isCount, number)
        take("like_count", \.likeCount, placeholder: Placeholder.isCount, number)
        take("comment_count", \.commentCount, placeholder: Placeholder.isCount, number)
        take("has_transcript", \.hasTranscript) { String($0) }
        take("transcript_chars", \.transcriptChars, placeholder: Placeholder.isCount, number)
        take("content_type", \.contentType, placeholder: Placeholder.isText, text)
        take("complexity_level", \.complexityLevel, placeholder: Placeholder.isText, text)
        take("language", \.language, placeholder: Placeholder.isText, text)
        take("key_topics", \.keyTopics) { $0.joined(separator: ", ") }
        take("named_entities", \.namedEntities) { $0.joined(separator: ", ") }
        metadata.indexedAt = ordered.compactMap(\.indexedAt).min()
        for replacement in plan.placeholderReplacements { plan.explanation.append(replacement.description) }
        for conflict in plan.conflicts {
            plan.explanation.append(
                "\(conflict.field): \(conflict.chosenSource) \"\(conflict.chosen)\" kept over \(conflict.otherSource) \"\(conflict.other)\""
            )
        }
        for (field, value) in Self.sanitize(&metadata) { plan.explanation.append("\(field): \(value) is out of range; left empty") }
        return metadata
    }

    // MARK: - Categorization

    /// The dashboard's when it is categorized (curated there), else the newest source that has one.
    func mergeCategorization(dashboard: [LegacyRecord], ordered: [LegacyRecord], into plan: inout VideoPlan) -> Categorization? {
        if let row = dashboard.first(where: \.isCategorized), let entries = row.categories {
            plan.explanation.append("categorization: from the dashboard (curated): \(Self.describe(entries))")
            return Categorization(entries: entries, origin: .legacyDashboard)
        }
        let newestFirst = ordered.sorted { ($0.seenAt ?? .distantPast) > ($1.seenAt ?? .distantPast) }
        guard let row = newestFirst.first(where: { !($0.categories ?? []).isEmpty }), let entries = row.categories else { return nil }
        let origin: CategorizationOrigin = row.source.file == Self.dashboard ? .legacyDashboard : .processor
        plan.explanation.append("categorization: from \(Self.sourceName(row)) (newest that has one): \(Self.describe(entries))")
        return Categorization(entries: entries, origin: origin)
    }

    // MARK: - Summaries

    /// The union of variants; identical texts once; different texts as revisions in time order. Returns the revisions
    /// and the indexes of the rows that contributed one. A video no source gives a summary is imported as it is.
    func mergeSummaries(_ records: [LegacyRecord], into plan: inout VideoPlan) -> ([SummaryDraft], Set<Int>) {
        let indexed = records.enumerated().flatMap { index, record in record.summaries.map { (index, $0) } }
        let sorted = indexed.sorted { lhs, rhs in
            let l = lhs.1.at ?? .distantPast
            let r = rhs.1.at ?? .distantPast
            return l == r ? lhs.0 < rhs.0 : l < r
        }
        // The texts seen per variant, compared in a list: a video has a few per variant, and hashing a summary costs
        // more than comparing it with another (most differ early, equal ones are equal byte for byte).
        var seen: [String: [String]] = [:]
        var revisions: [SummaryDraft] = []
        var contributed = Set<Int>()
        for (index, summary) in sorted {
            let texts = seen[summary.variant.id, default: []]
            guard !texts.contains(summary.text) else { continue }
            seen[summary.variant.id] = texts + [summary.text]
            contributed.insert(index)
            revisions.append(
                SummaryDraft(
                    variant: summary.variant,
                    text: summary.text,
                    headline: summary.headline,
                    language: summary.language,
                    proficiency: summary.proficiency,
                    rawValue: summary.rawValue,
                    generatedAt: summary.at
                )
            )
        }
        if revisions.isEmpty {
            plan.explanation.append("summary: none in any source (the summary failed or was never made); imported without one")
        }
        for variant in Set(revisions.map(\.variant.id)).sorted() {
            let count = revisions.filter { $0.variant.id == variant }.count
            plan.explanation.append("summary \(variant): \(count) revision\(count == 1 ? "" : "s")")
        }
        return (revisions, contributed)
    }

    // MARK: - Audio

    /// Files named after the video, or named by the NAS's content_files rows; the latest name wins.
    func findAudio(_ id: VideoID, records: [LegacyRecord], into plan: inout VideoPlan) {
        let named = records.flatMap(\.filePaths).map { ($0 as NSString).lastPathComponent }
        var candidates = audioByVideo[id.rawValue] ?? []
        candidates += named.map { SnapshotManifest.audioFolder + "/" + $0 }.filter(audioFiles.contains)
        plan.audioPath = candidates.sorted().last
        plan.audioDurationSeconds = records.compactMap(\.audioDurationSeconds).first { $0 >= 0 }
        if let path = plan.audioPath {
            plan.explanation.append("audio: \(path)")
        } else if records.contains(where: { $0.hasAudio == true }) {
            plan.explanation.append("audio: a source says has_audio but no audio file was found in the snapshot")
        }
    }

    // MARK: - Aliases

    /// The legacy ids that keep resolving to the video: its own `yt:<lower-cased>` id, the legacy ids of its rows, and
    /// the stems of its report files (the legacy processor used them as ids, also to delete). A legacy id that names
    /// another video stays that video's: a `yt:` id of another video (a row whose id and video_id disagree), or an id
    /// whose dashboard row belongs to another video.
    func keptAliases(_ id: VideoID, records: [LegacyRecord], into plan: inout VideoPlan) -> [String] {
        let stems = records.filter { $0.source.table == "report" }.map { record in
            record.source.key.hasSuffix(".json") ? String(record.source.key.dropLast(5)) : record.source.key
        }
        var aliases = Set(
            (records.compactMap(\.legacyID) + stems).filter {
                $0 != id.rawValue && !$0.isEmpty && $0.utf8.count <= Store.maximumAliasLength
            }
        )
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
        return aliases.sorted()
    }

    // MARK: - Outcomes

    /// The first authoritative row is imported, other rows merge into it; byte-identical copies and child rows whose
    /// texts were all already counted are duplicates.
    func recordOutcomes(_ id: VideoID, records: [LegacyRecord], first: LegacySource?, contributed: Set<Int>, into plan: inout VideoPlan) {
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
}
