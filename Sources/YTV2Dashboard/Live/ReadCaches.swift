import NIOCore
import YTV2Store

/// What the read routes keep between changes, beside the video index (``VideoIndex``, kept up to date in place): facet
/// counts and list totals per filter set, the encoded bodies of list pages, facets and single reports per request,
/// each video's encoded list item (a page that was never asked for before can be made of items other pages already
/// showed), and, for the pages the index cannot answer (while it is read, or under a collation it cannot compare
/// by), each filter set's order per sort and the videos a search matches. The dashboard is read far more than it is
/// written. A change (heard on the feed, or made by this process) drops everything derived from many videos, and of
/// the encoded items only those of the videos it changed; a change the feed cannot describe (it connects, loses its
/// connection, comes back) drops them all.
struct ReadCaches: Sendable {
    let facets: ChangeInvalidatedCache<ReportFacets>
    let totals: ChangeInvalidatedCache<Int>
    /// Encoded bodies, bounded by their bytes (`YTV2_RESPONSE_CACHE_MB`).
    let responses: ChangeInvalidatedCache<ByteBuffer>
    /// Encoded list items by video id, bounded by their bytes (`YTV2_ITEM_CACHE_MB`).
    let items: ChangeInvalidatedCache<[UInt8]>
    /// Every match of a filter set (without a search) in one sort's order, by filter set and sort, bounded by their
    /// bytes (`YTV2_ORDER_CACHE_MB`): a page is a slice of its order.
    let orders: ChangeInvalidatedCache<ReportOrder?>
    /// Every video's number in the database, what search match sets are made with; kept across changes (a number never
    /// changes), read again when a video it lacks is met.
    let numbering = NumberingKeeper()
    /// The match sets over all videos of searches that match many videos (``SearchMatches/worthKeeping(matches:of:)``),
    /// read the first time such a search is asked for; bounded by their bytes: a quarter of the order budget.
    let matches: ChangeInvalidatedCache<SearchMatches>
    /// Orders with each video's number (``NumberedOrder``), by the key of their order, what match sets are walked along;
    /// bounded by their bytes: a quarter of the order budget.
    let numberedOrders: ChangeInvalidatedCache<NumberedOrder>
    /// The most ids one order holds: half the order budget, so that two fit. A filter set with more matches is paged
    /// by the database (its order is remembered as nil, so it is not read again until the next change).
    let longestOrder: Int

    /// - Parameter bypass: whether the request at hand must be answered past the caches: the change feed is not proven
    ///   to hear every change, or the request carries a write this process has not heard of yet (see
    ///   ``ReadYourWritesMiddleware``).
    init(responseBytes: Int, itemBytes: Int, orderBytes: Int, bypass: @escaping @Sendable () -> Bool = { false }) {
        facets = ChangeInvalidatedCache(name: "facets", bypass: bypass)
        // A total is a number: keeping one for every searched word costs little and spares a count over every match.
        totals = ChangeInvalidatedCache(name: "totals", capacity: 16_384, bypass: bypass)
        // Counted by what a body's buffer takes (NIO rounds it up to a power of two: a 38 KB page takes 64 KB), not by
        // its length: the budget bounds the memory held.
        responses = ChangeInvalidatedCache(name: "responses", capacity: 4_096, maximumCost: responseBytes, cost: { $0.capacity }, bypass: bypass)
        // Bounded by bytes alone (an item is about 1.7 KB); the count bound only caps the bookkeeping.
        items = ChangeInvalidatedCache(name: "items", capacity: 1_000_000, maximumCost: itemBytes, cost: { 32 + $0.capacity }, bypass: bypass)
        orders = ChangeInvalidatedCache(name: "orders", capacity: 4_096, maximumCost: orderBytes, cost: { $0?.bytes ?? 16 }, bypass: bypass)
        longestOrder = orderBytes / 2 / 16
        // A match set is a bit per video: 12.5 KB at 100,000 videos.
        matches = ChangeInvalidatedCache(name: "matches", capacity: 4_096, maximumCost: orderBytes / 4, cost: { $0.bytes }, bypass: bypass)
        // Four bytes per video of the order: 400 KB for an order of 100,000 videos.
        numberedOrders = ChangeInvalidatedCache(
            name: "numbered_orders",
            capacity: 4_096,
            maximumCost: orderBytes / 4,
            cost: { $0.bytes },
            bypass: bypass
        )
    }

    /// `videos` changed (the feed reported it, or this process wrote it: its next read must see it without waiting for
    /// the feed). Pages, orders, totals, facets and match sets may all move, so they are dropped; an item shows one
    /// video, so only the changed videos' items are.
    func invalidate(videos: [String]) async {
        await facets.invalidate()
        await totals.invalidate()
        await responses.invalidate()
        await items.invalidate(keys: videos)
        await orders.invalidate()
        await matches.invalidate()
        await numberedOrders.invalidate()
    }

    /// The video index is read and answers pages: what was kept for paging without it (orders, match sets, numbered
    /// orders, the numbering) is no longer asked for until the index is dropped, so it is let go now rather than at the
    /// next change.
    func dropPagingWithoutIndex() async {
        await orders.invalidate()
        await matches.invalidate()
        await numberedOrders.invalidate()
        await numbering.forget()
    }

    /// The feed connected, lost its connection (then nothing is kept until it is back) or came back: changes may have
    /// been missed, so everything is dropped.
    func invalidate(feedIsListening: Bool) async {
        await facets.invalidate(feedIsListening: feedIsListening)
        await totals.invalidate(feedIsListening: feedIsListening)
        await responses.invalidate(feedIsListening: feedIsListening)
        await items.invalidate(feedIsListening: feedIsListening)
        await orders.invalidate(feedIsListening: feedIsListening)
        await matches.invalidate(feedIsListening: feedIsListening)
        await numberedOrders.invalidate(feedIsListening: feedIsListening)
    }
}
