/// A number for each video of one list of all videos (any cached order of every video): the numbering the bits of
/// ``SearchMatches`` refer to. A class, so that a match set can tell whether it was made with the numbering in use.
package final class VideoPositions: Sendable {
    private let positions: [String: Int32]

    package init(ids: [String]) {
        var positions = [String: Int32](minimumCapacity: ids.count)
        for (position, id) in ids.enumerated() { positions[id] = Int32(truncatingIfNeeded: position) }
        self.positions = positions
    }

    package var count: Int { positions.count }

    package func position(of id: String) -> Int? { positions[id].map(Int.init) }
}

/// The videos one search matches among all videos, a bit per video of a ``VideoPositions``. With the cached order of a
/// filter set (``ReportOrder``, read without the search), any page of the search under those filters, in that order,
/// is found by walking the order and keeping the ids whose bit is set: no database statement per page, per sort or
/// per filter set. Worth it for a search matching many videos, whose pages the database reads slowly (every match
/// from the word index and a sort, or a walk of a sort index reading each row's word vector).
package struct SearchMatches: Sendable {
    /// The numbering the bits refer to.
    package let positions: VideoPositions
    /// How many videos match (those the numbering knows).
    package let count: Int
    private let bits: [UInt64]

    /// - Parameter ids: the videos the search matches, in any order; an id the numbering does not know (stored after
    ///   it was made) is left out.
    package init(ids: [String], positions: VideoPositions) {
        var bits = [UInt64](repeating: 0, count: (positions.count + 63) / 64)
        var count = 0
        for id in ids {
            guard let position = positions.position(of: id) else { continue }
            let mask: UInt64 = 1 << UInt64(position % 64)
            if bits[position / 64] & mask == 0 {
                bits[position / 64] |= mask
                count += 1
            }
        }
        self.positions = positions
        self.bits = bits
        self.count = count
    }

    /// Whether keeping the match set of a search matching `matches` of `videos` pays: from a sixteenth of the videos on,
    /// where the database's pages of it cost tens of milliseconds at 100,000 videos. Fewer matches are paged by the
    /// database from the word index in a few milliseconds.
    package static func worthKeeping(matches: Int, of videos: Int) -> Bool {
        matches > 0 && matches * 16 >= videos
    }

    /// About what the bits take in memory.
    package var bytes: Int { 64 + bits.count * 8 }

    package func contains(_ id: String) -> Bool {
        guard let position = positions.position(of: id) else { return false }
        return bits[position / 64] & (1 << UInt64(position % 64)) != 0
    }

    /// How many videos of `order` match.
    package func count(in order: ReportOrder) -> Int {
        order.ids.reduce(0) { $0 + (contains($1) ? 1 : 0) }
    }

    /// The page `query` asks for: its matches among `order` (the order of its filters and sort, without its search),
    /// `total` of them, read from the nearer end as the database reads a page (``Pagination/window``).
    package func page(_ query: ReportQuery, in order: ReportOrder, total: Int) -> ReportPageIDs {
        let pagination = query.pagination(total: total)
        let window = pagination.window
        guard window.length > 0 else { return ReportPageIDs(ids: [], pagination: pagination) }
        if window.fromEnd {
            let ids = matches(in: order.ids.reversed(), skipping: window.skipped, taking: window.length)
            return ReportPageIDs(ids: ids.reversed(), pagination: pagination)
        }
        return ReportPageIDs(ids: matches(in: order.ids, skipping: window.skipped, taking: window.length), pagination: pagination)
    }

    private func matches(in ids: some Sequence<String>, skipping: Int, taking: Int) -> [String] {
        var page: [String] = []
        page.reserveCapacity(taking)
        var skipped = 0
        for id in ids where contains(id) {
            if skipped < skipping {
                skipped += 1
                continue
            }
            page.append(id)
            if page.count == taking { break }
        }
        return page
    }
}
