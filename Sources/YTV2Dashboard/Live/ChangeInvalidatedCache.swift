import YTV2Store

/// Results derived from the database (facet counts, list totals) per filter set, dropped whenever the change feed
/// reports a change (or reconnects), so each is computed once per distinct filter set between changes. Concurrent
/// requests for the same missing key share one computation instead of each running it. Each replica invalidates from
/// its own feed; a computation that overlaps an invalidation is not kept, so the cache never holds figures older than
/// the last change it heard of. While the feed is down nothing is kept: every request computes afresh (and answers 503
/// when the database is down too).
actor ChangeInvalidatedCache<Value: Sendable> {
    private var values: [String: Value] = [:]
    private var running: [String: Task<Value, any Error>] = [:]
    private var generation = 0
    /// False between the feed losing its connection and its return.
    private var keeping = true
    private let capacity: Int

    init(capacity: Int = 512) { self.capacity = capacity }

    /// The key of a query's filters: paging and sort change neither facets nor totals.
    static func key(_ query: ReportQuery) -> String {
        var filtersOnly = query
        filtersOnly.page = 1
        filtersOnly.size = 12
        filtersOnly.sort = .addedDesc
        return String(describing: filtersOnly)
    }

    func value(for key: String, compute: @escaping @Sendable () async throws -> Value) async throws -> Value {
        if let value = values[key] { return value }
        if let task = running[key] { return try await task.value }
        let startedAt = generation
        let task = Task { try await compute() }
        running[key] = task
        do {
            let value = try await task.value
            if running[key] == task { running[key] = nil }
            if startedAt == generation && keeping {
                if values.count >= capacity { values.removeAll(keepingCapacity: true) }
                values[key] = value
            }
            return value
        } catch {
            if running[key] == task { running[key] = nil }
            throw error
        }
    }

    /// Drops every value (a change was heard or made).
    func invalidate() {
        generation += 1
        values.removeAll(keepingCapacity: true)
        running.removeAll()
    }

    /// Drops every value as the feed connects or loses its connection; while it is not listening, values computed are
    /// not kept.
    func invalidate(feedIsListening: Bool) {
        keeping = feedIsListening
        invalidate()
    }
}
