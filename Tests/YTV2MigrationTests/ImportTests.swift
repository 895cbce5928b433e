import Foundation
import Testing
import YTV2Core
import YTV2Fixtures
import YTV2Legacy
import YTV2Migration
import YTV2Store
import YTV2TestSupport

@Suite struct ImportTests {
    @Test func everySourceRowEndsInOneOutcomeAndVerifyPasses() async throws {
        let fixture = try MigrationFixture.make(rows: 130)
        defer { fixture.cleanUp() }
        try await withTestStore { store in
            let report = try await fixture.importAll(into: store, batchSize: 17)
            let sourceRows = fixture.snapshot.manifest.baseline.rowsPerTable.values.flatMap(\.values).reduce(0, +)
            #expect(report.plan.totalSourceRows == sourceRows)
            #expect(report.plan.totalOutcomes == sourceRows)
            #expect(try await sql(store, "SELECT count(*)::text FROM migration_ledger").first?.first == String(sourceRows))
            // The planner has statistics of what was written (-1 rows: never analyzed, the planner guesses).
            let unanalyzed = try await sql(
                store,
                "SELECT relname::text FROM pg_class WHERE relname IN ('videos', 'summaries', 'video_aliases', 'migration_ledger') AND reltuples < 0"
            )
            #expect(unanalyzed == [])
            let verify = try await fixture.verify(store)
            #expect(verify.passed, "\(verify.differences)")
            #expect(verify.videosCompared == report.plan.videosImported)
            // One audit entry with the counts and the snapshot's checksum.
            let audit = try await sql(store, "SELECT details->>'snapshot', details->>'sourceRows' FROM audit_log WHERE action = 'migration.import'")
            #expect(audit.count == 1)
            #expect(audit.first?[0] == fixture.snapshot.id)
            #expect(audit.first?[1] == String(sourceRows))
            #expect(try await AuditLog(store: store).verifyChain().isIntact)
        }
    }

    @Test func aSecondImportChangesNothing() async throws {
        let fixture = try MigrationFixture.make(rows: 80)
        defer { fixture.cleanUp() }
        try await withTestStore { store in
            let first = try await fixture.importAll(into: store)
            #expect(first.changes > 0)
            let before = try await contentChecksum(store)
            let videos = first.plan.videos
            // The same snapshot with the same options, finished and not started again since: nothing to read.
            let second = try await fixture.importAll(into: store)
            #expect(second.alreadyImportedAt != nil)
            #expect(second.changes == 0)
            #expect(second.videosUnchanged == videos)
            #expect(second.plan == first.plan)
            // Compared row by row with the ledger: every video is found unchanged.
            let planner = fixture.planner()
            let rechecked = try await MigrationImporter(ledger: MigrationLedger(store: store), planner: planner).run(recheck: true)
            #expect(rechecked.alreadyImportedAt == nil)
            #expect(rechecked.changes == 0)
            #expect(rechecked.written.videosWritten == 0)
            #expect(rechecked.written.revisionsAdded == 0)
            #expect(rechecked.videosUnchanged == videos)
            #expect(rechecked.plan.videosUnchanged == videos)
            #expect(rechecked.plan.totalOutcomes == first.plan.totalOutcomes)
            #expect(try await contentChecksum(store) == before)
        }
    }

    @Test func anImportStartedSinceTheFinishedOneMeansTheRowsAreComparedAgain() async throws {
        let fixture = try MigrationFixture.make(rows: 60)
        defer { fixture.cleanUp() }
        try await withTestStore { store in
            _ = try await fixture.importAll(into: store)
            // Another import starts (other options) and stops before it finishes: what the first wrote may have changed.
            let other = PlanOptions(deletedBefore: Date(timeIntervalSince1970: 4_102_444_800))
            try await store.recordSetting(
                MigrationImporter.startedKey,
                json: #"{"snapshot":"\#(fixture.snapshot.id)","options":{"keep":[],"drop":[],"deletedBefore":"2100-01-01T00:00:00Z"}}"#,
                actor: "test",
                auditAction: "migration.import.start",
                details: ["options": "\(other)"]
            )
            let again = try await fixture.importAll(into: store)
            #expect(again.alreadyImportedAt == nil)
            #expect(again.changes == 0)
            // That run finished: the next one has nothing to do.
            #expect(try await fixture.importAll(into: store).alreadyImportedAt != nil)
            // Other options never count as done.
            let withOther = try await fixture.importAll(into: store, options: other)
            #expect(withOther.alreadyImportedAt == nil)
            #expect(withOther.changes > 0)
        }
    }

    @Test func aNewSnapshotReconcilesOnlyTheVideosWhoseRowsChanged() async throws {
        let fixture = try MigrationFixture.make(rows: 60)
        defer { fixture.cleanUp() }
        try await withTestStore { store in
            let first = try await fixture.importAll(into: store)
            let videos = first.plan.videos
            // The legacy dashboard keeps running: one title changes, then a second snapshot is taken.
            let legacy = fixture.folder.appendingPathComponent("legacy")
            let dashboard = legacy.appendingPathComponent(LegacyFixtures.dashboardFile).path
            #expect(try await videosWithStaleSearchWords(store) == [])
            let changed = try #require(fixture.expectations.curated.keys.sorted().first)
            try SQLiteShell.run(dashboard, "UPDATE content SET title = 'Retitled after the first snapshot' WHERE video_id = '\(changed)';")
            let snapshot = try MigrationSnapshot.create(
                dashboard: dashboard,
                nas: legacy.appendingPathComponent(LegacyFixtures.nasFile).path,
                reports: legacy.appendingPathComponent("reports").path,
                audio: legacy.appendingPathComponent("audio").path,
                out: fixture.folder.appendingPathComponent("snapshot-2")
            )
            let planner = MigrationPlanner(snapshot: snapshot, options: PlanOptions())
            let second = try await MigrationImporter(ledger: MigrationLedger(store: store), planner: planner).run()
            #expect(second.videosUnchanged == videos - 1)
            #expect(second.plan.videosUnchanged == videos - 1)
            #expect(second.written.videosWritten == 1)
            // Outcomes still account for every source row, reconciled or not.
            #expect(second.plan.totalOutcomes == second.plan.totalSourceRows)
            #expect(try await ReportReader(store: store).report(id: changed)?.title == "Retitled after the first snapshot")
            // The video that existed is found by its new title's words (its search words were refreshed, not kept).
            #expect(try await videosWithStaleSearchWords(store) == [])
            #expect(try await sql(store, "SELECT video_id FROM videos WHERE search @@ ytv2_search_query('retitled')") == [[changed]])
            let verify = try await MigrationVerifier(store: store, planner: planner).run()
            #expect(verify.passed, "\(verify.differences)")
        }
    }

    @Test func newAndMergedVideosGetTheSearchWordsOfTheirRowAndLatestSummaries() async throws {
        let fixture = try MigrationFixture.make(rows: 90)
        defer { fixture.cleanUp() }
        try await withTestStore { store in
            // Videos already in YTV2 before the import (written by the processor) are merged into, the rest inserted.
            var imported: [VideoID] = []
            let plan = try await fixture.planner().run { plans in imported += plans.compactMap(\.video?.id) }
            #expect(plan.videosImported > 20)
            let merged = Array(imported.prefix(10))
            for id in merged {
                try await VideoStore(store: store).commit(
                    VideoWrite(
                        videoID: id,
                        metadata: VideoMetadata(title: "Processor title", channelName: "Processor channel"),
                        summaries: [SummaryDraft(variant: .comprehensive, text: "Quetzalcoatlus written by the processor")],
                        actor: "processor"
                    )
                )
            }
            let report = try await fixture.importAll(into: store, batchSize: 7)
            #expect(report.written.videosWritten == plan.videosImported)
            #expect(try await videosWithStaleSearchWords(store) == [])
            // The imported summaries became the latest revisions of the merged videos; their words are searchable, the
            // processor's summary text no longer is (it is an earlier revision).
            let earlier = try await sql(store, "SELECT video_id FROM videos WHERE search @@ ytv2_search_query('quetzalcoatlus') ORDER BY 1")
            let stillLatest = try await sql(
                store,
                "SELECT DISTINCT video_id FROM summaries WHERE is_latest AND text LIKE '%Quetzalcoatlus%' ORDER BY 1"
            )
            #expect(earlier.compactMap(\.first) == stillLatest.compactMap(\.first))
            #expect(stillLatest.count < merged.count)
        }
    }

    @Test func changedOptionsReconcileTheVideosWhoseDecisionChanges() async throws {
        let fixture = try MigrationFixture.make(rows: 80)
        defer { fixture.cleanUp() }
        let newer = fixture.expectations.newerOnNAS
        #expect(!newer.isEmpty)
        try await withTestStore { store in
            let first = try await fixture.importAll(into: store)
            for raw in newer { #expect(try await ReportReader(store: store).report(id: raw) != nil) }
            // The same rows with a later high-water mark: the NAS-only videos now count as deleted on the dashboard.
            let options = PlanOptions(deletedBefore: Date(timeIntervalSince1970: 4_102_444_800))
            let second = try await fixture.importAll(into: store, options: options)
            #expect(second.written.tombstonesAdded == newer.count)
            #expect(second.videosUnchanged == first.plan.videos - newer.count)
            for raw in newer { #expect(try await ReportReader(store: store).report(id: raw) == nil, "\(raw) is still there") }
            let verify = try await fixture.verify(store, options: options)
            #expect(verify.passed, "\(verify.differences)")
        }
    }

    @Test func theDisasterCasesAsData() async throws {
        let fixture = try MigrationFixture.make(rows: 150)
        defer { fixture.cleanUp() }
        let expected = fixture.expectations
        #expect(!expected.deletedOnDashboard.isEmpty && !expected.newerOnNAS.isEmpty && expected.curated.count >= 20)
        try await withTestStore { store in
            _ = try await fixture.importAll(into: store)
            // Deleted on the dashboard, still on the NAS: stays out, with a tombstone that refuses a later write.
            for raw in expected.deletedOnDashboard {
                let id = try VideoID(raw)
                #expect(try await ReportReader(store: store).report(id: raw) == nil, "\(raw) came back")
                #expect(
                    try await sql(store, "SELECT reason FROM tombstones WHERE video_id = '\(raw)'").first?.first??.contains(
                        "deleted on the dashboard"
                    ) == true
                )
                await #expect(throws: StoreError.self) {
                    try await VideoStore(store: store).commit(VideoWrite(videoID: id, metadata: VideoMetadata(title: "again"), actor: "processor"))
                }
            }
            // Processed after the last sync: on the NAS only, newer than the dashboard's mark, imported.
            for raw in expected.newerOnNAS { #expect(try await ReportReader(store: store).report(id: raw) != nil, "\(raw) is missing") }
            // Curated on the dashboard only: every pair survives, although the NAS copy lacks them.
            for (raw, pairs) in expected.curated {
                let stored = try await sql(store, "SELECT categories::text, categorization_origin FROM videos WHERE video_id = '\(raw)'")
                let entries = try JSONDecoder().decode([CategoryEntry].self, from: Data((stored.first?[0] ?? "[]")!.utf8))
                #expect(Categorization(entries: entries, origin: .legacyDashboard).pairs == Set(pairs), "\(raw)")
                #expect(stored.first?[1] == "legacy_dashboard")
            }
            // The rows that cannot be placed are quarantined whole, with the reason.
            for (key, reason) in expected.quarantined {
                let rows = try await sql(
                    store,
                    "SELECT reason, row_data->>'id' FROM quarantine WHERE source_table = 'content' AND source_key = '\(key)'"
                )
                #expect(!rows.isEmpty, "\(key) not quarantined")
                #expect(rows.allSatisfy { $0[0] == reason && $0[1] == key })
            }
            // Ids whose case only a report knows are imported under the case-exact id, and the legacy id resolves.
            for raw in expected.caseFromReport {
                let id = try VideoID(raw)
                #expect(try await ReportReader(store: store).report(id: raw) != nil)
                #expect(try await ReportReader(store: store).resolve(id.legacyID)?.rawValue == raw)
            }
        }
    }

    @Test func summariesAreNormalizedWithTheRawValueKeptAndRenderedByTheDashboardRenderer() async throws {
        let fixture = try MigrationFixture.make(rows: 40)
        defer { fixture.cleanUp() }
        try await withTestStore { store in
            _ = try await fixture.importAll(into: store)
            let rows = try await sql(store, "SELECT text, html, raw_value, variant FROM summaries WHERE raw_value IS NOT NULL")
            #expect(rows.count > 5)
            for row in rows {
                let text = row[0]!
                let html = row[1]!
                let raw = row[2]!
                #expect(!text.hasPrefix("{") && !text.contains("\\n"))
                #expect(html == SummaryHTML.render(text))
                #expect(LegacySummaryText.normalize(raw, variant: try SummaryVariant(row[3]!)).normalized == text)
            }
            let audio = try await sql(store, "SELECT count(*)::text FROM audio")
            #expect(audio.first?.first == String(fixture.expectations.audioFiles))
        }
    }

    @Test func explainShowsEveryDecisionAboutOneVideo() async throws {
        let fixture = try MigrationFixture.make(rows: 60)
        defer { fixture.cleanUp() }
        let deleted = try #require(fixture.expectations.deletedOnDashboard.first)
        var plans: [VideoPlan] = []
        _ = try await fixture.planner().run(only: deleted) { plans += $0 }
        #expect(plans.count == 1)
        let text = plans[0].explanation.joined(separator: "\n")
        #expect(text.contains("deleted on the dashboard"))
        #expect(text.contains("nas.sqlite, table content"))
        // --keep overrides the rule.
        var kept: [VideoPlan] = []
        _ = try await fixture.planner(PlanOptions(keep: [deleted])).run(only: deleted) { kept += $0 }
        #expect(kept.first?.decision == .importVideo(try VideoID(deleted)))
    }
}

/// Videos whose stored search words, or their narrow copy (`video_search`), differ from what their row and latest
/// summaries give (`ytv2_search_document`).
func videosWithStaleSearchWords(_ store: Store) async throws -> [String] {
    try await sql(
        store,
        """
        SELECT v.video_id FROM videos v LEFT JOIN video_search s USING (video_id)
        WHERE v.search IS DISTINCT FROM ytv2_search_document(v.video_id) OR s.words IS DISTINCT FROM ytv2_search_document(v.video_id)
        ORDER BY 1
        """
    ).compactMap { $0.first ?? nil }
}
