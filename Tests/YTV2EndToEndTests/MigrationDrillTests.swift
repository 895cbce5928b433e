import Foundation
import GRDB
import NIOHTTP1
import Testing
import YTV2Fakes
import YTV2Store
import YTV2TestSupport

/// The whole migration as one drill, with the real processes: fixtures → snapshot → import → verify → dual-write
/// while the processor stores videos and the dashboard deletes → parity 0 differences → shadow with a read load →
/// an injected difference caught with both payloads → cutover → rollback → export-legacy verified → cutover →
/// archive → Complete; then a legacy write is refused.
@Suite(.serialized, EndToEnd.timeLimit(margin: 10)) struct MigrationDrillTests {
    @Test func theWholeMigrationWithoutDowntime() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-e2e-drill-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TestPostgres.shared.makeDatabase()
        let env = ["DATABASE_URL": database.url, "LOG_LEVEL": "warning", "USER": "e2e"]
        let path = { (name: String) in folder.appendingPathComponent(name).path }
        try await EndToEnd.migrateFixtures(rows: 120, seed: 14, folder: folder, environment: env, reports: true)
        try await EndToEnd.cli(["migrate", "verify", path("snapshot")], environment: env)
        try await EndToEnd.cli(["migrate", "advance"], environment: env)  // Imported
        // The legacy dashboard's copy, in step with PostgreSQL when dual-write begins.
        try await EndToEnd.cli(["migrate", "export-legacy", "--out", path("legacy-dashboard.db")], environment: env)
        try await EndToEnd.cli(["migrate", "advance"], environment: env)  // DualWrite

        let port = EndToEnd.freePort()
        let dashboard = "http://127.0.0.1:\(port)"
        let serve = try EndToEnd.Running(
            ["serve", "--port", String(port)],
            environment: env.merging(["YTV2_ADMIN_TOKEN": EndToEnd.adminToken, "YTV2_LEGACY_DASHBOARD": path("legacy-dashboard.db")]) { $1 },
            logFolder: folder
        )
        let mirror = try EndToEnd.Running(
            ["migrate", "mirror", "--legacy", path("legacy-dashboard.db"), "--retry-seconds", "1"],
            environment: env,
            logFolder: folder
        )
        try await EndToEnd.waitForHealth(dashboard)
        try await Task.sleep(for: .seconds(1))  // the mirror is listening

        // Dual-write: the processor stores 4 videos, the dashboard deletes 3.
        let listed = EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/reports?size=50").1)
        let ids = (listed["reports"] as? [[String: Any]] ?? []).compactMap { $0["video_id"] as? String }
        let deleted = Array(ids.prefix(3))
        let processed = ["DrillNew001", "DrillNew002", "DrillNew003", "DrillNew004"]
        let services = FakeServices()
        try await services.run { base in
            let processorEnv = env.merging(["YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "YTDLP": "0", "TTS_LOCAL": "0"]) { $1 }
            for id in processed { try await EndToEnd.cli(["process", "https://youtu.be/\(id)"], environment: processorEnv) }
        }
        for id in deleted { #expect(try await EndToEnd.http(.DELETE, dashboard + "/api/delete/yt:\(id)", token: EndToEnd.adminToken).0 == 200) }
        var parity = ""
        for _ in 0..<100 {
            let (status, output, _) = try await EndToEnd.run(["migrate", "parity", "--legacy", path("legacy-dashboard.db")], environment: env)
            parity = output
            if status == 0 { break }
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(parity.contains("agree row by row"), "\(parity)")
        #expect(try await EndToEnd.cli(["migrate", "advance"], environment: env).contains("advanced to Shadow"))

        // Shadow: reads come from the legacy copy, PostgreSQL is compared beside them. A mixed load: single reports
        // and, every fourth read, a list with filters, search, sort and paging, or the facet counts.
        let survivors = ids.filter { !deleted.contains($0) } + processed
        let lists = [
            "/api/reports?size=20", "/api/reports?sort=title_az&page=2&size=10", "/api/filters", "/api/reports?q=part&sort=newest",
            "/api/reports?has_audio=false&sort=duration_desc&size=50", "/api/reports?category=Technology&sort=oldest", "/api/filters?q=a",
            "/api/reports?language=en&content_type=tutorial&size=50", "/api/reports?q=Drill&sort=added_asc",
        ]
        for round in 0..<1_000 {
            let id = survivors[round % survivors.count]
            let uri = round % 4 == 3 ? lists[(round / 4) % lists.count] : round % 2 == 0 ? "/api/reports/yt:\(id)" : "/\(id).json"
            #expect(try await EndToEnd.http(.GET, dashboard + uri).0 == 200, "\(uri)")
        }
        for id in deleted { #expect(try await EndToEnd.http(.GET, dashboard + "/api/reports/yt:\(id)").0 == 404) }
        try await Task.sleep(for: .milliseconds(500))  // the last comparisons are recorded beside their responses
        let health = EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/health/migration").1)
        let shadow = health["shadow"] as? [String: Any] ?? [:]
        #expect(health["phase"] as? String == "Shadow")
        // 1,000 reads (750 single reports, 250 lists and facets) and the 3 deleted videos (absent on both sides).
        #expect(shadow["compared"] as? Int == 1_003 && shadow["matched"] as? Int == 1_003, "\(health)")

        // A difference injected into the legacy copy is caught, with both payloads stored.
        let tampered = survivors[0]
        try await DatabaseQueue(path: path("legacy-dashboard.db")).write {
            try $0.execute(sql: "UPDATE content SET title = 'tampered in the legacy copy' WHERE video_id = ?", arguments: [tampered])
        }
        let served = EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/reports/yt:\(tampered)").1)
        #expect(served["title"] as? String == "tampered in the legacy copy")  // Shadow serves the control
        try await Task.sleep(for: .milliseconds(500))
        let store = Store(configuration: database, logger: TestPostgres.logger)
        let mismatch = try await store.withRunning { try await MigrationLedger(store: $0).shadowMismatches() }
        #expect(mismatch.count == 1)
        #expect(
            mismatch.first?.controlBody?.contains("tampered in the legacy copy") == true
                && mismatch.first?.candidateBody?.contains("tampered") == false
        )

        // Cutover (1,003 of 1,004 = 99.9 %), reads from PostgreSQL at once; rollback, reads from the legacy copy again.
        #expect(try await EndToEnd.cli(["migrate", "advance"], environment: env).contains("advanced to Live"))
        try await Task.sleep(for: .milliseconds(1_100))
        #expect(
            EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/reports/yt:\(tampered)").1)["title"] as? String
                != "tampered in the legacy copy"
        )
        #expect(try await EndToEnd.cli(["migrate", "rollback", "--reason", "drill"], environment: env).contains("rolled back to Shadow"))
        try await Task.sleep(for: .milliseconds(1_100))
        #expect(
            EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/reports/yt:\(tampered)").1)["title"] as? String
                == "tampered in the legacy copy"
        )
        #expect(try await EndToEnd.cli(["migrate", "export-legacy", "--out", path("rollback.db")], environment: env).contains("verified in reverse"))
        for round in 0..<1_000 {
            _ = try await EndToEnd.http(.GET, dashboard + "/api/reports/yt:\(survivors[1 + round % (survivors.count - 1)])")
        }
        try await Task.sleep(for: .milliseconds(500))
        #expect(try await EndToEnd.cli(["migrate", "advance"], environment: env).contains("advanced to Live"))

        // Archive and Complete; afterwards nothing writes a legacy file.
        await mirror.stop()
        try await EndToEnd.cli(
            [
                "migrate", "archive", "--dashboard", path("legacy") + "/dashboard.db", "--nas", path("legacy") + "/nas.db", "--reports",
                path("legacy") + "/reports", "--to", path("archive"),
            ],
            environment: env
        )
        #expect(try await EndToEnd.cli(["migrate", "advance"], environment: env).contains("advanced to Complete"))
        let (refused, _, message) = try await EndToEnd.run(["migrate", "export-legacy", "--out", path("after.db")], environment: env)
        #expect(refused != 0 && message.contains("refusing to open"))
        #expect(
            try await EndToEnd.cli(["doctor", "--dashboard-url", dashboard], environment: env).contains("ok   retired POST /api/upload-database")
        )
        await serve.stop()
        EndToEnd.report(
            "migration drill",
            iterations: 1,
            operations: processed.count + deleted.count + 2_003,
            failures: 0,
            figures:
                "parity 0 differences, shadow 1003/1003 consistent (single reports, lists, filters, search, facets) then 1 injected difference caught with both payloads, cutover/rollback/cutover, export verified, Complete, legacy write refused"
        )
        for archived in (try? FileManager.default.subpathsOfDirectory(atPath: path("archive"))) ?? [] {
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path("archive") + "/" + archived)
        }
        try? await TestPostgres.shared.dropDatabase(database)
    }
}
