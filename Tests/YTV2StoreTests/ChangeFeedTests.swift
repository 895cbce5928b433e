import Foundation
import Testing
import YTV2Core
import YTV2TestSupport

@testable import YTV2Store

@Suite struct ChangeFeedTests {
    @Test func writesReachAListenerOnAnotherConnectionAndSurviveATerminatedConnection() async throws {
        try await withTestStore { store in
            let feed = store.changeFeed(maximumBackoff: .milliseconds(200))
            let events = EventCollector()
            let consumer = Task { for await event in feed { await events.append(event) } }
            defer { consumer.cancel() }

            // Connecting is not what is measured (a CI run with every suite in parallel once took over 5 s to connect);
            // the events after it are, within a second each.
            try await events.waitFor(within: .seconds(20)) { $0 == .connected }
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ"))
            let start = ContinuousClock.now
            let added = try await events.waitFor(within: .seconds(1)) {
                if case .change(let change) = $0 { return change.videoID.rawValue == "dQw4w9WgXcQ" && change.op == .added }
                return false
            }
            #expect(ContinuousClock.now - start < .seconds(1))
            if case .change(let change) = added { #expect(change.summaryTypes == ["comprehensive"]) }

            // Kill the listener's connection from the server side.
            let database = store.configuration.database
            let killed = try await store.scalar(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = '\(database)' AND query ILIKE 'LISTEN%'"
            )
            #expect(killed == 1)
            try await events.waitFor(within: .seconds(10)) { $0 == .reconnected }

            try await VideoStore(store: store).delete(Fixture.id("dQw4w9WgXcQ"), actor: "admin")
            try await events.waitFor(within: .seconds(1)) {
                if case .change(let change) = $0 { return change.op == .deleted }
                return false
            }
        }
    }
}

/// Collects events from a feed so a test can wait for one.
actor EventCollector {
    private var events: [ChangeFeedEvent] = []
    private var consumed = 0

    func append(_ event: ChangeFeedEvent) { events.append(event) }

    /// Waits for the next not-yet-matched event satisfying `predicate`; fails the test on timeout.
    @discardableResult
    func waitFor(within timeout: Duration, _ predicate: (ChangeFeedEvent) -> Bool) async throws -> ChangeFeedEvent {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let index = events[consumed...].firstIndex(where: predicate) {
                consumed = index + 1
                return events[index]
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        throw FeedTimeout(seen: events)
    }

    struct FeedTimeout: Error, CustomStringConvertible {
        let seen: [ChangeFeedEvent]
        var description: String { "no matching change-feed event in time; seen: \(seen)" }
    }
}

/// The same database through PgBouncer in transaction mode: LISTEN is accepted there and never delivers anything.
@Suite struct PoolerTests {
    @Test func aFeedThatHearsNothingIsReportedDownAndADirectSessionHearsEverything() async throws {
        try await withTestStore { store in
            let bouncer = try await PgBouncer.start(in: store.configuration)
            defer { bouncer.stop() }
            let pooled = bouncer.configuration(for: store.configuration)
            #expect(try await store.isBehindTransactionPooler() == false)

            // Only the pooler's URL: the feed listens through it and its heartbeat never comes back.
            let deaf = Store(endpoints: DatabaseEndpoints(primary: pooled), logger: TestPostgres.logger)
            try await deaf.withRunning { deaf in
                #expect(try await deaf.isBehindTransactionPooler())
                #expect(await deaf.poolerWarning()?.contains("set DATABASE_DIRECT_URL") == true)
                let started = ContinuousClock.now
                let events = EventCollector()
                let consumer = Task { for await event in deaf.changeFeed() { await events.append(event) } }
                defer { consumer.cancel() }
                // Soon after it listens (the heartbeat's deadline, 6 s) the feed says why it is down; it never claims to be
                // connected. 20 s in all: with every suite running at once the first connection alone has taken over 2 s
                // (a CI run saw no verdict within 10 s).
                while ContinuousClock.now - started < .seconds(20), deaf.changeFeedStatus.problem?.contains("receives nothing") != true {
                    try await Task.sleep(for: .milliseconds(100))
                }
                let status = deaf.changeFeedStatus
                #expect(!status.live)
                #expect(status.problem == "the change feed receives nothing: is DATABASE_URL a transaction pooler? set DATABASE_DIRECT_URL")
                #expect(ContinuousClock.now - started < .seconds(20))
                try await VideoStore(store: deaf).commit(Fixture.write("dQw4w9WgXcQ"))
                try await Task.sleep(for: .seconds(1))
                await #expect(throws: EventCollector.FeedTimeout.self) { try await events.waitFor(within: .milliseconds(10)) { _ in true } }
            }

            // The pooler for statements and a direct session for LISTEN: the feed hears every change made through it.
            let split = Store(endpoints: DatabaseEndpoints(primary: pooled, direct: store.configuration), logger: TestPostgres.logger)
            try await split.withRunning { split in
                let events = EventCollector()
                let consumer = Task { for await event in split.changeFeed() { await events.append(event) } }
                defer { consumer.cancel() }
                try await events.waitFor(within: .seconds(20)) { $0 == .connected }
                #expect(split.changeFeedStatus.live)
                try await VideoStore(store: split).delete(Fixture.id("dQw4w9WgXcQ"), actor: "test")
                try await events.waitFor(within: .seconds(2)) {
                    if case .change(let change) = $0 { return change.op == .deleted }
                    return false
                }
            }
        }
    }

    @Test func migrationsApplyThroughATransactionPooler() async throws {
        try await withTestStore(migrated: false) { store in
            let bouncer = try await PgBouncer.start(in: store.configuration)
            defer { bouncer.stop() }
            let pooled = Store(endpoints: DatabaseEndpoints(primary: bouncer.configuration(for: store.configuration)), logger: TestPostgres.logger)
            try await pooled.withRunning { pooled in
                // Two at once through the pooler: each file applied exactly once, no session lock needed.
                let reports = try await withThrowingTaskGroup(of: SchemaMigrator.Report.self) { group in
                    for _ in 0..<3 { group.addTask { try await pooled.migrate() } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                let shipped = try SchemaMigrator(logger: TestPostgres.logger).migrations.count
                #expect(reports.reduce(0) { $0 + $1.applied.count } == shipped)
                #expect(try await store.scalar("SELECT count(*) FROM schema_migrations") == shipped)
            }
        }
    }
}
