import Foundation
import Testing
import YTV2Core
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
        process.arguments = ["migrate", "import", snapshot.path, "--batch-size", "3", "--json"]
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

        try await withTestStore { store in
            var kills = 0
            for fraction in [0.15, 0.45, 0.8] {
                let process = try Self.importProcess(fixture.snapshot.directory, database: store.configuration)
                let target = Int(Double(totalRows) * fraction)
                while process.isRunning {
                    let done = Int(try await sql(store, "SELECT count(*)::text FROM migration_ledger").first?.first??.description ?? "0") ?? 0
                    if done >= target {
                        kill(process.processIdentifier, SIGKILL)
                        kills += 1
                        break
                    }
                    try await Task.sleep(for: .milliseconds(5))
                }
                process.waitUntilExit()
            }
            #expect(kills >= 2, "the import finished before it could be killed")
            let partial = Int(try await sql(store, "SELECT count(*)::text FROM migration_ledger").first?.first??.description ?? "0") ?? 0
            #expect(partial < totalRows)
            // Whole batches only: every ledger line's video is fully there (no video without its revisions, except those
            // no source gives a summary).
            let faithful = Set(fixture.expectations.withoutSummary)
            let halfWritten = try await sql(
                store,
                """
                SELECT v.video_id FROM videos v WHERE NOT EXISTS (SELECT 1 FROM summaries s WHERE s.video_id = v.video_id)
                """
            ).compactMap { $0.first ?? nil }.filter { !faithful.contains($0) }
            #expect(halfWritten.isEmpty)

            let final = try Self.importProcess(fixture.snapshot.directory, database: store.configuration)
            final.waitUntilExit()
            #expect(final.terminationStatus == 0)
            let verify = try await fixture.verify(store)
            #expect(verify.passed, "\(verify.differences)")
            #expect(try await contentChecksum(store) == clean)
        }
    }
}
