import Foundation
import Testing
import YTV2Core
import YTV2Fixtures
import YTV2Legacy
import YTV2Migration
import YTV2Store
import YTV2TestSupport

/// Verification must fail, naming video and field, for each kind of damage.
@Suite struct VerifyTests {
    @Test func catchesAnAlteredRowADeletedCuratedPairAndAnOrphan() async throws {
        let fixture = try MigrationFixture.make(rows: 70)
        defer { fixture.cleanUp() }
        let curated = try #require(fixture.expectations.curated.sorted { $0.key < $1.key }.first)
        try await withTestStore { store in
            _ = try await fixture.importAll(into: store)
            #expect(try await fixture.verify(store).passed)

            // An altered row.
            let victim = try #require(
                try await sql(store, "SELECT video_id FROM videos WHERE video_id <> '\(curated.key)' ORDER BY video_id LIMIT 1").first?.first ?? nil
            )
            _ = try await sql(store, "UPDATE videos SET channel_name = 'Someone Else' WHERE video_id = '\(victim)'")
            var report = try await fixture.verify(store)
            #expect(!report.passed)
            #expect(report.differences.contains { $0.hasPrefix("\(victim) channel_name:") })

            // A curated pair removed.
            let pair = curated.value[0]
            _ = try await sql(
                store,
                "UPDATE videos SET categories = '[{\"category\": \"\(pair.category)\", \"subcategories\": []}]' WHERE video_id = '\(curated.key)'"
            )
            report = try await fixture.verify(store)
            #expect(
                report.differences.contains {
                    $0.contains(curated.key) && $0.contains("\(pair.category) / \(pair.subcategory)") && $0.contains("missing")
                }
            )
            #expect(report.checks.first { $0.name.hasPrefix("categorized") }?.passed == false)

            // An orphan: a revision of a video that does not exist (written with the foreign keys switched off).
            _ = try await sql(store, "ALTER TABLE summaries DISABLE TRIGGER ALL")
            _ = try await sql(
                store,
                "INSERT INTO summaries (video_id, variant, revision, is_latest, text) VALUES ('ZZZZZZZZZZZ', 'comprehensive', 1, true, 'orphan')"
            )
            _ = try await sql(store, "ALTER TABLE summaries ENABLE TRIGGER ALL")
            report = try await fixture.verify(store)
            #expect(report.differences.contains { $0.contains("summary revisions of a video that does not exist") && $0.contains("ZZZZZZZZZZZ") })
        }
    }

    @Test func catchesAMissingTombstoneAndAMissingLedgerLine() async throws {
        let fixture = try MigrationFixture.make(rows: 50)
        defer { fixture.cleanUp() }
        let deleted = try #require(fixture.expectations.deletedOnDashboard.first)
        try await withTestStore { store in
            _ = try await fixture.importAll(into: store)
            _ = try await sql(store, "DELETE FROM tombstones WHERE video_id = '\(deleted)'")
            _ = try await sql(store, "DELETE FROM migration_ledger WHERE id = (SELECT min(id) FROM migration_ledger)")
            let report = try await fixture.verify(store)
            #expect(report.differences.contains { $0 == "\(deleted): deleted on the dashboard but has no tombstone" })
            #expect(report.differences.contains { $0.hasSuffix("no ledger entry") })
        }
    }
}
