import Foundation
import Testing
import YTV2Core
import YTV2Fixtures
import YTV2Legacy
import YTV2Migration
import YTV2Store
import YTV2TestSupport

/// Legacy data shaped like the real files: placeholder titles and channels where the reports know the real ones,
/// videos without any summary anywhere, report stems as legacy ids. It must plan, import, verify and pass the
/// Imported gate, with every placeholder replaced and named.
@Suite struct RealWorldTests {
    @Test func placeholdersAndSummarylessVideosMigrateVerifyAndPassTheImportedGate() async throws {
        let fixture = try MigrationFixture.make(rows: 240, seed: 7)
        defer { fixture.cleanUp() }
        let expected = fixture.expectations
        // The generator makes every shape this test is about.
        #expect(expected.withoutSummary.count >= 40)
        #expect(expected.placeholdersReplaced.count >= 5)
        #expect(!expected.placeholdersKept.isEmpty)
        #expect(!expected.stemIDs.isEmpty)
        #expect(expected.reportStems.count >= 20)

        // Plan: each replacement is named in the video's explanation, and counted.
        var collected: [String: VideoPlan] = [:]
        let summary = try await fixture.planner().run { batch in
            for plan in batch { if let id = plan.videoID { collected[id.rawValue] = plan } }
        }
        let plans = collected
        #expect(summary.videosWithoutSummary == expected.withoutSummary.count)
        #expect(summary.placeholdersReplaced["title"] == expected.placeholdersReplaced.count)
        #expect(summary.placeholdersReplaced["channel_name"] == expected.placeholdersReplaced.count)
        for (id, fields) in expected.placeholdersReplaced {
            let explanation = try #require(plans[id]?.explanation)
            for (field, value) in fields {
                #expect(
                    explanation.contains {
                        $0.hasPrefix("\(field): dashboard placeholder \"") && $0.contains("replaced by reports/") && $0.contains(value)
                    },
                    "\(id) \(field): \(explanation)"
                )
            }
        }
        for id in expected.withoutSummary {
            #expect(plans[id]?.explanation.contains { $0.hasPrefix("summary: none in any source") } == true)
        }

        try await withTestStore { store in
            _ = try await fixture.importAll(into: store)
            let report = try await fixture.verify(store)
            #expect(report.passed, "\(report.differences.prefix(5))")
            #expect(report.videosWithoutSummary == expected.withoutSummary.count)
            let phases = MigrationPhases(store: store)
            try await phases.recordVerify(report, actor: "test")
            #expect(try await phases.advance(actor: "test").phase == .imported)

            // Real values won over the placeholders; a placeholder no source knew better stayed.
            let states = try await MigrationLedger(store: store).videoStates(
                Array(expected.placeholdersReplaced.keys) + Array(expected.placeholdersKept.keys)
            )
            for (id, fields) in expected.placeholdersReplaced {
                for (field, value) in fields { #expect(states[id]?.fields[field] == value, "\(id) \(field)") }
            }
            for (id, title) in expected.placeholdersKept { #expect(states[id]?.fields["title"] == title) }
            // Summary-less videos are there, without summaries, listed like any other.
            let summaryless = try await MigrationLedger(store: store).videoStates(expected.withoutSummary)
            #expect(summaryless.count == expected.withoutSummary.count)
            #expect(summaryless.values.allSatisfy { $0.revisionCounts.isEmpty })
            // Every report stem and every stem-shaped legacy id resolves to its video.
            for (stem, id) in expected.reportStems.merging(expected.stemIDs, uniquingKeysWith: { first, _ in first }) {
                #expect(try await ReportReader(store: store).resolve(stem)?.rawValue == id, "\(stem)")
            }

            // A video the sources give summaries that PostgreSQL lost is still a difference, named.
            let victim = try #require(plans.values.first { ($0.video?.revisions.count ?? 0) > 0 }?.videoID)
            _ = try await sql(store, "DELETE FROM summaries WHERE video_id = '\(victim.rawValue)'")
            let broken = try await fixture.verify(store)
            #expect(!broken.passed)
            #expect(broken.differences.contains { $0.hasPrefix("\(victim) summary") && $0.contains("0 revisions stored") })
        }
    }
}
