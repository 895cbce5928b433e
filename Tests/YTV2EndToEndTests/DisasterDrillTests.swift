import AsyncHTTPClient
import Foundation
import NIOHTTP1
import Testing
import YTV2Core
import YTV2Fakes
import YTV2Fixtures
import YTV2Legacy
import YTV2Store
import YTV2TestSupport

/// The legacy disasters replayed with the real processes: the sync that undid deletes, and the processor run that
/// wiped curated categories.
@Suite(.serialized, EndToEnd.timeLimit(margin: 10)) struct DisasterDrillTests {
    @Test func syncDisasterAndCategorizationLoss() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-e2e-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TestPostgres.shared.makeDatabase()
        let store = Store(configuration: database, logger: TestPostgres.logger)
        let env = ["DATABASE_URL": database.url, "LOG_LEVEL": "warning"]

        // Migrate generated legacy data through the CLI, as an operator would.
        let legacy = folder.appendingPathComponent("legacy").path
        let snapshot = folder.appendingPathComponent("snapshot").path
        let generated = try await EndToEnd.cli(["fixtures", "legacy", "--rows", "120", "--seed", "9", "--out", legacy, "--json"], environment: env)
        let expected = try JSONDecoder().decode(LegacyFixtures.Expectations.self, from: Data(generated.utf8))
        try await EndToEnd.cli(
            [
                "migrate", "snapshot", "--dashboard", legacy + "/dashboard.db", "--nas", legacy + "/nas.db", "--reports", legacy + "/reports",
                "--audio", legacy + "/audio", "--out", snapshot,
            ],
            environment: env
        )
        try await EndToEnd.cli(["migrate", "import", snapshot], environment: env)
        try await EndToEnd.cli(["migrate", "verify", snapshot], environment: env)

        let port = EndToEnd.freePort()
        let dashboard = "http://127.0.0.1:\(port)"
        let serve = try EndToEnd.Running(
            ["serve", "--port", String(port)],
            environment: env.merging(["YTV2_ADMIN_TOKEN": EndToEnd.adminToken]) { $1 },
            logFolder: folder
        )
        try await EndToEnd.waitForHealth(dashboard)
        let totalBefore = try await Self.total(dashboard)

        // Delete 10 videos through the dashboard API: 5 curated ones and 5 others.
        let curatedIDs = expected.curated.keys.sorted()
        let list = EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/reports?size=50&sort=title_az").1)
        let others = (list["reports"] as? [[String: Any]] ?? []).compactMap { $0["video_id"] as? String }.filter { expected.curated[$0] == nil }
        let deleted = Array(curatedIDs.prefix(5)) + Array(others.prefix(5))
        #expect(deleted.count == 10)
        for id in deleted {
            let (status, _) = try await EndToEnd.http(.DELETE, dashboard + "/api/delete/yt:\(id)", token: EndToEnd.adminToken)
            #expect(status == 200, "delete \(id)")
        }

        let services = FakeServices()
        let telegram = FakeTelegram()
        let newIDs = ["NewVideo001", "NewVideo002", "NewVideo003", "NewVideo004", "NewVideo005"]
        try await services.run { base in
            try await telegram.run { telegramBase in
                let processorEnv = env.merging([
                    "YOUTUBE_BASE_URL": base, "LLM_BASE_URL": base + "/v1", "TTS_BASE_URL": base + "/v1", "TELEGRAM_API_BASE_URL": telegramBase,
                    "TELEGRAM_BOT_TOKEN": FakeTelegram.token, "TELEGRAM_ALLOWED_USERS": "1", "DASHBOARD_URL": dashboard, "YTDLP": "0",
                ]) { $1 }
                let bot = try EndToEnd.Running(["bot"], environment: processorEnv, logFolder: folder)
                let worker = try EndToEnd.Running(["worker", "--concurrency", "2"], environment: processorEnv, logFolder: folder)
                // Five new videos through the bot.
                for (index, id) in newIDs.enumerated() {
                    telegram.pushMessage(chat: Int64(500 + index), user: 1, text: "https://youtu.be/\(id)")
                }
                for (index, id) in newIDs.enumerated() {
                    let chat = Int64(500 + index)
                    let prompt = try #require(try await telegram.waitForMessage(chat: chat, timeout: .seconds(60)) { !$0.buttons.isEmpty })
                    telegram.pushCallback(chat: chat, user: 1, message: prompt.id, data: "v|\(id)|comprehensive")
                }
                for (index, id) in newIDs.enumerated() {
                    let done = try await telegram.waitForMessage(chat: Int64(500 + index), timeout: .seconds(90)) { $0.text.hasPrefix("✅") }
                    #expect(done?.text.contains(id) == true, "\(id) was not processed through the bot")
                }

                // Categorization loss: every surviving curated video re-processed with an LLM that disagrees.
                services.update {
                    $0.analysis = #"{"categories": [{"category": "History", "subcategories": ["Modern History"]}], "language": "en"}"#
                }
                let survivors = curatedIDs.filter { !deleted.contains($0) }
                for batch in stride(from: 0, to: survivors.count, by: 4).map({ Array(survivors[$0..<min($0 + 4, survivors.count)]) }) {
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for id in batch {
                            group.addTask {
                                try await EndToEnd.cli(["process", "https://www.youtube.com/watch?v=\(id)", "--force"], environment: processorEnv)
                            }
                        }
                        try await group.waitForAll()
                    }
                }
                // One video without curation (a new one) re-processed: it takes the processor's new categories.
                try await EndToEnd.cli(["process", "https://youtu.be/\(newIDs[0])", "--force"], environment: processorEnv)
                await bot.stop()
                await worker.stop()
            }
        }

        let reprocessed = curatedIDs.filter { !deleted.contains($0) }.count
        // The legacy "sync" again: re-running the import of the same legacy data must not bring anything back.
        let again = try await EndToEnd.cli(["migrate", "import", snapshot, "--json"], environment: env)
        #expect(again.contains("\"ledgerEntries\" : 0"))

        var resurrections = 0
        for id in deleted {
            let (status, _) = try await EndToEnd.http(.GET, dashboard + "/api/reports/yt:\(id)")
            if status != 404 { resurrections += 1 }
        }
        // In the database itself: a tombstone for each, and no content.
        let tombstoned = try await store.withRunning { store in
            try await MigrationLedger(store: store).tombstoned(deleted).count
        }
        #expect(tombstoned == 10)
        let facets = EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/filters").1)
        var listedIDs = Set<String>()
        for page in 1...10 {
            let listed = EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/reports?size=50&page=\(page)").1)
            listedIDs.formUnion((listed["reports"] as? [[String: Any]] ?? []).compactMap { $0["video_id"] as? String })
        }
        resurrections += deleted.filter(listedIDs.contains).count
        #expect(resurrections == 0)
        #expect(try await Self.total(dashboard) == totalBefore - 10 + 5)
        // Facets count what the list counts: every video has a channel, so the channel counts add up to the total.
        let channelCounts = (facets["channels"] as? [[String: Any]] ?? []).compactMap { $0["count"] as? Int }.reduce(0, +)
        #expect(channelCounts == totalBefore - 10 + 5)
        var missingNew = 0
        for id in newIDs where try await EndToEnd.http(.GET, dashboard + "/api/reports/yt:\(id)").0 != 200 { missingNew += 1 }
        #expect(missingNew == 0)

        var lostPairs = 0
        for id in curatedIDs where !deleted.contains(id) {
            let item = EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/reports/yt:\(id)").1)
            let want = Set(expected.curated[id]!.map { "\($0.category) / \($0.subcategory)" })
            let have = EndToEnd.pairs(item)
            lostPairs += want.subtracting(have).count
            #expect(have == want, "\(id): curated \(want), now \(have)")
        }
        #expect(lostPairs == 0)
        let uncurated = EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/reports/yt:\(newIDs[0])").1)
        #expect(EndToEnd.pairs(uncurated) == ["History / Modern History"])

        // Tokens never reach the logs.
        for log in [serve.output] { #expect(!log.contains(EndToEnd.adminToken)) }

        await serve.stop()
        EndToEnd.report(
            "sync disaster",
            iterations: 1,
            operations: 10 + 5 + 2,
            failures: resurrections + missingNew,
            figures: "resurrections \(resurrections), new videos missing \(missingNew)"
        )
        EndToEnd.report(
            "categorization loss",
            iterations: reprocessed,
            operations: reprocessed + 1,
            failures: lostPairs,
            figures: "curated pairs lost \(lostPairs) of \(expected.curated.values.map(\.count).reduce(0, +))"
        )
        try? await TestPostgres.shared.dropDatabase(database)
    }

    static func total(_ dashboard: String) async throws -> Int {
        let body = EndToEnd.json(try await EndToEnd.http(.GET, dashboard + "/api/reports?size=1").1)
        return (body["pagination"] as? [String: Any])?["total"] as? Int ?? -1
    }
}
