import Foundation
import Synchronization
import Testing
import YTV2Store

@testable import YTV2Dashboard

@Suite struct ChangeInvalidatedCacheTests {
    final class Counter: Sendable {
        let value = Mutex(0)
        func next() -> Int {
            value.withLock {
                $0 += 1
                return $0
            }
        }
    }

    @Test func concurrentMissesShareOneComputation() async throws {
        let cache = ChangeInvalidatedCache<Int>()
        let calls = Counter()
        let results = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<20 {
                group.addTask {
                    try await cache.value(for: "k") {
                        try await Task.sleep(for: .milliseconds(100))
                        return calls.next()
                    }
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results == Array(repeating: 1, count: 20))
        #expect(try await cache.value(for: "k") { calls.next() } == 1)
    }

    /// What the reports route asks first for a search: whether its matches are kept, never reading them.
    @Test func aKeptValueIsOnlyWhatWasComputedSinceTheLastChange() async throws {
        let bypassed = Mutex(false)
        let cache = ChangeInvalidatedCache<Int>(bypass: { bypassed.withLock { $0 } })
        #expect(await cache.keptValue(for: "k") == nil)
        #expect(try await cache.value(for: "k") { 7 } == 7)
        #expect(await cache.keptValue(for: "k") == 7)
        bypassed.withLock { $0 = true }
        #expect(await cache.keptValue(for: "k") == nil)
        bypassed.withLock { $0 = false }
        await cache.invalidate()
        #expect(await cache.keptValue(for: "k") == nil)
    }

    @Test func aChangeDropsValuesAndAComputationThatOverlapsItIsNotKept() async throws {
        let cache = ChangeInvalidatedCache<Int>()
        let calls = Counter()
        #expect(try await cache.value(for: "k") { calls.next() } == 1)
        await cache.invalidate()
        #expect(try await cache.value(for: "k") { calls.next() } == 2)

        // Invalidated while computing: the result is returned to its caller but not kept.
        async let slow = cache.value(for: "j") {
            try await Task.sleep(for: .milliseconds(200))
            return 100
        }
        try await Task.sleep(for: .milliseconds(50))
        await cache.invalidate()
        #expect(try await slow == 100)
        #expect(try await cache.value(for: "j") { 7 } == 7)
    }

    /// A change to some videos drops their items only; a batch being computed across it (it may hold what the change
    /// replaced) is returned but not kept, whatever its keys, and its bytes are given back to the budget.
    @Test func aChangeToSomeVideosDropsOnlyTheirValues() async throws {
        let cache = ChangeInvalidatedCache<String>(maximumCost: 100, cost: { $0.utf8.count })
        let computed = Counter()
        @Sendable func compute(_ keys: [String]) -> [String: String] {
            _ = computed.next()
            return Dictionary(uniqueKeysWithValues: keys.map { ($0, $0.uppercased()) })
        }
        _ = try await cache.values(for: ["a", "b", "c"], computeMissing: compute)
        #expect(await cache.storedCost == 3)
        await cache.invalidate(keys: ["b", "unknown"])
        #expect(await cache.keptValue(for: "a") == "A")
        #expect(await cache.keptValue(for: "c") == "C")
        #expect(await cache.keptValue(for: "b") == nil)
        #expect(await cache.storedCost == 2)
        #expect(try await cache.values(for: ["a", "b", "c"], computeMissing: compute) == ["a": "A", "b": "B", "c": "C"])
        #expect(computed.value.withLock { $0 } == 2)
        async let slow = cache.values(for: ["d"]) { keys in
            try await Task.sleep(for: .milliseconds(200))
            return compute(keys)
        }
        try await Task.sleep(for: .milliseconds(50))
        await cache.invalidate(keys: ["a"])
        #expect(try await slow == ["d": "D"])
        #expect(await cache.keptValue(for: "d") == nil)
        #expect(await cache.keptValue(for: "c") == "C")
    }

    @Test func batchLookupsComputeOnlyTheMissingKeysTogether() async throws {
        let cache = ChangeInvalidatedCache<String>()
        let asked = Mutex<[[String]]>([])
        @Sendable func compute(_ keys: [String]) -> [String: String] {
            asked.withLock { $0.append(keys) }
            return Dictionary(uniqueKeysWithValues: keys.filter { $0 != "gone" }.map { ($0, $0.uppercased()) })
        }
        #expect(try await cache.values(for: ["a", "b"], computeMissing: compute) == ["a": "A", "b": "B"])
        #expect(try await cache.values(for: ["b", "c", "gone"], computeMissing: compute) == ["b": "B", "c": "C"])
        #expect(try await cache.values(for: ["a", "c"], computeMissing: compute) == ["a": "A", "c": "C"])
        #expect(asked.withLock { $0 } == [["a", "b"], ["c", "gone"]])
        // A change drops them all; a batch computed across a change is returned but not kept.
        await cache.invalidate()
        async let slow = cache.values(for: ["a"]) { keys in
            try await Task.sleep(for: .milliseconds(200))
            return compute(keys)
        }
        try await Task.sleep(for: .milliseconds(50))
        await cache.invalidate()
        #expect(try await slow == ["a": "A"])
        #expect(try await cache.values(for: ["a"], computeMissing: compute) == ["a": "A"])
        #expect(asked.withLock { $0 } == [["a", "b"], ["c", "gone"], ["a"], ["a"]])
    }

    @Test func aFilterSetHasOneKeyWhateverThePageAndSort() throws {
        var query = ReportQuery()
        query.channels = ["a", "b"]
        var paged = query
        paged.page = 7
        paged.size = 40
        paged.sort = .titleAZ
        #expect(ChangeInvalidatedCache<Int>.key(query) == ChangeInvalidatedCache<Int>.key(paged))
        // Filter sets that a plain join of their values would confuse.
        var joined = ReportQuery()
        joined.channels = ["a:1b"]
        var split = ReportQuery()
        split.channels = ["a", "b"]
        split.search = ""
        var noSearch = ReportQuery()
        noSearch.channels = ["a", "b"]
        var moved = ReportQuery()
        moved.sources = ["a", "b"]
        var parent = ReportQuery()
        parent.subcategories = [SubcategoryFilter(subcategory: "x", parent: nil)]
        var emptyParent = ReportQuery()
        emptyParent.subcategories = [SubcategoryFilter(subcategory: "x", parent: "")]
        let keys = [query, joined, split, moved, parent, emptyParent].map { ChangeInvalidatedCache<Int>.key($0) }
        #expect(Set(keys).count == keys.count)
        #expect(ChangeInvalidatedCache<Int>.key(noSearch) == ChangeInvalidatedCache<Int>.key(query))
    }

    @Test func nothingIsKeptWhileTheFeedIsDown() async throws {
        let cache = ChangeInvalidatedCache<Int>()
        let calls = Counter()
        #expect(try await cache.value(for: "k") { calls.next() } == 1)
        await cache.invalidate(feedIsListening: false)
        #expect(try await cache.value(for: "k") { calls.next() } == 2)
        #expect(try await cache.value(for: "k") { calls.next() } == 3)
        await cache.invalidate()  // a write of this process does not resume keeping
        #expect(try await cache.value(for: "k") { calls.next() } == 4)
        await cache.invalidate(feedIsListening: true)
        #expect(try await cache.value(for: "k") { calls.next() } == 5)
        #expect(try await cache.value(for: "k") { calls.next() } == 5)
    }
}

@Suite struct APIDateTests {
    @Test func formatsUTCWithZ() {
        #expect(APIDate.string(Date(timeIntervalSince1970: 1_709_634_030.7)) == "2024-03-05T10:20:30Z")
        #expect(APIDate.string(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(APIDate.string(Date(timeIntervalSince1970: 253_402_300_799)) == "9999-12-31T23:59:59Z")
    }
}
