import NIOCore
import YTV2Store

/// What the read routes keep between changes: facet counts and list totals per filter set, and the encoded bodies of
/// list pages, facets and single reports per request. The dashboard is read far more than it is written; every change
/// (heard on the feed, or made by this process) drops them all.
struct ReadCaches: Sendable {
    let facets: ChangeInvalidatedCache<ReportFacets>
    let totals: ChangeInvalidatedCache<Int>
    /// Encoded bodies, bounded by their bytes (`YTV2_RESPONSE_CACHE_MB`).
    let responses: ChangeInvalidatedCache<ByteBuffer>

    /// - Parameter bypass: whether the request at hand must be answered past the caches: the change feed is not proven
    ///   to hear every change, or the request carries a write this process has not heard of yet (see
    ///   ``ReadYourWritesMiddleware``).
    init(responseBytes: Int, bypass: @escaping @Sendable () -> Bool = { false }) {
        facets = ChangeInvalidatedCache(bypass: bypass)
        // A total is a number: keeping one for every searched word costs little and spares a count over every match.
        totals = ChangeInvalidatedCache(capacity: 16_384, bypass: bypass)
        responses = ChangeInvalidatedCache(capacity: 4_096, maximumCost: responseBytes, cost: { $0.readableBytes }, bypass: bypass)
    }

    /// A change was made by this process: its next read must see it without waiting for the feed.
    func invalidate() async {
        await facets.invalidate()
        await totals.invalidate()
        await responses.invalidate()
    }

    /// The feed heard a change, connected, or lost its connection (then nothing is kept until it is back).
    func invalidate(feedIsListening: Bool) async {
        await facets.invalidate(feedIsListening: feedIsListening)
        await totals.invalidate(feedIsListening: feedIsListening)
        await responses.invalidate(feedIsListening: feedIsListening)
    }
}
