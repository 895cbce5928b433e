import YTV2Store

/// Each video's number in the database (`video_search.number`, migration 0011): given once when the video is first
/// stored and never changed or reused while it exists, so a match set read as numbers (``ReportReader/searchMatchNumbers(_:)``)
/// needs no id looked up, and a numbering read once (``ReportReader/videoNumbers()``) stays right across changes until a
/// video it lacks is stored: a match set or an order that meets one says so (``SearchMatches/hasUnnumbered``,
/// ``NumberedOrder/hasUnnumbered``), and the numbering is read again. The bits of ``SearchMatches`` refer to these
/// numbers. A class, so that a match set can tell whether it was made with the numbering in use.
package final class VideoNumbering: Sendable {
    /// Told apart from the numberings read before it (the keys of what is made with it include it).
    package let generation: Int
    private let numbersByID: [String: Int32]
    /// A bit per number given to a video this numbering knows.
    private let known: [UInt64]
    /// One more than the highest number: how many bits a match set takes.
    package let capacity: Int

    /// - Parameters: `ids` and `numbers` pairwise; a negative number is left out.
    package init(ids: [String], numbers: [Int32], generation: Int = 0) {
        precondition(ids.count == numbers.count, "an id without its number")
        var numbersByID = [String: Int32](minimumCapacity: ids.count)
        var highest: Int32 = -1
        for (id, number) in zip(ids, numbers) where number >= 0 {
            numbersByID[id] = number
            highest = max(highest, number)
        }
        var known = [UInt64](repeating: 0, count: (Int(highest) + 1 + 63) / 64)
        for number in numbersByID.values { known[Int(number) / 64] |= 1 << UInt64(Int(number) % 64) }
        self.generation = generation
        self.numbersByID = numbersByID
        self.known = known
        capacity = Int(highest) + 1
    }

    /// How many videos are numbered.
    package var count: Int { numbersByID.count }

    package func number(of id: String) -> Int? { numbersByID[id].map(Int.init) }

    /// Whether `number` was given to a video this numbering knows.
    package func knows(number: Int32) -> Bool {
        number >= 0 && Int(number) < capacity && known[Int(number) / 64] & (1 << UInt64(Int(number) % 64)) != 0
    }
}

/// The videos one search matches among all videos, a bit per video number of a ``VideoNumbering``. With the cached
/// order of a filter set (``ReportOrder``, read without the search), any page of the search under those filters, in
/// that order, is found by walking the order and keeping the ids whose bit is set: no database statement per page, per
/// sort or per filter set. Worth it for a search matching many videos, whose pages the database reads slowly (every
/// match from the word index and a sort, or a walk of a sort index reading each row's word vector).
package struct SearchMatches: Sendable {
    /// The numbering the bits refer to.
    package let numbering: VideoNumbering
    /// How many videos match (those the numbering knows).
    package var count: Int { bits.count }
    /// Whether a match is a video the numbering does not know (stored after it was read): then the match set is not
    /// whole, and the numbering must be read again.
    package let hasUnnumbered: Bool
    private let bits: MatchBits

    /// - Parameter numbers: the numbers of the videos the search matches, in any order; one the numbering does not
    ///   know is left out (and noted, ``hasUnnumbered``).
    package init(numbers: [Int32], numbering: VideoNumbering) {
        let known = numbers.filter(numbering.knows(number:))
        self.numbering = numbering
        bits = MatchBits(numbers: known)
        hasUnnumbered = known.count < numbers.count
    }

    /// Whether keeping the match set of a search matching `matches` of `videos` pays: from a sixteenth of the videos on,
    /// where the database's pages of it cost tens of milliseconds at 100,000 videos. Fewer matches are paged by the
    /// database from the word index in a few milliseconds.
    package static func worthKeeping(matches: Int, of videos: Int) -> Bool {
        matches > 0 && matches * 16 >= videos
    }

    /// About what the bits take in memory.
    package var bytes: Int { bits.bytes }

    /// How many videos of `order` match.
    package func count(in order: NumberedOrder) -> Int {
        precondition(order.numbering === numbering, "an order numbered for another match set")
        return order.numbers.reduce(0) { $0 + (contains(number: $1) ? 1 : 0) }
    }

    /// The page `query` asks for: its matches among `order` (the order of its filters and sort, without its search),
    /// `total` of them, read from the nearer end as the database reads a page (``Pagination/window``).
    package func page(_ query: ReportQuery, in order: NumberedOrder, total: Int) -> ReportPageIDs {
        precondition(order.numbering === numbering, "an order numbered for another match set")
        let pagination = query.pagination(total: total)
        let window = pagination.window
        guard window.length > 0 else { return ReportPageIDs(ids: [], pagination: pagination) }
        let numbers = order.numbers
        if window.fromEnd {
            let indices = matches(in: numbers.indices.reversed(), of: numbers, skipping: window.skipped, taking: window.length)
            return ReportPageIDs(ids: indices.reversed().map { order.order.ids[$0] }, pagination: pagination)
        }
        let indices = matches(in: numbers.indices, of: numbers, skipping: window.skipped, taking: window.length)
        return ReportPageIDs(ids: indices.map { order.order.ids[$0] }, pagination: pagination)
    }

    /// The indices into `numbers`, taken in the sequence of `indices`, of the matches after the first `skipping`, at
    /// most `taking` of them.
    private func matches(in indices: some Sequence<Int>, of numbers: [Int32], skipping: Int, taking: Int) -> [Int] {
        var page: [Int] = []
        page.reserveCapacity(taking)
        var skipped = 0
        for index in indices where contains(number: numbers[index]) {
            if skipped < skipping {
                skipped += 1
                continue
            }
            page.append(index)
            if page.count == taking { break }
        }
        return page
    }

    /// Whether the video numbered `number` matches; -1, a video the numbering does not know, never does.
    private func contains(number: Int32) -> Bool { bits.contains(number) }
}

/// A filter set's order (``ReportOrder``) with each video's number in a ``VideoNumbering``: what a match set is walked
/// along. Testing a bit by number costs a fraction of looking each id up (counting a common word's matches along an
/// order and walking to a deep page would look up about as many ids as there are videos). Made once per order and
/// numbering, and kept beside the order.
package struct NumberedOrder: Sendable {
    package let order: ReportOrder
    /// The numbering `numbers` refer to.
    package let numbering: VideoNumbering
    /// Each video's number, in the order's sequence; -1 for a video the numbering does not know (stored after it was
    /// read).
    let numbers: [Int32]
    /// Whether the order holds a video the numbering does not know: it would never be shown as a match, so the order
    /// must not be walked, and the numbering must be read again.
    package let hasUnnumbered: Bool

    package init(_ order: ReportOrder, numbering: VideoNumbering) {
        self.order = order
        self.numbering = numbering
        numbers = order.ids.map { id in numbering.number(of: id).map { Int32(truncatingIfNeeded: $0) } ?? -1 }
        hasUnnumbered = numbers.contains(-1)
    }

    /// About what the numbers take in memory (the order's ids are shared with the order cache).
    package var bytes: Int { 64 + numbers.count * 4 }
}
