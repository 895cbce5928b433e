import YTV2Store

/// Facet counts per query, dropped whenever the change feed reports a change (or reconnects), so `/api/filters`
/// is computed once per distinct query between changes instead of on every page load. Each replica invalidates from
/// its own feed. A computation that overlaps an invalidation is not stored (the generation check), so the cache
/// never holds counts older than the last change it heard of.
actor FacetCache {
    private var entries: [String: ReportFacets] = [:]
    private var generation = 0
    private let capacity: Int

    init(capacity: Int = 512) { self.capacity = capacity }

    /// The cached facets for `key`, or nil, with the generation to hand back to ``store(_:for:generation:)``.
    func lookup(_ key: String) -> (ReportFacets?, Int) { (entries[key], generation) }

    func store(_ facets: ReportFacets, for key: String, generation: Int) {
        guard generation == self.generation else { return }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = facets
    }

    func invalidate() {
        generation += 1
        entries.removeAll(keepingCapacity: true)
    }
}
