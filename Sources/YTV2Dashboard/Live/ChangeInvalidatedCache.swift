import DequeModule
import Metrics
import YTV2Core
import YTV2Store

/// Results derived from the database (facet counts, list totals) per filter set, dropped whenever the change feed
/// reports a change (or reconnects), so each is computed once per distinct filter set between changes; values that
/// show one video each (encoded items) are dropped for the changed videos only (``invalidate(keys:)``). Concurrent
/// requests for the same missing key share one computation instead of each running it. Each replica invalidates from
/// its own feed; a computation that overlaps an invalidation is not kept, so the cache never holds figures older than
/// the last change it heard of. While the feed is down nothing is kept: every request computes afresh (and answers 503
/// when the database is down too).
///
/// Bounded twice: by entries, and by a cost per value (bytes, for encoded responses); past either bound the oldest
/// entries are dropped first.
actor ChangeInvalidatedCache<Value: Sendable> {
    private var values: [String: Value] = [:]
    /// Keys in the order they were stored, oldest first (entries dropped since may still be listed). A deque: a full
    /// cache drops its oldest keys on every store, and removing them from the front of an array would move every other
    /// key, inside this actor.
    private var order: Deque<String> = []
    private var running: [String: Task<Value, any Error>] = [:]
    private var generation = 0
    /// False between the feed losing its connection and its return.
    private var keeping = true
    private let capacity: Int
    private let maximumCost: Int
    private let cost: @Sendable (Value) -> Int
    private var totalCost = 0
    /// True when the request at hand must not be answered from the cache (it carries a write this process has not
    /// heard of yet): its value is computed afresh and not kept.
    private let bypass: @Sendable () -> Bool
    /// Its figures on `/metrics`, when it is given a name.
    private let metrics: CacheMetrics?

    init(
        name: String? = nil,
        capacity: Int = 512,
        maximumCost: Int = .max,
        cost: @escaping @Sendable (Value) -> Int = { _ in 0 },
        bypass: @escaping @Sendable () -> Bool = { false }
    ) {
        metrics = name.map(CacheMetrics.init)
        self.capacity = capacity
        self.maximumCost = maximumCost
        self.cost = cost
        self.bypass = bypass
    }

    /// Whether the request at hand is answered past the cache (computed afresh, nothing kept).
    nonisolated var isBypassed: Bool { bypass() }

    /// What the kept values cost in all (bytes, for encoded responses).
    var storedCost: Int { totalCost }
    var count: Int { values.count }

    /// The key of a query's filters: paging and sort change neither facets nor totals. Every list is counted and every
    /// value length-prefixed, so two different filter sets never share a key. (Built by hand: `String(describing:)`
    /// walks the value by reflection, on every uncached list request.)
    static func key(_ query: ReportQuery) -> String {
        var key = ""
        func add(_ values: [String]) {
            key += "\(values.count)["
            for value in values { key += "\(value.utf8.count):\(value)" }
            key += "]"
        }
        add(query.sources)
        add(query.categories)
        add(query.subcategories.flatMap { [$0.parent.map { "+" + $0 } ?? "-", $0.subcategory] })
        add(query.channels)
        add(query.languages)
        add(query.contentTypes)
        add(query.complexities)
        add(query.summaryTypes.map(\.id))
        add(query.hasAudio.map { [$0 ? "1" : "0"] } ?? [])
        add(query.search.map { [$0] } ?? [])
        return key
    }

    /// The value kept for `key`, never computed: nil when none is kept (or the request at hand is answered past the
    /// cache).
    func keptValue(for key: String) -> Value? {
        bypass() ? nil : values[key]
    }

    func value(for key: String, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if bypass() { return try await compute() }
        if let value = values[key] {
            metrics?.hits.increment()
            return value
        }
        metrics?.misses.increment()
        if let task = running[key] { return try await task.value }
        let startedAt = generation
        let task = Task { try await compute() }
        running[key] = task
        do {
            let value = try await task.value
            if running[key] == task { running[key] = nil }
            if startedAt == generation && keeping { store(value, for: key) }
            return value
        } catch {
            if running[key] == task { running[key] = nil }
            throw error
        }
    }

    /// The values of `keys`, the missing ones computed together by one call of `computeMissing` (which may leave out
    /// keys it has no value for). Concurrent calls do not share work here: a page's items are cheap to compute twice.
    func values(
        for keys: [String],
        computeMissing: @Sendable ([String]) async throws -> [String: Value]
    ) async throws -> [String: Value] {
        if bypass() { return try await computeMissing(keys) }
        var found: [String: Value] = [:]
        var missing: [String] = []
        for key in keys {
            if let value = values[key] { found[key] = value } else { missing.append(key) }
        }
        metrics?.hits.increment(by: found.count)
        metrics?.misses.increment(by: missing.count)
        guard !missing.isEmpty else { return found }
        let startedAt = generation
        let computed = try await computeMissing(missing)
        if startedAt == generation && keeping {
            for (key, value) in computed { store(value, for: key) }
        }
        found.merge(computed) { kept, _ in kept }
        return found
    }

    private func store(_ value: Value, for key: String) {
        let valueCost = cost(value)
        guard valueCost <= maximumCost else { return }
        if let old = values.updateValue(value, forKey: key) {
            totalCost -= cost(old)
        } else {
            order.append(key)
        }
        totalCost += valueCost
        var dropped = 0
        while values.count > capacity || totalCost > maximumCost, dropped < order.count {
            let oldest = order[dropped]
            dropped += 1
            if oldest == key { continue }
            if let removed = values.removeValue(forKey: oldest) { totalCost -= cost(removed) }
        }
        if dropped > 0 { order.removeFirst(dropped) }
        if order.count > 4 * max(values.count, 16) { order = Deque(order.filter { values[$0] != nil }) }
        recordSize()
    }

    private func recordSize() {
        metrics?.bytes.record(totalCost)
        metrics?.entries.record(values.count)
    }

    /// Drops every value (a change was heard or made).
    func invalidate() {
        generation += 1
        values.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
        totalCost = 0
        running.removeAll()
        recordSize()
    }

    /// Drops the values of `keys` only (what a change touched: the encoded items of the videos it changed). Values being
    /// computed are not kept, whatever their keys: they may have read what the change replaced.
    func invalidate(keys: some Sequence<String>) {
        generation += 1
        for key in keys {
            if let removed = values.removeValue(forKey: key) { totalCost -= cost(removed) }
        }
        running.removeAll()
        recordSize()
    }

    /// Drops every value as the feed connects or loses its connection; while it is not listening, values computed are
    /// not kept.
    func invalidate(feedIsListening: Bool) {
        keeping = feedIsListening
        invalidate()
    }
}

/// One cache's figures on `/metrics`, labelled `cache="<name>"`: hits and misses (a miss computes, or joins a
/// computation running), and what it holds (bytes for the caches bounded by bytes, and entries).
struct CacheMetrics: Sendable {
    let hits: Counter
    let misses: Counter
    let bytes: Gauge
    let entries: Gauge

    init(name: String) {
        let dimensions = [("cache", name)]
        hits = Counter(label: "ytv2_cache_hits_total", dimensions: dimensions)
        misses = Counter(label: "ytv2_cache_misses_total", dimensions: dimensions)
        bytes = Gauge(label: "ytv2_cache_bytes", dimensions: dimensions)
        entries = Gauge(label: "ytv2_cache_entries", dimensions: dimensions)
    }
}
