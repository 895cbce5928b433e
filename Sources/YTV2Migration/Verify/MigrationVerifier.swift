import Foundation
import YTV2Core
import YTV2Legacy
import YTV2Store

/// The result of `ytv2 migrate verify`: every check with its figures, and every difference down to video and field.
package struct VerifyReport: Codable, Sendable {
    package struct Check: Codable, Sendable {
        package var name: String
        package var passed: Bool
        package var detail: String
    }

    package var snapshot: String
    package var checks: [Check] = []
    package var differences: [String] = []
    package var videosCompared = 0
    /// Imported videos that have no summary in any source, and none stored: faithful data, not a difference.
    package var videosWithoutSummary = 0
    package var seconds = 0.0

    package var passed: Bool { differences.isEmpty && checks.allSatisfy(\.passed) }

    mutating func check(_ name: String, _ problems: [String], detail: String) {
        checks.append(Check(name: name, passed: problems.isEmpty, detail: detail))
        differences += problems.prefix(200)
        if problems.count > 200 { differences.append("… and \(problems.count - 200) more for \(name)") }
    }
}

/// Recomputes the migration from the snapshot and compares it with what PostgreSQL holds, independently of the import.
package struct MigrationVerifier: Sendable {
    package let store: Store
    package let planner: MigrationPlanner

    package init(store: Store, planner: MigrationPlanner) {
        self.store = store
        self.planner = planner
    }

    package func run(progress: ProgressReporter = .silent) async throws -> VerifyReport {
        let started = ContinuousClock.now
        let snapshot = planner.snapshot
        var report = VerifyReport(snapshot: snapshot.id)
        let files = [SnapshotManifest.dashboardFile, SnapshotManifest.nasFile] + snapshot.reportFiles
        let ledgerCount = try await MigrationLedger(store: store).ledgerCount(files: files)
        var matched = 0
        let quarantined = try await MigrationLedger(store: store).quarantineKeys(files: files)

        var ledgerProblems: [String] = []
        var fieldProblems: [String] = []
        var tombstoneProblems: [String] = []
        var quarantineProblems: [String] = []
        var expectedCategorized: [String: Set<CategoryPair>] = [:]
        var withoutSummary = 0
        // The database side of one batch runs while the next batch is recomputed from the snapshot.
        let store = self.store
        let summary = try await planner.runOverlapping(progress: progress) { plans in
            var imported: [VideoPlan] = []
            var tombstoneIDs: [String] = []
            let ledger = try await MigrationLedger(store: store).ledger(rows: plans.flatMap(\.ledger))
            matched += ledger.count
            for plan in plans {
                for entry in plan.ledger {
                    let key = MigrationLedger.ledgerKey(entry.sourceFile, entry.sourceTable, entry.sourceKey)
                    guard let recorded = ledger[key] else {
                        ledgerProblems.append("\(entry.sourceFile) \(entry.sourceTable) \(entry.sourceKey): no ledger entry")
                        continue
                    }
                    if recorded.sha != entry.rowSHA256 {
                        ledgerProblems.append(
                            "\(entry.sourceFile) \(entry.sourceTable) \(entry.sourceKey): ledger checksum differs from the snapshot row"
                        )
                    }
                    if !entry.agrees(withRecorded: recorded.outcome) {
                        ledgerProblems.append(
                            "\(entry.sourceFile) \(entry.sourceTable) \(entry.sourceKey): ledger says \(recorded.outcome), the plan says \(entry.outcome.rawValue)"
                        )
                    }
                    if entry.outcome == .quarantined, !quarantined.contains(key) {
                        quarantineProblems.append(
                            "\(entry.sourceFile) \(entry.sourceTable) \(entry.sourceKey): quarantined in the ledger but its row is not stored in quarantine"
                        )
                    }
                }
                switch plan.decision {
                case .importVideo(let id):
                    imported.append(plan)
                    if let categorization = plan.video?.categorization, categorization.isCategorized {
                        expectedCategorized[id.rawValue] = categorization.normalized.pairs
                    }
                case .tombstone(let id, _): tombstoneIDs.append(id.rawValue)
                case .quarantine: break
                }
            }
            let (batch, tombstones) = (imported, tombstoneIDs)
            return { try await Self.compare(batch, tombstones: tombstones, snapshot: snapshot, store: store) }
        } collect: { (comparison: BatchComparison) in
            report.videosCompared += comparison.compared
            withoutSummary += comparison.withoutSummary
            fieldProblems += comparison.fieldProblems
            tombstoneProblems += comparison.tombstoneProblems
        }
        if ledgerCount > matched { ledgerProblems.append("\(ledgerCount - matched) ledger entries name rows the snapshot does not have") }
        let rows = summary.totalSourceRows
        let counted = summary.totalOutcomes
        if rows != counted { ledgerProblems.append("the plan accounts for \(counted) of \(rows) source rows") }
        report.check(
            "ledger accounts for every source row",
            ledgerProblems,
            detail: "\(rows) source rows, \(ledgerCount) ledger entries; outcomes "
                + summary.outcomes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
        )
        report.videosWithoutSummary = withoutSummary
        report.check(
            "migrated fields hash the same",
            fieldProblems,
            detail: "\(report.videosCompared) videos compared field by field; \(withoutSummary) of them have no summary in any source "
                + "and none stored (imported as they are)"
        )
        report.check("tombstones for rows the dashboard deleted", tombstoneProblems, detail: "\(summary.videosTombstoned) tombstoned")
        report.check("quarantined rows stored whole", quarantineProblems, detail: "\(quarantined.count) rows in quarantine")
        report.check(
            "categorized set and pairs identical",
            try await categorizedProblems(expectedCategorized, snapshot: snapshot, quarantined: quarantined),
            detail:
                "\(expectedCategorized.count) categorized videos; dashboard baseline \(snapshot.manifest.baseline.categorizedCount[SnapshotManifest.dashboardFile] ?? 0) rows"
        )
        report.check(
            "no orphans, one latest revision per variant, tombstoned ids absent",
            try await MigrationLedger(store: store).integrityFindings(),
            detail: "structural checks"
        )
        let elapsed = ContinuousClock.now - started
        report.seconds = elapsed.inSeconds
        return report
    }

    struct BatchComparison: Sendable {
        var compared = 0
        /// Videos the sources give no summary, stored without one: faithful, counted, not a difference.
        var withoutSummary = 0
        var fieldProblems: [String] = []
        var tombstoneProblems: [String] = []
    }

    /// Reads one batch of videos back from PostgreSQL and compares each with what the snapshot says it must be.
    static func compare(_ imported: [VideoPlan], tombstones: [String], snapshot: MigrationSnapshot, store: Store) async throws -> BatchComparison {
        var result = BatchComparison()
        let ids = imported.compactMap { $0.videoID?.rawValue }
        let states = try await MigrationLedger(store: store).videoStates(ids)
        let deleted = try await MigrationLedger(store: store).tombstoned(ids + tombstones)
        for plan in imported {
            guard let video = plan.video else { continue }
            guard let state = states[video.id.rawValue] else {
                if !deleted.contains(video.id.rawValue) { result.fieldProblems.append("\(video.id): missing from PostgreSQL") }
                continue
            }
            result.compared += 1
            if video.revisions.isEmpty, state.revisionCounts.isEmpty { result.withoutSummary += 1 }
            result.fieldProblems += compare(video, audioPath: plan.audioPath, snapshot: snapshot, with: state)
        }
        for id in tombstones where !deleted.contains(id) { result.tombstoneProblems.append("\(id): deleted on the dashboard but has no tombstone") }
        return result
    }

    /// The 67-record check: the categorized set recorded in the snapshot's baseline (computed when the snapshot was
    /// taken) must be categorized in PostgreSQL with exactly the same pairs; so must every video the plan categorizes.
    private func categorizedProblems(
        _ expected: [String: Set<CategoryPair>],
        snapshot: MigrationSnapshot,
        quarantined: Set<String>
    ) async throws -> [String] {
        var problems: [String] = []
        let baseline = snapshot.manifest.baseline.categorized[SnapshotManifest.dashboardFile] ?? [:]
        let targets = try await MigrationLedger(store: store).aliasTargets(Array(baseline.keys).map { $0.lowercased() } + Array(baseline.keys))
        var ids = Set(expected.keys)
        for key in baseline.keys { if let id = targets[key] ?? targets[key.lowercased()] { ids.insert(id) } }
        let states = try await MigrationLedger(store: store).videoStates(Array(ids))
        for (key, pairs) in baseline.sorted(by: { $0.key < $1.key }) {
            guard let id = targets[key] ?? targets[key.lowercased()] else {
                if !quarantined.contains(MigrationLedger.ledgerKey(SnapshotManifest.dashboardFile, "content", key)) {
                    problems.append("dashboard row \(key): categorized in the snapshot, but no video in PostgreSQL answers to it")
                }
                continue
            }
            let actual = states[id].map { Categorization(entries: $0.categories, origin: .curated).pairs } ?? []
            let wanted = Set(pairs)
            let actualText = Set(actual.map { "\($0.category) / \($0.subcategory)" })
            for missing in wanted.subtracting(actualText).sorted() {
                problems.append("\(id) (dashboard row \(key)): curated pair \"\(missing)\" is missing")
            }
            for added in actualText.subtracting(wanted).sorted() {
                problems.append("\(id) (dashboard row \(key)): pair \"\(added)\" was not curated")
            }
        }
        for (id, pairs) in expected.sorted(by: { $0.key < $1.key }) {
            let actual = states[id].map { Categorization(entries: $0.categories, origin: .curated).pairs } ?? []
            if actual != pairs, !problems.contains(where: { $0.hasPrefix(id) }) {
                problems.append("\(id): categories differ (expected \(Self.text(pairs)), stored \(Self.text(actual)))")
            }
        }
        return problems
    }

    static func text(_ pairs: Set<CategoryPair>) -> String {
        pairs.sorted().map { "\($0.category) / \($0.subcategory)" }.joined(separator: "; ")
    }

    /// Compares the expected video (from the snapshot) with PostgreSQL's, naming each field that differs.
    static func compare(
        _ video: ImportedVideo,
        audioPath: String?,
        snapshot: MigrationSnapshot,
        with state: VideoState,
        aliases: Bool = true
    ) -> [String] {
        var problems: [String] = []
        let expected = expectedFields(video.metadata)
        for name in VideoState.fieldNames {
            guard let want = expected[name] else { continue }
            let have = canonical(name, state.fields[name] ?? "")
            if want != have {
                problems.append("\(video.id) \(name): expected \(want.prefix(60).debugDescription), stored \(have.prefix(60).debugDescription)")
            }
        }
        var latest: [String: String] = [:]
        var counts: [String: Int] = [:]
        for draft in video.revisions {
            latest[draft.variant.id] = Array(draft.text.utf8).sha256Hex
            counts[draft.variant.id, default: 0] += 1
        }
        for (variant, sha) in latest where state.latestSHA256[variant] != sha {
            problems.append("\(video.id) summary \(variant): the latest text differs")
        }
        for (variant, count) in counts where (state.revisionCounts[variant] ?? 0) < count {
            problems.append("\(video.id) summary \(variant): \(state.revisionCounts[variant] ?? 0) revisions stored, \(count) expected")
        }
        if let audioPath, let file = snapshot.manifest.files.first(where: { $0.path == audioPath }), state.audioSHA256 != file.sha256 {
            problems.append("\(video.id) audio: stored sha256 \(state.audioSHA256 ?? "none") differs from \(audioPath)")
        }
        for alias in video.aliases where aliases && !state.aliases.contains(alias) { problems.append("\(video.id) alias \(alias) is missing") }
        return problems
    }

    static func expectedFields(_ m: VideoMetadata) -> [String: String] {
        func int(_ value: Int?) -> String { value.map(String.init) ?? "" }
        func date(_ value: Date?) -> String { value.map { String(Int64((($0.timeIntervalSince1970) * 1000).rounded())) } ?? "" }
        var fields: [String: String] = [
            "title": m.title ?? "", "channel_name": m.channelName ?? "", "channel_id": m.channelID ?? "",
            "thumbnail_url": m.thumbnailURL ?? "", "published_at": date(m.publishedAt), "duration_seconds": int(m.durationSeconds),
            "word_count": int(m.wordCount), "view_count": int(m.viewCount), "like_count": int(m.likeCount),
            "comment_count": int(m.commentCount), "has_transcript": String(m.hasTranscript ?? false),
            "transcript_chars": int(m.transcriptChars), "content_type": m.contentType ?? "", "complexity_level": m.complexityLevel ?? "",
            "language": m.language ?? "", "key_topics": (m.keyTopics ?? []).joined(separator: "\u{1F}"),
            "named_entities": (m.namedEntities ?? []).joined(separator: "\u{1F}"),
        ]
        if let indexed = m.indexedAt { fields["indexed_at"] = date(indexed) }
        return fields
    }

    static func canonical(_ name: String, _ value: String) -> String {
        switch name {
        case "key_topics", "named_entities":
            return ((try? JSONDecoder().decode([String].self, from: Data(value.utf8))) ?? []).joined(separator: "\u{1F}")
        default: return value
        }
    }
}
