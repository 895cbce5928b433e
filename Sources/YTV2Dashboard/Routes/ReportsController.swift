import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import YTV2Core
import YTV2Store

/// The read API: `/api/reports`, `/api/filters`, one report (`/api/reports/<id>`, `/<id>.json`) and the report page
/// (`/r/<id>`, `/<id>.json?v=2`).
struct ReportsController: Sendable {
    let store: Store
    let caches: ReadCaches
    let shadow: ShadowReads

    struct ListResponse: ResponseEncodableJSON {
        struct Pagination: Encodable {
            let page: Int
            let size: Int
            let total: Int
            let total_count: Int
            let pages: Int
            let total_pages: Int
            let has_next: Bool
            let has_prev: Bool
        }

        let reports: [ReportItem]
        let pagination: Pagination
        let sort: String
        let filters: [String: [String]]

        init(_ result: ReportPage, sort: ReportSort, filters: [String: [String]]) {
            reports = result.reports.map { ReportItem($0, form: .light) }
            pagination = .init(
                page: result.page,
                size: result.size,
                total: result.total,
                total_count: result.total,
                pages: result.pages,
                total_pages: result.pages,
                has_next: result.hasNext,
                has_prev: result.hasPrevious
            )
            self.sort = sort.rawValue
            self.filters = filters
        }
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
        let query = try ReportQuery(parameters: parameters)
        let filters = ReportQuery.activeFilters(parameters)
        return try await respond(
            request,
            route: "/api/reports",
            control: { try await $0.reports(query) },
            candidate: { [store, caches] in
                let total = try await caches.totals.value(for: ChangeInvalidatedCache<Int>.key(query)) { try await store.reportCount(query) }
                return try await store.reports(query, knownTotal: total)
            },
            encode: { try JSONBody.bytes(ListResponse($0, sort: query.sort, filters: filters)) }
        )
    }

    func filters(_ request: Request) async throws -> Response {
        let query = try ReportQuery(parameters: FormQuery(request))
        return try await respond(
            request,
            route: "/api/filters",
            control: { try await $0.facets(query) },
            candidate: { [store, caches] in
                try await caches.facets.value(for: ChangeInvalidatedCache<ReportFacets>.key(query)) { try await store.facets(query) }
            },
            encode: { try JSONBody.bytes(FiltersResponse($0)) }
        )
    }

    /// A read route's answer: from PostgreSQL through the response cache (keyed by route and query string), or, in
    /// phase Shadow, from the legacy copy with PostgreSQL compared beside it.
    private func respond<Value: Sendable>(
        _ request: Request,
        route: String,
        control: @escaping @Sendable (any ControlReads) async throws -> Value,
        candidate: @escaping @Sendable () async throws -> Value,
        encode: @escaping @Sendable (Value) throws -> ByteBuffer
    ) async throws -> Response {
        guard await shadow.active() else {
            let body = try await caches.responses.value(for: route + "?" + (request.uri.query ?? "")) { try encode(try await candidate()) }
            return JSONBody.response(body)
        }
        return JSONBody.response(try await shadow.compare(route: route, control: control, candidate: candidate, encode: encode).body)
    }

    func single(_ id: String) async throws -> Response {
        if await shadow.active(), let videoID = try? VideoID(apiID: id) {
            let compared = try await shadow.compare(
                route: "/api/reports/{id}",
                control: { try await $0.report(videoID) },
                candidate: { [store] in try await store.report(id: videoID.rawValue) },
                encode: { record in try record.map { try JSONBody.bytes(ReportItem($0, form: .single)) } ?? ByteBuffer(string: "null") }
            )
            guard compared.value != nil else { throw APIError.notFound("no report with id \(id.prefix(64))") }
            return JSONBody.response(compared.body)
        }
        let body = try await caches.responses.value(for: "report " + id) { [self] in
            try JSONBody.bytes(ReportItem(try await record(id), form: .single))
        }
        return JSONBody.response(body)
    }

    func page(_ id: String) async throws -> Response {
        let html = ReportHTMLPage.render(try await record(id))
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private func record(_ id: String) async throws -> ReportRecord {
        guard let record = try await store.report(id: id) else {
            if let videoID = try? VideoID(apiID: id), let deletedAt = try await store.tombstone(for: videoID) {
                throw APIError.notFound("video \(videoID) was deleted at \(APIDate.string(deletedAt))")
            }
            throw APIError.notFound("no report with id \(id.prefix(64))")
        }
        return record
    }
}
