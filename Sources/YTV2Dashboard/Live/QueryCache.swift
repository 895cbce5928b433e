import YTV2Store

/// Facet counts and list totals per filter set, dropped whenever the change feed reports a change (or reconnects),
/// so `/api/filters` and the count behind `/api/reports` are computed once per distinct filter set between changes.
/// Each replica invalidates from its own feed. A computation that overlaps an invalidation is not stored (the
/// generation check), so the cache never holds figures older than the last change it heard of.
actor QueryCache {
    private var facets: [String: ReportFacets] = [:]
    private var totals: [String: Int] = [:]
    private var generation = 0
    private let capacity: Int

    init(capacity: Int = 512) { self.capacity = capacity }

    /// The key of a query's filters: paging and sort do not change facets or totals.
    static func key(_ query: ReportQuery) -> String {
        var filtersOnly = query
        filtersOnly.page = 1
        filtersOnly.size = 12
        filtersOnly.sort = .addedDesc
        return String(describing: filtersOnly)
    }

    func facets(for key: String) -> (ReportFacets?, Int) { (facets[key], generation) }
    func total(for key: String) -> (Int?, Int) { (totals[key], generation) }

    func store(_ value: ReportFacets, for key: String, generation: Int) {
        guard generation == self.generation else { return }
        if facets.count >= capacity { facets.removeAll(keepingCapacity: true) }
        facets[key] = value
    }

    func store(total: Int, for key: String, generation: Int) {
        guard generation == self.generation else { return }
        if totals.count >= capacity { totals.removeAll(keepingCapacity: true) }
        totals[key] = total
    }

    func invalidate() {
        generation += 1
        facets.removeAll(keepingCapacity: true)
        totals.removeAll(keepingCapacity: true)
    }
}
