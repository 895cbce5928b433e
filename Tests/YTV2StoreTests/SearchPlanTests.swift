import Testing

@testable import YTV2Store

/// When a search may walk a sort index. The figures are those of `bench/api` at 100,000 videos: most title words are
/// in a handful of videos, a few common ones in 80 % of them.
@Suite struct SearchPlanTests {
    static func query(search: String? = "war") -> ReportQuery {
        var query = ReportQuery()
        query.search = search
        return query
    }

    static func plan(search: String? = "war") -> SearchPlan { SearchPlan(query(search: search)) }

    @Test func aQueryWithoutWordsIsPlannedAsUsual() {
        #expect(!Self.plan(search: nil).searches)
        #expect(!Self.plan(search: "").searches)
        #expect(Self.plan().searches)
    }

    @Test func aSearchDoesNotWalkUnlessAllowed() {
        #expect(!Self.plan().indexScans)
    }

    /// A count or the facets have no order to walk: index scans stay on for the lookups of their filters.
    @Test func anUnorderedStatementKeepsIndexScans() {
        #expect(SearchPlan.unordered(ReportQuery()).indexScans)
        #expect(SearchPlan.unordered(Self.query()).indexScans)
    }

    /// A word in one video of 100,000: a walk to its first match would visit every row (it took 826 ms).
    @Test func aRareWordIsNeverWalkedTo() {
        for (rows, matches) in [(1, 1), (1, 36), (30, 503), (1, 1_000)] {
            var plan = Self.plan()
            plan.allowWalk(toMatch: rows, of: matches, videos: 100_000)
            #expect(!plan.indexScans, "\(rows) of \(matches)")
        }
    }

    /// A word in 80,000 of 100,000 videos: the first pages are a short walk, a deep one is cheaper from the word index.
    @Test func aCommonWordIsWalkedOnlyForShallowPages() {
        for rows in [1, 30, 330, 3_030, 5_000] {
            var plan = Self.plan()
            plan.allowWalk(toMatch: rows, of: 80_000, videos: 100_000)
            #expect(plan.indexScans, "\(rows)")
        }
        for rows in [6_000, 20_030, 40_000] {
            var plan = Self.plan()
            plan.allowWalk(toMatch: rows, of: 80_000, videos: 100_000)
            #expect(!plan.indexScans, "\(rows)")
        }
    }

    /// No match, or a count of all videos taken before a write added more matches: never a division by zero or a walk
    /// longer than the table.
    @Test func oddCountsAreHarmless() {
        var none = Self.plan()
        none.allowWalk(toMatch: 1, of: 0, videos: 100_000)
        #expect(!none.indexScans)
        var stale = Self.plan()
        stale.allowWalk(toMatch: 10, of: 1_000, videos: 900)
        #expect(stale.indexScans)
    }
}

/// From which end a page is read, shared by the database's page statement, its walk decision and the in-memory pages.
@Suite struct PageWindowTests {
    @Test func aPageIsReadFromTheNearerEnd() {
        #expect(Pagination(total: 100, page: 3, size: 10).window == PageWindow(fromEnd: false, skipped: 20, length: 10))
        #expect(Pagination(total: 100, page: 8, size: 10).window == PageWindow(fromEnd: true, skipped: 20, length: 10))
        #expect(Pagination(total: 95, page: 10, size: 10).window == PageWindow(fromEnd: true, skipped: 0, length: 5))
        #expect(Pagination(total: 100, page: 8, size: 10).window.reach == 30)
        #expect(Pagination(total: 100, page: 11, size: 10).window.length == 0)
        #expect(Pagination(total: 0, page: 1, size: 10).window.length == 0)
    }
}
