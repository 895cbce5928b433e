import Testing
import YTV2Core
import YTV2Store

@testable import YTV2Dashboard

/// A search's pages found in memory: its match set walked along a filter set's order must give exactly the pages the
/// database gives, from either end.
@Suite struct SearchMatchesTests {
    /// 100 videos numbered with gaps, as the database numbers them (`videoN` is 3N + 5); a filter set's order holding 60
    /// of them in another sequence, and two the numbering never saw (stored after it was read); a search matching every
    /// third video.
    static let everyVideo = (0..<100).map { "video\($0)" }
    static let numbering = VideoNumbering(ids: everyVideo, numbers: (0..<100).map { (index: Int) -> Int32 in Int32(index * 3 + 5) })
    static let matchingNumbers: [Int32] = stride(from: 0, to: 100, by: 3).map { Int32($0 * 3 + 5) }
    static let order = NumberedOrder(
        ReportOrder(ids: ["unknown"] + (0..<60).map { "video\(($0 * 7) % 100)" } + ["later"]),
        numbering: numbering
    )

    static func query(page: Int, size: Int) -> ReportQuery {
        var query = ReportQuery()
        query.search = "word"
        query.page = page
        query.size = size
        return query
    }

    @Test func holdsTheMatchesTheNumberingKnowsOnce() {
        let matches = SearchMatches(numbers: Self.matchingNumbers + [14], numbering: Self.numbering)
        #expect(matches.count == 34)
        #expect(Self.numbering.count == 100 && Self.numbering.capacity == 303)
        #expect(Self.numbering.number(of: "video99") == 302 && Self.numbering.number(of: "unknown") == nil)
        #expect(matches.bytes < 200)
        #expect(!matches.hasUnnumbered)
        // A number above the numbering's, or one in a gap of it, is a video stored after the numbering was read.
        #expect(SearchMatches(numbers: Self.matchingNumbers + [400], numbering: Self.numbering).hasUnnumbered)
        #expect(SearchMatches(numbers: [6], numbering: Self.numbering).hasUnnumbered)
        #expect(Self.order.hasUnnumbered)
        #expect(!NumberedOrder(ReportOrder(ids: ["video4", "video2"]), numbering: Self.numbering).hasUnnumbered)
    }

    @Test func everyPageIsTheMatchesOfTheOrderInSequence() {
        let matches = SearchMatches(numbers: Self.matchingNumbers, numbering: Self.numbering)
        let expected = Self.order.order.ids.filter { $0.hasPrefix("video") && Int($0.dropFirst(5))! % 3 == 0 }
        #expect(matches.count(in: Self.order) == expected.count)
        #expect(expected.count == 21)
        for size in [1, 3, 7, 20, 50] {
            var shown: [String] = []
            for page in 1...(expected.count / size + 2) {
                let result = matches.page(Self.query(page: page, size: size), in: Self.order, total: expected.count)
                #expect(result.pagination == Self.query(page: page, size: size).pagination(total: expected.count))
                shown += result.ids
            }
            #expect(shown == expected, "pages of \(size)")
        }
    }

    @Test func aSearchMatchingNothingHasEmptyPages() {
        let matches = SearchMatches(numbers: [400, -1], numbering: Self.numbering)
        #expect(matches.count == 0)
        let result = matches.page(Self.query(page: 1, size: 10), in: Self.order, total: 0)
        #expect(result.ids.isEmpty && result.pagination.total == 0)
    }

    /// From a sixteenth of the videos: at 100,000 videos a word in 6,250 or more; a word in none is never kept.
    @Test func onlySearchesMatchingManyVideosAreKept() {
        #expect(SearchMatches.worthKeeping(matches: 80_000, of: 100_000))
        #expect(SearchMatches.worthKeeping(matches: 6_250, of: 100_000))
        #expect(!SearchMatches.worthKeeping(matches: 6_249, of: 100_000))
        #expect(!SearchMatches.worthKeeping(matches: 36, of: 100_000))
        #expect(!SearchMatches.worthKeeping(matches: 0, of: 0))
        #expect(SearchMatches.worthKeeping(matches: 2, of: 20))
        #expect(!SearchMatches.worthKeeping(matches: 1, of: 20))
    }
}
