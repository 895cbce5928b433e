import Foundation
import Testing
import YTV2Migration

@Suite struct PlanTests {
    /// Batches are read and reconciled two at a time, each on its own thread: what comes out, and in which order, must
    /// not depend on how the keys are cut into batches.
    @Test func thePlanIsTheSameWhateverTheBatchSize() async throws {
        let fixture = try MigrationFixture.make(rows: 150)
        defer { fixture.cleanUp() }
        func plan(batchSize: Int) async throws -> (keys: [String], plans: [String], summary: PlanSummary) {
            var keys: [String] = []
            var plans: [String] = []
            let summary = try await fixture.planner(batchSize: batchSize).run { batch in
                #expect(batch.count <= batchSize)
                keys += batch.map(\.key)
                plans += batch.map { String(describing: $0) }
            }
            return (keys, plans, summary)
        }
        let reference = try await plan(batchSize: 500)
        #expect(reference.keys.count > 150)
        #expect(reference.keys == reference.keys.sorted())
        #expect(reference.summary.totalOutcomes == reference.summary.totalSourceRows)
        for size in [1, 2, 7, 64] {
            let other = try await plan(batchSize: size)
            #expect(other.keys == reference.keys, "batch size \(size)")
            #expect(other.plans == reference.plans, "batch size \(size)")
            #expect(other.summary == reference.summary, "batch size \(size)")
        }
    }
}
