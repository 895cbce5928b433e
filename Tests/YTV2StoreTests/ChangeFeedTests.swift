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

            try await events.waitFor(within: .seconds(5)) { $0 == .connected }
            try await store.commit(Fixture.write("dQw4w9WgXcQ"))
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

            try await store.delete(Fixture.id("dQw4w9WgXcQ"), actor: "admin")
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
