import PostgresNIO
import Synchronization
import Testing
import YTV2TestSupport

@testable import YTV2Store

/// The lease watchdog gives up a lease the pool does not grant in time, or one whose connection closed under its
/// statement, and forgets every lease that ended. Its loop is not run here: each test moves its clock by hand.
@Suite struct LeaseWatchdogTests {
    /// Waits (briefly) until `watchdog` watches `count` leases.
    private func waitUntil(_ watchdog: LeaseWatchdog, watches count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while watchdog.count != count {
            try #require(ContinuousClock.now < deadline, "the watchdog never watched \(count) leases")
            try await Task.sleep(for: .milliseconds(5))
        }
    }

    @Test func aLeaseNotGrantedInTimeIsGivenUp() async throws {
        let watchdog = LeaseWatchdog(interval: .seconds(3600), closedGrace: .seconds(1))
        let call = Task {
            try await watchdog.watching(timeout: .seconds(5)) { _ in
                try await Task.sleep(for: .seconds(3600))
                return 1
            }
        }
        try await waitUntil(watchdog, watches: 1)
        watchdog.check(at: .now + .seconds(2))
        #expect(watchdog.count == 1)
        watchdog.check(at: .now + .seconds(5))
        await #expect(throws: LeaseWatchdog.Expiry.notGranted(within: .seconds(5))) { try await call.value }
        #expect(watchdog.count == 0)
    }

    @Test func aConnectionClosedUnderItsStatementIsGivenUpAfterTheGrace() async throws {
        try await withTestStore { store in
            let connection = try await PostgresConnection.connect(
                configuration: try store.configuration.connectionConfiguration(),
                id: 1,
                logger: TestPostgres.logger
            )
            let watchdog = LeaseWatchdog(interval: .seconds(3600), closedGrace: .seconds(1))
            let reported = Mutex(false)
            let call = Task {
                try await watchdog.watching(timeout: .seconds(5)) { granted in
                    granted(connection)
                    reported.withLock { $0 = true }
                    try await Task.sleep(for: .seconds(3600))
                    return 1
                }
            }
            while !reported.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(5)) }
            #expect(watchdog.count == 1)
            // Granted and open: not given up, however long its statement runs.
            watchdog.check(at: .now + .seconds(60))
            #expect(watchdog.count == 1)
            try await connection.close()
            let closed = ContinuousClock.now
            watchdog.check(at: closed)
            watchdog.check(at: closed + .milliseconds(900))
            #expect(watchdog.count == 1)
            watchdog.check(at: closed + .seconds(1))
            await #expect(throws: LeaseWatchdog.Expiry.closedUnderStatement) { try await call.value }
            #expect(watchdog.count == 0)
        }
    }

    @Test func leasesThatEndAreForgotten() async throws {
        let watchdog = LeaseWatchdog(interval: .seconds(3600), closedGrace: .seconds(1))
        let answer = try await watchdog.watching(timeout: .seconds(5)) { _ in 42 }
        #expect(answer == 42)
        struct Failed: Error {}
        await #expect(throws: Failed.self) {
            try await watchdog.watching(timeout: .seconds(5)) { _ -> Int in throw Failed() }
        }
        #expect(watchdog.count == 0)
        // Nothing left to give up later.
        watchdog.check(at: .now + .seconds(60))
    }
}
