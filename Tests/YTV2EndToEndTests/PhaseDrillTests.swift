import Foundation
import Testing
import YTV2Store
import YTV2TestSupport

/// The phases through the command line, as an operator runs them: status and gated advance after import and verify,
/// export-legacy as the rollback drill, rollback, and after Complete a legacy write refused by the real binary.
@Suite(.serialized, EndToEnd.timeLimit(margin: 5)) struct PhaseDrillTests {
    @Test func operatorWalksThePhasesAndLegacyWritesEndAtComplete() async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-e2e-phases-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try await TestPostgres.shared.makeDatabase()
        let env = ["DATABASE_URL": database.url, "LOG_LEVEL": "warning", "USER": "e2e"]
        let (_, snapshot) = try await EndToEnd.migrateFixtures(rows: 80, seed: 6, folder: folder, environment: env, importing: false)

        // Before the import the gate refuses, naming both figures, and exits 1.
        let (refused, _, why) = try await EndToEnd.run(["migrate", "advance"], environment: env)
        #expect(refused == 1 && why.contains("import: needs a finished `migrate import`") && why.contains("verify: needs a passing"))
        try await EndToEnd.cli(["migrate", "import", snapshot], environment: env)
        try await EndToEnd.cli(["migrate", "verify", snapshot], environment: env)
        #expect(try await EndToEnd.cli(["migrate", "advance"], environment: env).contains("advanced to Imported"))
        #expect(try await EndToEnd.cli(["migrate", "advance"], environment: env).contains("advanced to DualWrite"))
        let status = try await EndToEnd.cli(["migrate", "status"], environment: env)
        #expect(
            status.contains("phase: DualWrite") && status.contains("FAIL parity records: needs ≥ 1 mirrored write(s) in the dual-write window, has 0")
        )

        // The rollback drill: PostgreSQL written back in the legacy format and verified in reverse.
        let exported = try await EndToEnd.cli(
            ["migrate", "export-legacy", "--out", folder.appendingPathComponent("export.db").path],
            environment: env
        )
        #expect(exported.contains("verified in reverse"))
        #expect(try await EndToEnd.cli(["migrate", "rollback", "--reason", "drill"], environment: env).contains("rolled back to Imported"))

        // Complete (set directly here: the mirror and shadow figures are the library tests' business): from now on
        // every command that writes a legacy file is refused by the guard.
        let store = Store(configuration: database, logger: TestPostgres.logger)
        let jumped = try await store.withRunning { store in
            try await MigrationLedger(store: store).changePhase(
                from: "Imported",
                to: "Complete",
                actor: "e2e",
                action: "migration.advance",
                details: ["test": "jump"]
            )
        }
        #expect(jumped)
        let (status2, _, message) = try await EndToEnd.run(
            ["migrate", "export-legacy", "--out", folder.appendingPathComponent("late.db").path],
            environment: env
        )
        #expect(status2 == 2, "could not do its work: exit 2")
        #expect(message.contains("refusing to open") && message.contains("the migration is Complete"), "\(message)")
        #expect(!FileManager.default.fileExists(atPath: folder.appendingPathComponent("late.db").path))
        let (rollbackStatus, _, rollbackMessage) = try await EndToEnd.run(["migrate", "rollback"], environment: env)
        #expect(rollbackStatus == 2 && rollbackMessage.contains("Complete cannot be rolled back"))
        // A bad configuration value and a misspelt option are told apart from a finding by their exit status.
        let (badConfiguration, _, badMessage) = try await EndToEnd.run(
            ["migrate", "status"],
            environment: env.merging(["DATABASE_URL": "mysql://x"]) { $1 }
        )
        #expect(badConfiguration == 2 && badMessage.contains("DATABASE_URL"), "\(badMessage)")
        let (usage, _, _) = try await EndToEnd.run(["migrate", "status", "--no-such-option"], environment: env)
        #expect(usage == 64)
        let doctor = try await EndToEnd.cli(["doctor"], environment: env)
        #expect(doctor.contains("ok   no legacy writer") && doctor.contains("migration phase: Complete"))
        EndToEnd.report(
            "phases (CLI)",
            iterations: 1,
            operations: 10,
            failures: 0,
            figures: "gate refusals named, export-legacy verified in reverse, legacy write after Complete refused"
        )
        try? await TestPostgres.shared.dropDatabase(database)
    }
}
