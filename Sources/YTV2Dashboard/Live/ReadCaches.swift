import NIOCore
import YTV2Store

/// What the read routes keep between changes: facet counts and list totals per filter set, and the encoded bodies of
/// list pages, facets and single reports per request. The dashboard is read far more than it is written; every change
/// (heard on the feed, or made by this process) drops them all.
struct ReadCaches: Sendable {
    let facets = ChangeInvalidatedCache<ReportFacets>()
    let totals = ChangeInvalidatedCache<Int>()
    let responses = ChangeInvalidatedCache<ByteBuffer>(capacity: 1_024)

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
