import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOFoundationEssentialsCompat
import PostgresNIO
import Synchronization
import Testing
import YTV2Core
import YTV2Dashboard
import YTV2Legacy
import YTV2Migration
import YTV2Store
import YTV2TestSupport

/// The legacy copy as the control side of the dashboard's shadow reads (as `ytv2 serve` declares it).
extension LegacyControlReader: ControlReads {}

/// Shadow reads over real HTTP: in phase Shadow every read route (one report, lists with every filter, search and sort,
/// the facets) answers from the legacy copy while PostgreSQL answers the same request beside it; the two must agree
/// on migrated data, a difference must be caught with both payloads, and a slow candidate must not hold the response.
@Suite struct ShadowReadTests {
    /// A migrated database, its legacy copy (written back by export-legacy), phase Shadow, and the dashboard over it.
    static func withShadowDashboard(
        rows: Int,
        candidateTimeout: Duration = .seconds(5),
        _ body: @Sendable (any TestClientProtocol, Store, _ legacy: String) async throws -> Void
    ) async throws {
        let fixture = try MigrationFixture.make(rows: rows, seed: 14)
        defer { fixture.cleanUp() }
        try await withTestStore { store in
            let legacy = try await fixture.importedWithLegacyCopy(into: store, phase: "Shadow")
            var configuration = DashboardConfiguration(port: 0)
            configuration.shadow = ShadowConfiguration(control: try LegacyControlReader(path: legacy), candidateTimeout: candidateTimeout)
            // The dashboard runs its own pool, as `ytv2 serve` does beside the migration's processes.
            let dashboardStore = Store(configuration: store.configuration, logger: TestPostgres.logger)
            let app = buildApplication(configuration: configuration, store: dashboardStore, logger: TestPostgres.logger)
            try await app.test(.live) { client in try await body(client, store, legacy) }
        }
    }

    /// Waits until `count` comparisons are recorded (they are written beside the responses), then returns the figures.
    static func figures(_ store: Store, atLeast count: Int) async throws -> ShadowFigures {
        for _ in 0..<200 {
            let figures = try await MigrationLedger(store: store).shadowFigures(since: .distantPast)
            if figures.compared >= count { return figures }
            try await Task.sleep(for: .milliseconds(50))
        }
        return try await MigrationLedger(store: store).shadowFigures(since: .distantPast)
    }

    static func get(_ client: any TestClientProtocol, _ uri: String) async throws -> [String: Any] {
        try await client.execute(uri: uri, method: .get) { response in
            #expect(response.status == .ok, "GET \(uri)")
            return (try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]) ?? [:]
        }
    }

    /// Where two stored payloads first differ, with some context: the whole bodies are too long to read in a log.
    static func firstDifference(_ route: String, _ control: String?, _ candidate: String?) -> String {
        let (a, b) = (Array((control ?? "").utf8), Array((candidate ?? "").utf8))
        let index = (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
        func around(_ bytes: [UInt8]) -> String { String(decoding: bytes[max(0, index - 160)..<min(bytes.count, index + 160)], as: UTF8.self) }
        return "\(route) at byte \(index):\n  control:   …\(around(a))…\n  candidate: …\(around(b))…"
    }

    @Test func listsFiltersAndSearchAgreeWithTheLegacyCopy() async throws {
        try await Self.withShadowDashboard(rows: 160) { client, store, legacy in
            let backend = try await Self.get(client, "/health/backend")
            #expect(backend["read_source"] as? String == "legacy-sqlite" && backend["migration_phase"] as? String == "Shadow")

            // The queries a user makes: every sort over several pages, each value of each facet, combinations, searches
            // (words of real titles and channels, LIKE wildcards taken literally, nothing found), pages past the end.
            let facets = try await Self.get(client, "/api/filters")
            func values(_ key: String) -> [String] { (facets[key] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String } }
            let categories = facets["categories"] as? [[String: Any]] ?? []
            var uris: [String] = []
            for sort in ReportSort.apiValues {
                for page in 1...3 { uris.append("/api/reports?sort=\(sort)&size=20&page=\(page)") }
            }
            func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text }
            for category in categories {
                guard let parent = category["value"] as? String else { continue }
                uris.append("/api/reports?category=\(encoded(parent))&size=50&sort=title_az")
                uris.append("/api/filters?category=\(encoded(parent))")
                for sub in (category["subcategories"] as? [[String: Any]] ?? []).compactMap({ $0["value"] as? String }).prefix(3) {
                    uris.append("/api/reports?subcategory=\(encoded(sub))&parentCategory=\(encoded(parent))&size=50")
                    uris.append("/api/reports?subcategory=\(encoded(sub))&size=50&sort=duration_asc")
                }
            }
            for (key, parameter) in [
                ("channels", "channel"), ("languages", "language"), ("content_type", "content_type"),
                ("complexity_level", "complexity"), ("summary_type", "summary_type"), ("source", "source"),
            ] {
                for value in values(key).prefix(4) {
                    uris.append("/api/reports?\(parameter)=\(encoded(value))&size=50&sort=newest")
                    uris.append("/api/filters?\(parameter)=\(encoded(value))")
                }
            }
            uris += ["/api/reports?has_audio=true&size=50", "/api/reports?has_audio=false&size=50&sort=oldest", "/api/filters?has_audio=false"]
            let firstPage = try await Self.get(client, "/api/reports?size=50")
            let items = firstPage["reports"] as? [[String: Any]] ?? []
            let words =
                items.prefix(8).compactMap { ($0["title"] as? String)?.split(separator: " ").first.map(String.init) }
                + items.prefix(3).compactMap { $0["channel_name"] as? String }
            for word in words {
                uris.append("/api/reports?q=\(encoded(word.lowercased()))&size=50")
                uris.append("/api/reports?q=\(encoded(word.uppercased()))&sort=title_za&size=50")
                uris.append("/api/filters?q=\(encoded(word))")
            }
            uris += ["/api/reports?q=%25", "/api/reports?q=_", "/api/reports?q=nothing-matches-this", "/api/reports?page=99&size=50"]
            if let parent = categories.first?["value"] as? String, let channel = values("channels").first {
                uris.append("/api/reports?category=\(encoded(parent))&channel=\(encoded(channel))&has_audio=false&q=a&sort=title_az")
                uris.append("/api/filters?category=\(encoded(parent))&channel=\(encoded(channel))")
            }
            var nonEmpty = 0
            for uri in uris where ((try await Self.get(client, uri))["reports"] as? [Any])?.isEmpty == false { nonEmpty += 1 }
            for item in items.prefix(10) { _ = try await Self.get(client, "/api/reports/\(item["id"] as? String ?? "")") }

            // /api/filters and the first page above, every URI, the ten single reports.
            let expected = 2 + uris.count + min(10, items.count)
            let figures = try await Self.figures(store, atLeast: expected)
            #expect(figures.compared == expected)
            let mismatches = try await MigrationLedger(store: store).shadowMismatches()
            #expect(
                figures.matched == figures.compared,
                "\(mismatches.prefix(5).map { Self.firstDifference($0.route, $0.controlBody, $0.candidateBody) })"
            )
            #expect(nonEmpty > uris.count / 2, "most queries find videos (\(nonEmpty) of \(uris.count))")

            // A difference injected into the legacy copy shows in the list that contains the video, with both payloads.
            let tampered = try #require(items.first?["video_id"] as? String)
            try await DatabaseQueue(path: legacy).write {
                try $0.execute(sql: "UPDATE content SET title = 'Tampered in the legacy copy' WHERE video_id = ?", arguments: [tampered])
            }
            let served = try await Self.get(client, "/api/reports?size=50")
            let titles = (served["reports"] as? [[String: Any]] ?? []).compactMap { $0["title"] as? String }
            #expect(titles.contains("Tampered in the legacy copy"))  // the control answers
            _ = try await Self.figures(store, atLeast: expected + 1)
            let caught = try await MigrationLedger(store: store).shadowMismatches().filter { $0.route == "/api/reports" }
            #expect(caught.count == 1)
            #expect(
                caught.first?.controlBody?.contains("Tampered in the legacy copy") == true
                    && caught.first?.candidateBody?.contains("Tampered") == false
            )

            // Live: reads come from PostgreSQL again within a second.
            #expect(
                try await MigrationLedger(store: store).changePhase(
                    from: "Shadow",
                    to: "Live",
                    actor: "test",
                    action: "migration.advance",
                    details: ["test": true]
                )
            )
            try await Task.sleep(for: .milliseconds(1_100))
            #expect((try await Self.get(client, "/health/backend"))["read_source"] as? String == "postgresql")
        }
    }

    @Test func aSlowCandidateDoesNotHoldTheResponse() async throws {
        try await Self.withShadowDashboard(rows: 20, candidateTimeout: .milliseconds(300)) { client, store, _ in
            // Another session holds an exclusive lock on the videos table until the response has arrived: the
            // candidate's queries wait for it. Should the response wait for the candidate, the lock is let go after
            // 30 s (so the test ends) and that is recorded.
            let (released, release) = AsyncStream<Void>.makeStream()
            let state = LockState()
            let holder = Task {
                try await store.client.withConnection { connection in
                    try await connection.query("BEGIN", logger: TestPostgres.logger)
                    try await connection.query("LOCK TABLE videos IN ACCESS EXCLUSIVE MODE", logger: TestPostgres.logger)
                    state.locked.withLock { $0 = true }
                    let letGo = Task {
                        try await Task.sleep(for: .seconds(30))
                        state.forced.withLock { $0 = true }
                        release.finish()
                    }
                    for await _ in released { break }
                    letGo.cancel()
                    try await connection.query("ROLLBACK", logger: TestPostgres.logger)
                }
            }
            defer { release.finish() }
            while !state.locked.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(20)) }

            let listed = try await Self.get(client, "/api/reports?size=5&sort=title_az")
            #expect((listed["reports"] as? [Any])?.count == 5)
            #expect(!state.forced.withLock { $0 }, "the response waited for the candidate")
            release.yield()
            release.finish()
            try await holder.value
            let figures = try await Self.figures(store, atLeast: 1)
            #expect(figures.compared == 1 && figures.matched == 0)
            let recorded = try await MigrationLedger(store: store).shadowMismatches()
            #expect(recorded.first?.candidateBody?.hasPrefix("candidate timed out") == true, "\(recorded)")
        }
    }
}

/// Whether the lock is taken, and whether it had to be let go because the response never came.
private final class LockState: Sendable {
    let locked = Mutex(false)
    let forced = Mutex(false)
}
