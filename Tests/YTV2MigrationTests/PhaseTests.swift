import Foundation
import Testing
import YTV2Legacy
import YTV2Migration
import YTV2Store
import YTV2TestSupport

/// The phases Off → Imported → DualWrite → Shadow → Live → Complete: each gate refuses until its figures are met
/// and names the figure; every transition is audited; rollback is always open except from Complete; after Complete
/// legacy files cannot be opened for writing.
@Suite struct PhaseTests {
    static func refusal(_ phases: MigrationPhases) async throws -> PhaseError? {
        do {
            try await phases.advance(actor: "test")
            return nil
        } catch let error as PhaseError {
            return error
        }
    }

    /// The failed checks of a refusal, by name.
    static func failed(_ error: PhaseError?) -> [String: String] {
        guard case .gateNotMet(_, let checks)? = error else { return [:] }
        return Dictionary(uniqueKeysWithValues: checks.filter { !$0.passed }.map { ($0.name, $0.actual) })
    }

    @Test func gatesRefuseUntilTheirFiguresAreMetAndSayWhich() async throws {
        let fixture = try MigrationFixture.make(rows: 40, seed: 3)
        defer { fixture.cleanUp() }
        try await withTestStore { store in
            var thresholds = GateThresholds()
            thresholds.minimumShadowReads = 10
            let phases = MigrationPhases(store: store, thresholds: thresholds)
            #expect(try await phases.status().phase == .off)

            // Imported: needs an import and a passing verify of the same snapshot, after it.
            var refused = try await Self.refusal(phases)
            #expect(Self.failed(refused).keys.sorted() == ["import", "verify"])
            _ = try await fixture.importAll(into: store)
            refused = try await Self.refusal(phases)
            #expect(Self.failed(refused).keys.sorted() == ["verify"])
            #expect(refused?.description.contains("verify: needs a passing `migrate verify`") == true)
            let report = try await fixture.verify(store)
            #expect(report.passed)
            try await phases.recordVerify(report, actor: "test")
            #expect(try await phases.advance(actor: "test").phase == .imported)
            #expect(try await phases.advance(actor: "test").phase == .dualWrite)

            // Shadow: needs mirrored writes in the dual-write window and no unexplained mismatch.
            #expect(Self.failed(try await Self.refusal(phases)) == ["parity records": "0"])
            try await MigrationLedger(store: store).recordParity(
                operation: "commit",
                videoID: "aaaaaaaaaaa",
                primarySHA256: "1",
                mirrorSHA256: "1",
                outcome: "match",
                detail: nil
            )
            try await MigrationLedger(store: store).recordParity(
                operation: "delete",
                videoID: "bbbbbbbbbbb",
                primarySHA256: "2",
                mirrorSHA256: "3",
                outcome: "mismatch",
                detail: "title"
            )
            #expect(Self.failed(try await Self.refusal(phases)) == ["unexplained parity mismatches": "1"])
            // Back and forth opens a new window (the mismatch stays in the old one, and in the audit of the rollback).
            #expect(try await phases.rollback(actor: "test", reason: "mismatch on bbbbbbbbbbb").phase == .imported)
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await phases.advance(actor: "test").phase == .dualWrite)
            try await MigrationLedger(store: store).recordParity(
                operation: "commit",
                videoID: "ccccccccccc",
                primarySHA256: "4",
                mirrorSHA256: "4",
                outcome: "match",
                detail: nil
            )
            #expect(try await phases.advance(actor: "test").phase == .shadow)

            // Live: needs enough compared reads, the consistency, and a verified rollback drill.
            for _ in 0..<9 {
                try await MigrationLedger(store: store).recordShadowRead(
                    route: "/api/reports",
                    matched: true,
                    controlMilliseconds: 2,
                    candidateMilliseconds: 1,
                    controlBody: nil,
                    candidateBody: nil
                )
            }
            try await MigrationLedger(store: store).recordShadowRead(
                route: "/api/filters",
                matched: false,
                controlMilliseconds: 3,
                candidateMilliseconds: 2,
                controlBody: "{\"a\":1}",
                candidateBody: "{\"a\":2}"
            )
            let live = Self.failed(try await Self.refusal(phases))
            #expect(live["shadow consistency"] == "90.00 % (9 of 10)")
            #expect(live["rollback drill"] == "none")
            #expect(live["compared shadow reads"] == nil)
            let status = try await phases.status()
            #expect(status.shadow?.compared == 10 && status.shadow?.matched == 9)
            let drill = try await LegacyExporter(store: store).export(to: fixture.folder.appendingPathComponent("rollback.db").path)
            #expect(drill.verified)
            try await phases.recordRollbackDrill(drill, actor: "test")
            var lenient = thresholds
            lenient.shadowConsistency = 0.9
            #expect(try await MigrationPhases(store: store, thresholds: lenient).advance(actor: "test").phase == .live)

            // Complete: needs the archive; afterwards no rollback and no legacy write.
            #expect(Self.failed(try await Self.refusal(phases)) == ["legacy files archived": "none"])
            let parent = fixture.folder.appendingPathComponent("archive")
            let legacy = fixture.folder.appendingPathComponent("legacy")
            let record = try await LegacyArchiver(phases: phases).archive(
                [legacy.appendingPathComponent("dashboard.db"), legacy.appendingPathComponent("nas.db"), legacy.appendingPathComponent("reports")],
                into: parent,
                actor: "test"
            )
            #expect(!FileManager.default.fileExists(atPath: legacy.appendingPathComponent("dashboard.db").path))
            #expect(record.files.count > 2)
            #expect(LegacyArchiver.check(record).isEmpty)
            let mode = try FileManager.default.attributesOfItem(atPath: record.files[0].archived)[.posixPermissions] as? Int
            #expect(mode == 0o444)
            let sums = try String(contentsOfFile: record.folder + "/" + LegacyArchiver.checksumFile, encoding: .utf8)
            #expect(sums.contains(record.files[0].sha256))
            #expect(try await phases.advance(actor: "test").phase == .complete)
            await #expect(throws: PhaseError.nothingBefore(.complete)) { try await phases.rollback(actor: "test", reason: nil) }
            await #expect(throws: PhaseError.nothingAfter(.complete)) { try await phases.advance(actor: "test") }

            let seal = try #require(try await phases.legacyWriteSeal())
            #expect(throws: LegacyWriteGuard.Refused.self) {
                _ = try LegacyWriteGuard.openForWriting(record.files[0].archived, sealedBecause: seal)
            }
            #expect(seal.contains(record.folder))

            // Every transition is in the audit log with its actor and figures.
            let actions = try await AuditLog(store: store).entries(limit: 100).map(\.action)
            #expect(actions.filter { $0 == "migration.advance" }.count == 6)
            #expect(actions.filter { $0 == "migration.rollback" }.count == 1)
            #expect(actions.contains("migration.archive"))
            let chain = try await AuditLog(store: store).verifyChain()
            #expect(chain.firstBroken == nil)
            try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: record.folder)
            for file in try FileManager.default.subpathsOfDirectory(atPath: record.folder) {
                try? FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: record.folder + "/" + file)
            }
        }
    }

    @Test func archiveRefusesBeforeLiveAndRollbackIsAlwaysOpen() async throws {
        try await withTestStore { store in
            let phases = MigrationPhases(store: store)
            await #expect(throws: LegacyArchiver.Problem.wrongPhase("Off")) {
                try await LegacyArchiver(phases: phases).archive([], into: URL(fileURLWithPath: "/tmp"), actor: "test")
            }
            await #expect(throws: PhaseError.nothingBefore(.off)) { try await phases.rollback(actor: "test", reason: nil) }
            let seal = try await phases.legacyWriteSeal()
            #expect(seal == nil)
        }
    }
}
