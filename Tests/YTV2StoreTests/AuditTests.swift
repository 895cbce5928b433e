import Foundation
import PostgresNIO
import Testing
import YTV2TestSupport

@testable import YTV2Store

@Suite struct AuditTests {
    @Test func chainVerifiesAndATamperedEntryIsDetected() async throws {
        try await withTestStore { store in
            for index in 0..<5 {
                try await AuditLog(store: store).append(actor: "tester", action: "test.entry", subject: "s\(index)", details: ["n": index])
            }
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ"))
            try await VideoStore(store: store).delete(Fixture.id("dQw4w9WgXcQ"), actor: "admin", reason: "why not")
            let intact = try await AuditLog(store: store).verifyChain()
            #expect(intact.isIntact)
            #expect(intact.entries == 6)

            // The log refuses edits and deletes outright.
            await #expect(throws: StoreError.self) { try await store.execute("UPDATE audit_log SET actor = 'mallory'") }
            await #expect(throws: StoreError.self) { try await store.execute("DELETE FROM audit_log") }
            await #expect(throws: StoreError.self) { try await store.execute("TRUNCATE audit_log") }

            // A superuser bypassing triggers can still edit a row; the chain shows where.
            let third = try await store.scalar("SELECT seq FROM audit_log ORDER BY seq OFFSET 2 LIMIT 1")
            try await store.client.withConnection { connection in
                _ = try await connection.query("SET session_replication_role = replica", logger: TestPostgres.logger)
                _ = try await connection.query("UPDATE audit_log SET details = '{\"n\": 99}' WHERE seq = \(third)", logger: TestPostgres.logger)
                _ = try await connection.query("SET session_replication_role = origin", logger: TestPostgres.logger)
            }
            let tampered = try await AuditLog(store: store).verifyChain()
            #expect(tampered.firstBroken?.seq == third)
        }
    }

    @Test func aRemovedEntryBreaksTheLink() async throws {
        try await withTestStore { store in
            for index in 0..<3 { try await AuditLog(store: store).append(actor: "tester", action: "test.entry", details: ["n": index]) }
            let middle = try await store.scalar("SELECT seq FROM audit_log ORDER BY seq OFFSET 1 LIMIT 1")
            try await store.client.withConnection { connection in
                _ = try await connection.query("SET session_replication_role = replica", logger: TestPostgres.logger)
                _ = try await connection.query("DELETE FROM audit_log WHERE seq = \(middle)", logger: TestPostgres.logger)
                _ = try await connection.query("SET session_replication_role = origin", logger: TestPostgres.logger)
            }
            let result = try await AuditLog(store: store).verifyChain()
            #expect(result.firstBroken != nil)
            #expect(result.firstBroken!.seq > middle)
        }
    }
}
