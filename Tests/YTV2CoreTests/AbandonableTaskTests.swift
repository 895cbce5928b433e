import Synchronization
import Testing

@testable import YTV2Core

/// `withAbandonableTask` returns the first of its work and its watcher, and never waits for the work it left behind.
@Suite struct AbandonableTaskTests {
    @Test func theWatcherEndsTheCallWhileItsWorkGoesOn() async throws {
        struct GivenUp: Error {}
        let end = Mutex<(@Sendable (Result<Int, any Error>) -> Void)?>(nil)
        let started = ContinuousClock.now
        let call = Task {
            try await withAbandonableTask {
                try await Task.sleep(for: .seconds(30))
                return 1
            } watchedBy: { finish in
                end.withLock { $0 = finish }
            }
        }
        while end.withLock({ $0 }) == nil { try await Task.sleep(for: .milliseconds(5)) }
        end.withLock { $0 }?(.failure(GivenUp()))
        await #expect(throws: GivenUp.self) { try await call.value }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func aCallerCancelledBeforeItsWorkStartsEndsAtOnce() async throws {
        let started = ContinuousClock.now
        let call = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await withAbandonableTask {
                try? await Task.sleep(for: .seconds(30))
                return 1
            } watchedBy: { _ in
            }
        }
        await #expect(throws: CancellationError.self) { try await call.value }
        #expect(ContinuousClock.now - started < .seconds(10))
    }

    @Test func theWatchdogFormReturnsTheFirstToEnd() async throws {
        let work = try await withAbandonableTask {
            1
        } watchdog: {
            try await Task.sleep(for: .seconds(30))
            return 2
        }
        #expect(work == 1)
        let watchdog = try await withAbandonableTask {
            try? await Task.sleep(for: .seconds(30))
            return 1
        } watchdog: {
            2
        }
        #expect(watchdog == 2)
    }
}
