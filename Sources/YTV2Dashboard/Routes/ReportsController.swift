import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import YTV2Core
import YTV2Store

/// The read API: `/api/reports`, `/api/filters`, one report (`/api/reports/<id>`, `/<id>.json`) and the report page
/// (`/r/<id>`, `/<id>.json?v=2`).
struct ReportsController: Sendable {
    let reports: ReportReader
    let caches: ReadCaches
    /// Every video's facet values and place in every sort, and the matches of recent searches, kept up to date by the
    /// change feed: list pages and `/api/filters` are answered from it once it is read.
    let videoIndex: VideoIndex
    let shadow: ShadowReads

    /// The body of `/api/reports`: the page's light items, the pagination (with the legacy duplicate names) and the
    /// sort and filters it answers.
    static func listBody(_ result: ReportPage, sort: ReportSort, filters: EchoedFilters) -> ByteBuffer {
        var json = JSONWriter(capacity: 1_024 + result.reports.count * 1_800)
        json.beginObject()
        json.key("reports")
        json.beginArray()
        for record in result.reports { ReportItem(record, form: .light).write(to: &json) }
        json.endArray()
        writePagination(result.pagination, sort: sort, filters: filters, to: &json)
        return json.buffer
    }

    /// The same body from items encoded before (``ReadCaches/items``): byte for byte what ``listBody(_:sort:filters:)``
    /// writes for the records.
    static func listBody(items: [[UInt8]], page: ReportPageIDs, sort: ReportSort, filters: EchoedFilters) -> ByteBuffer {
        var json = JSONWriter(capacity: 1_024 + items.reduce(0) { $0 + $1.count })
        json.beginObject()
        json.key("reports")
        json.beginArray()
        for item in items { json.encoded(item) }
        json.endArray()
        writePagination(page.pagination, sort: sort, filters: filters, to: &json)
        return json.buffer
    }

    /// Pagination (with the legacy duplicate names), sort and filters, and the end of the body.
    private static func writePagination(_ result: Pagination, sort: ReportSort, filters: EchoedFilters, to json: inout JSONWriter) {
        json.key("pagination")
        json.beginObject()
        json.key("page")
        json.integer(result.page)
        json.key("size")
        json.integer(result.size)
        json.key("total")
        json.integer(result.total)
        json.key("total_count")
        json.integer(result.total)
        json.key("pages")
        json.integer(result.pages)
        json.key("total_pages")
        json.integer(result.pages)
        json.key("has_next")
        json.bool(result.hasNext)
        json.key("has_prev")
        json.bool(result.hasPrevious)
        json.endObject()
        json.key("sort")
        json.string(sort.rawValue)
        json.key("filters")
        filters.write(to: &json)
        json.endObject()
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.get("/api/reports") { request, _ in try await list(request) }
        router.get("/api/filters") { request, _ in try await filters(request) }
        router.get("/api/reports/{id}") { _, context in
            try await single(context.parameters.decoded("id"))
        }
        router.get("/{id}.json") { request, context in
            let id = try context.parameters.decoded("id")
            if try FormQuery(request).get("v") == "2" { return try await page(id) }
            return try await single(id)
        }
        router.get("/r/{id}") { _, context in try await page(context.parameters.decoded("id")) }
    }

    func list(_ request: Request) async throws -> Response {
        let parameters = try FormQuery(request)
        if parameters.get("latest")?.lowercased() == "true" { return try await latest() }
        let query = try ReportQuery(parameters: parameters)
        let filters = ReportQuery.activeFilters(parameters, hasAudio: query.hasAudio)
        return try await respond(
            request,
            route: "/api/reports",
            control: { try await $0.reports(query) },
            candidate: { [self] in
                try await reports.reports(query, knownTotal: try await total(query), knownVideoCount: try await videoCount(query))
            },
            encode: { Self.listBody($0, sort: query.sort, filters: filters) },
            body: { [self] in try await listBody(query, filters: filters) }
        )
    }

    /// A list page from PostgreSQL: the page's ids, then each item from the item cache or, for the ones it lacks, read
    /// together and encoded once.
    private func listBody(_ query: ReportQuery, filters: EchoedFilters) async throws -> ByteBuffer {
        let page = try await pageIDs(query)
        let items = try await caches.items.values(for: page.ids) { [reports] missing in
            let records = try await reports.listRecords(ids: missing)
            return Dictionary(records.map { ($0.videoID.rawValue, Self.keptItem($0)) }, uniquingKeysWith: { first, _ in first })
        }
        return Self.listBody(items: page.ids.compactMap { items[$0] }, page: page, sort: query.sort, filters: filters)
    }

    /// The ids of a list page: from the video index, kept up to date by the feed; when it cannot answer, a slice of the
    /// filter set's order in the page's sort (read whole once between changes);
    /// for a search matching many videos, the matches among that order (``searchPage(_:)``); else from the database
    /// past an offset. A search's own order is never read: a word can match most videos, and reading all its matches in
    /// order costs far more than one page of them, for an order the next search, for another word, does not use. So is a filter
    /// set with more matches than an order may hold paged by the database, and a request answered past the caches (an
    /// order read for it would not be kept).
    private func pageIDs(_ query: ReportQuery) async throws -> ReportPageIDs {
        if !caches.orders.isBypassed, let page = try await videoIndex.page(query) { return page }
        if caches.longestOrder > 0, !caches.orders.isBypassed {
            if !query.searches, let order = try await order(query) { return order.page(query) }
            if query.searches, let page = try await searchPage(query) { return page }
        }
        return try await reports.reportPageIDs(query, knownTotal: try await total(query), knownVideoCount: try await videoCount(query))
    }

    /// Every video the filters of `query` match (its search left out) in its sort's order, kept until the next change;
    /// nil when they match more than an order may hold.
    private func order(_ query: ReportQuery) async throws -> ReportOrder? {
        let filters = Self.orderFilters(query)
        return try await caches.orders.value(for: Self.orderKey(filters)) { [reports, caches] in
            try await reports.reportOrder(filters, limit: caches.longestOrder)
        }
    }

    /// What the order a page of `query` is a slice of is read for: its filters and sort, without its search.
    private static func orderFilters(_ query: ReportQuery) -> ReportQuery {
        var filters = query
        filters.search = nil
        return filters
    }

    /// The key the order of `filters` (``orderFilters(_:)``) is kept by, and its numbered form beside it.
    private static func orderKey(_ filters: ReportQuery) -> String {
        filters.sort.rawValue + " " + ChangeInvalidatedCache<Int>.key(filters)
    }

    /// A page of a search that matches many videos, from its matches (``SearchMatches``) along the order of its
    /// filters, both kept until the next change; nil when the database pages it. Measured at 100,000 real-shaped videos
    /// for words in 80 % of them (`bench/api`'s data): the database reaches the first pages of such a word in 4–8 ms
    /// after counting it (18–25 ms), walking the sort index, but deeper pages only by reading every match and sorting
    /// them (80–190 ms); reading the matches costs 20–30 ms once, and then any page, sort or filter of the word is found
    /// in memory. A word is met again and again (other pages, sizes and sorts), so its first request, whatever page it
    /// asks, reads them.
    private func searchPage(_ query: ReportQuery) async throws -> ReportPageIDs? {
        guard let matches = try await searchMatches(for: query), let order = try await order(query) else { return nil }
        let numbering = matches.numbering
        let numbered = try await caches.numberedOrders.value(for: "\(numbering.generation) " + Self.orderKey(Self.orderFilters(query))) {
            NumberedOrder(order, numbering: numbering)
        }
        // The order holds a video stored after the numbering was read: this page comes from the database, the next
        // request reads the numbering again.
        guard numbered.numbering === numbering, !numbered.hasUnnumbered else {
            await caches.numbering.markStale(numbering)
            return nil
        }
        let total = try await caches.totals.value(for: ChangeInvalidatedCache<Int>.key(query)) { matches.count(in: numbered) }
        return matches.page(query, in: numbered, total: total)
    }

    /// The videos the search of `query` matches: when kept, or read now when the search matches enough videos for them
    /// to be worth keeping. Nil for the other searches, and when no order of all videos is kept (the filter set's order,
    /// which a match set is walked along, would not be either).
    ///
    /// Whether a search is worth keeping is decided on how many videos it matches: its count when kept, else the
    /// planner's estimate, so that a common word's first request costs one read of its matches (which gives its count
    /// too) rather than a count and then that read, both of which visit every match. A wrong estimate costs time, never
    /// a wrong page: a rare word taken for a common one has its few matches read and kept; a common one taken for rare
    /// is counted and paged by the database. The matches are read as video numbers (``VideoNumbering``), with the
    /// numbering kept across changes (``NumberingKeeper``): no id is looked up per search.
    private func searchMatches(for query: ReportQuery) async throws -> SearchMatches? {
        guard let search = query.search, let everyVideo = try await order(ReportQuery()) else { return nil }
        if await keptMatches(search) == nil {
            var alone = ReportQuery()
            alone.search = search
            let matched: Int
            if let counted = await caches.totals.keptValue(for: ChangeInvalidatedCache<Int>.key(alone)) {
                matched = counted
            } else {
                matched = try await reports.estimatedSearchMatches(search)
            }
            guard SearchMatches.worthKeeping(matches: matched, of: everyVideo.ids.count) else { return nil }
        }
        let numbering = try await caches.numbering.numbering { [reports] generation in
            let (ids, numbers) = try await reports.videoNumbers()
            return VideoNumbering(ids: ids, numbers: numbers, generation: generation)
        }
        let matches = try await caches.matches.value(for: Self.matchesKey(search, numbering)) { [reports] in
            SearchMatches(numbers: try await reports.searchMatchNumbers(search), numbering: numbering)
        }
        // A match stored after the numbering was read: as above.
        guard matches.numbering === numbering, !matches.hasUnnumbered else {
            await caches.numbering.markStale(numbering)
            return nil
        }
        return matches
    }

    /// The match set of `search` kept with the numbering in use, never read.
    private func keptMatches(_ search: String) async -> SearchMatches? {
        guard let numbering = await caches.numbering.kept else { return nil }
        return await caches.matches.keptValue(for: Self.matchesKey(search, numbering))
    }

    /// The key a search's match set is kept by: its numbering's and its own.
    private static func matchesKey(_ search: String, _ numbering: VideoNumbering) -> String {
        "\(numbering.generation) " + search
    }

    /// How many videos the filters and search of `query` match, kept until the next change.
    private func total(_ query: ReportQuery) async throws -> Int {
        try await caches.totals.value(for: ChangeInvalidatedCache<Int>.key(query)) { [reports] in try await reports.reportCount(query) }
    }

    /// The number of all videos, when `query` searches (its plan depends on how many of them match; ``Store``).
    private func videoCount(_ query: ReportQuery) async throws -> Int? {
        query.searches ? try await total(ReportQuery()) : nil
    }

    /// A record's list item as the item cache keeps it: ``JSONWriter`` hands over a buffer made for the item's bytes
    /// (the next power of two above their count, the capacity the cache counts), so it is kept as it is.
    private static func keptItem(_ record: ReportRecord) -> [UInt8] {
        var writer = JSONWriter(capacity: 2_048)
        ReportItem(record, form: .light).write(to: &writer)
        return writer.keptBytes
    }

    /// `?latest=true`: the most recently indexed video, as the legacy processor asks it: `{"report": {"video_id",
    /// "summary_type", "indexed_at"}}`, or `{"report": null}` with no video.
    func latest() async throws -> Response {
        var newest = ReportQuery()
        newest.size = 1
        let body = try await caches.responses.value(for: "latest") { [reports, newest] in
            var json = JSONWriter(capacity: 256)
            json.beginObject()
            json.key("report")
            if let record = try await reports.reports(newest).reports.first {
                json.beginObject()
                json.key("video_id")
                json.string(record.videoID.rawValue)
                json.key("summary_type")
                json.string(ReportItem.summaryTypeName(record.preferredSummary))
                json.key("indexed_at")
                json.string(APIDate.string(record.indexedAt))
                json.endObject()
            } else {
                json.null()
            }
            json.endObject()
            return json.buffer
        }
        return JSONBody.response(body)
    }

    func filters(_ request: Request) async throws -> Response {
        let query = try ReportQuery(parameters: FormQuery(request))
        return try await respond(
            request,
            route: "/api/filters",
            control: { try await $0.facets(query) },
            candidate: { [self] in
                try await caches.facets.value(for: ChangeInvalidatedCache<ReportFacets>.key(query)) { try await facets(query) }
            },
            encode: { try JSONBody.bytes(FiltersResponse($0)) }
        )
    }

    /// The facets of `query`: counted from the video index over the search's matches, or by the database when the
    /// index cannot answer, and for a request answered past the caches (it carries a write the index may not have heard
    /// of yet).
    private func facets(_ query: ReportQuery) async throws -> ReportFacets {
        if !caches.facets.isBypassed, let counted = try await videoIndex.facets(query) { return counted }
        return try await reports.facets(query)
    }

    /// A read route's answer: from PostgreSQL through the response cache (keyed by route and query string), or, in
    /// phase Shadow, from the legacy copy with PostgreSQL compared beside it. `body`, when given, makes the encoded
    /// PostgreSQL answer a cheaper way than `encode(candidate())` (the same bytes; the shadow comparison needs values).
    private func respond<Value: Sendable>(
        _ request: Request,
        route: String,
        control: @escaping @Sendable (any ControlReads) async throws -> Value,
        candidate: @escaping @Sendable () async throws -> Value,
        encode: @escaping @Sendable (Value) throws -> ByteBuffer,
        body: (@Sendable () async throws -> ByteBuffer)? = nil
    ) async throws -> Response {
        guard await shadow.active() else {
            let cached = try await caches.responses.value(for: route + "?" + (request.uri.query ?? "")) {
                if let body { return try await body() }
                return try encode(try await candidate())
            }
            return JSONBody.response(cached)
        }
        return JSONBody.response(try await shadow.compare(route: route, control: control, candidate: candidate, encode: encode).body)
    }

    func single(_ id: String) async throws -> Response {
        if await shadow.active(), let videoID = try? VideoID(apiID: id) {
            let compared = try await shadow.compare(
                route: "/api/reports/{id}",
                control: { try await $0.report(videoID) },
                candidate: { [reports] in try await reports.report(id: videoID.rawValue) },
                encode: { record in record.map { ReportItem($0, form: .single).json() } ?? ByteBuffer(string: "null") }
            )
            guard compared.value != nil else { throw APIError.notFound("no report with id \(id.prefix(64))") }
            return JSONBody.response(compared.body)
        }
        let body = try await caches.responses.value(for: "report " + id) { [self] in
            ReportItem(try await record(id), form: .single).json()
        }
        return JSONBody.response(body)
    }

    /// The report page, kept like the JSON answers until the next change.
    func page(_ id: String) async throws -> Response {
        let body = try await caches.responses.value(for: "page " + id) { [self] in
            ByteBuffer(string: ReportHTMLPage.render(try await record(id)))
        }
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

    private func record(_ id: String) async throws -> ReportRecord {
        guard let record = try await reports.report(id: id) else {
            if let videoID = try? VideoID(apiID: id), let deletedAt = try await reports.tombstone(for: videoID) {
                throw APIError.notFound("video \(videoID) was deleted at \(APIDate.string(deletedAt))")
            }
            throw APIError.notFound("no report with id \(id.prefix(64))")
        }
        return record
    }
}
