import Foundation
import Testing
import YTV2Core
import YTV2Fixtures
import YTV2Migration
import YTV2Store
import YTV2TestSupport

#if canImport(Glibc)
import Glibc
import YTV2Legacy
#endif

/// `kill -9` of `ytv2 migrate import` at several points: the next run completes, and the result is identical to an
/// import that was never interrupted.
@Suite(.timeLimit(.minutes(10))) struct ResumeTests {

    static func importProcess(_ snapshot: URL, database: DatabaseConfiguration) throws -> Process {
        let process = Process()
        process.executableURL = try YTV2Executable.url()
        process.arguments = ["migrate", "import", snapshot.path, "--batch-size", "1", "--json"]
        var environment = ProcessInfo.processInfo.environment
        environment["DATABASE_URL"] = database.url
        environment["LOG_LEVEL"] = "error"
        process.environment = environment
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        return process
    }

    @Test func killedImportsResumeToTheSameStateAsAnUninterruptedOne() async throws {
        let fixture = try MigrationFixture.make(rows: 260, seed: 5)
        defer { fixture.cleanUp() }
        let totalRows = fixture.snapshot.manifest.baseline.rowsPerTable.values.flatMap(\.values).reduce(0, +)

        let clean = try await withTestStore { store in
            _ = try await fixture.importAll(into: store)
            return try await contentChecksum(store)
        }

        // An import that ends before its first kill point leaves nothing to interrupt; on a machine busy enough for
        // that, the whole sequence is run again on a fresh database (three times at most).
        for attempt in 1...3 {
            let killedTwice = try await killAndResume(fixture, totalRows: totalRows, clean: clean)
            if killedTwice { break }
            #expect(attempt < 3, "the import finished before it could be killed, three times")
        }
    }

    /// Kills imports at a tenth, a third and three fifths of the ledger, then completes one; false (nothing judged at
    /// the end) when fewer than two kills landed before their import finished.
    private func killAndResume(_ fixture: MigrationFixture, totalRows: Int, clean: String) async throws -> Bool {
        try await withTestStore { store in
            // Videos no source gives a summary are faithful without revisions; any other video without one would be a
            // batch cut in half by the kill.
            let faithful = Set(fixture.expectations.withoutSummary)
            var interrupted: [Int] = []
            for fraction in [0.1, 0.35, 0.6] {
                let process = try Self.importProcess(fixture.snapshot.directory, database: store.configuration)
                let target = Int(Double(totalRows) * fraction)
                var killed = false
                while process.isRunning {
                    if try await ledgerLines(store) >= target {
                        kill(process.processIdentifier, SIGKILL)
                        killed = true
                        break
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
                process.waitUntilExit()
                // A run that finished before its kill point says nothing about resuming; a machine under load can let
                // one through, so only the killed runs are judged.
                guard killed else { continue }
                let lines = try await ledgerLines(store)
                if lines < totalRows { interrupted.append(lines) }
                let halfWritten = try await sql(
                    store,
                    """
                    SELECT v.video_id FROM videos v WHERE NOT EXISTS (SELECT 1 FROM summaries s WHERE s.video_id = v.video_id)
                    """
                ).compactMap { $0.first ?? nil }.filter { !faithful.contains($0) }
                #expect(halfWritten.isEmpty, "after a kill at \(lines) ledger lines")
            }
            guard interrupted.count >= 2 else { return false }

            let final = try Self.importProcess(fixture.snapshot.directory, database: store.configuration)
            final.waitUntilExit()
            #expect(final.terminationStatus == 0)
            let verify = try await fixture.verify(store)
            #expect(verify.passed, "\(verify.differences)")
            #expect(try await contentChecksum(store) == clean)
            return true
        }
    }

    private func ledgerLines(_ store: Store) async throws -> Int {
        let text = try await sql(store, "SELECT count(*)::text FROM migration_ledger").first?.first??.description
        return Int(text ?? "0") ?? 0
    }
}
