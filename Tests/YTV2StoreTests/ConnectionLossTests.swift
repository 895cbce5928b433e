import PostgresNIO
import Testing
import YTV2TestSupport

@testable import YTV2Store

/// A statement sent on a connection that has just closed is never answered by PostgresNIO; the store must answer
/// "unavailable" instead of waiting forever (seen when the server crashed under load).
@Suite struct ConnectionLossTests {
    @Test func aStatementOnAClosedConnectionFailsInsteadOfHanging() async throws {
        try await withTestStore { store in
            let started = ContinuousClock.now
            var failure: (any Error)?
            do {
                try await store.read { connection in
                    try await connection.close()
                    _ = try await connection.query("SELECT 1", logger: TestPostgres.logger).collect()
                }
            } catch {
                failure = error
            }
            #expect(failure is StoreError, "\(String(describing: failure))")
            #expect(ContinuousClock.now - started < .seconds(5))
            // The pool carries on with fresh connections.
            let latency = try await store.ping()
            #expect(latency >= 0)
        }
    }
}
