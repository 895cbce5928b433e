import Foundation
import Testing
import YTV2Core
import YTV2TestSupport

@testable import YTV2Store

@Suite struct ReadTests {
    /// The shared twelve videos (``TestVideos``).
    static func seed(_ store: Store) async throws -> [VideoWrite] {
        try await TestVideos.seed(store)
    }

    static func all(_ store: Store, _ query: ReportQuery = ReportQuery()) async throws -> [ReportRecord] {
        var query = query
        query.size = 50
        return try await ReportReader(store: store).reports(query).reports
    }

    @Test func everySortMatchesAnIndependentOrdering() async throws {
        try await withTestStore { store in
            _ = try await Self.seed(store)
            let records = try await Self.all(store)
            #expect(records.count == 12)
            func ids(_ sorted: [ReportRecord]) -> [String] { sorted.map(\.videoID.rawValue) }
            let expectations: [(ReportSort, [ReportRecord])] = [
                (.addedDesc, records.sorted { ($1.indexedAt, $1.videoID) < ($0.indexedAt, $0.videoID) }),
                (.addedAsc, records.sorted { ($0.indexedAt, $0.videoID) < ($1.indexedAt, $1.videoID) }),
                (.titleAZ, records.sorted { ($0.title.lowercased(), $0.videoID) < ($1.title.lowercased(), $1.videoID) }),
                (.titleZA, records.sorted { ($1.title.lowercased(), $1.videoID) < ($0.title.lowercased(), $0.videoID) }),
                (
                    .newest,
                    records.filter { $0.publishedAt != nil }.sorted { ($1.publishedAt!, $1.videoID) < ($0.publishedAt!, $0.videoID) }
                        + records.filter { $0.publishedAt == nil }.sorted { $1.videoID < $0.videoID }
                ),
                (
                    .oldest,
                    records.filter { $0.publishedAt != nil }.sorted { ($0.publishedAt!, $0.videoID) < ($1.publishedAt!, $1.videoID) }
                        + records.filter { $0.publishedAt == nil }.sorted { $0.videoID < $1.videoID }
                ),
                (
                    .durationDesc,
                    records.filter { $0.durationSeconds != nil }.sorted { ($1.durationSeconds!, $1.videoID) < ($0.durationSeconds!, $0.videoID) }
                        + records.filter { $0.durationSeconds == nil }.sorted { $1.videoID < $0.videoID }
                ),
                (
                    .durationAsc,
                    records.filter { $0.durationSeconds != nil }.sorted { ($0.durationSeconds!, $0.videoID) < ($1.durationSeconds!, $1.videoID) }
                        + records.filter { $0.durationSeconds == nil }.sorted { $0.videoID < $1.videoID }
                ),
            ]
            for (sort, expected) in expectations {
                var query = ReportQuery()
                query.sort = sort
                #expect(ids(try await Self.all(store, query)) == ids(expected), "sort \(sort.rawValue)")
            }
        }
    }

    @Test func pagingIsStableAndComplete() async throws {
        try await withTestStore { store in
            _ = try await Self.seed(store)
            var seen: [String] = []
            var query = ReportQuery()
            query.size = 5
            for page in 1...4 {
                query.page = page
                let result = try await ReportReader(store: store).reports(query)
                #expect(result.pagination.total == 12)
                #expect(result.pagination.pages == 3)
                #expect(result.pagination.hasNext == (page < 3))
                #expect(result.pagination.hasPrevious == (page > 1))
                seen += result.reports.map(\.videoID.rawValue)
                if page == 4 { #expect(result.reports.isEmpty) }
            }
            #expect(seen.count == 12)
            #expect(Set(seen).count == 12)
            query.size = 500
            #expect(try await ReportReader(store: store).reports(query).pagination.size == ReportQuery.maximumPageSize)
        }
    }

    /// A search's estimated matches follow the planner's statistics: once the videos are analyzed, near the count for
    /// a word in most of them and for one in a quarter (what the dashboard decides how to read a search on).
    @Test func aSearchsEstimatedMatchesAreNearItsCountOnceAnalyzed() async throws {
        try await withTestStore { store in
            _ = try await TestVideos.seed(store, count: 200)
            try await MigrationLedger(store: store).analyzeImportedTables()
            for word in ["summary", "apple"] {
                var query = ReportQuery()
                query.search = word
                let count = try await ReportReader(store: store).reportCount(query)
                let estimate = try await ReportReader(store: store).estimatedSearchMatches(word)
                #expect(count >= 50)
                #expect(abs(estimate - count) <= count / 4, "\(word): estimated \(estimate), counted \(count)")
            }
        }
    }

    /// An order is every page in sequence: for every sort, with a filter and with a search, slicing it gives the pages
    /// the database gives with an offset (past the end and with sizes out of bounds too), and a filter set with more
    /// matches than the limit has none.
    @Test func anOrderIsEveryPageInSequence() async throws {
        try await withTestStore { store in
            _ = try await TestVideos.seed(store, count: 20)
            var filtered = ReportQuery()
            filtered.channels = ["Tom Scott"]
            var searched = ReportQuery()
            searched.search = "apple"
            for base in [ReportQuery(), filtered, searched] {
                let total = try await ReportReader(store: store).reportCount(base)
                #expect(total >= 5, "\(base): too few matches to tell orders apart")
                for sort in ReportSort.allCases {
                    var query = base
                    query.sort = sort
                    let order = try #require(try await ReportReader(store: store).reportOrder(query, limit: total))
                    #expect(order.ids.count == total)
                    var paged: [String] = []
                    for (page, size) in [(1, 3), (2, 3), (3, 3), (4, 3), (5, 3), (6, 3), (7, 3), (1, 0), (2, 500), (0, 4)] {
                        query.page = page
                        query.size = size
                        let fromDatabase = try await ReportReader(store: store).reportPageIDs(query)
                        #expect(order.page(query) == fromDatabase, "\(sort) page \(page) size \(size)")
                        if size == 3 { paged += fromDatabase.ids }
                    }
                    #expect(paged == order.ids, "\(sort): the pages in sequence are the order")
                    #expect(try await ReportReader(store: store).reportOrder(query, limit: total - 1) == nil)
                }
            }
        }
    }

    @Test func filtersCombineAndFacetsAddUp() async throws {
        try await withTestStore { store in
            let writes = try await Self.seed(store)
            var query = ReportQuery()
            query.categories = ["History"]
            query.languages = ["EN"]
            let history = try await Self.all(store, query)
            let expected = writes.filter { $0.categorization?.entries.first?.category == "History" && $0.metadata.language == "en-US" }
            #expect(Set(history.map(\.videoID)) == Set(expected.map(\.videoID)))

            query = ReportQuery()
            query.subcategories = [SubcategoryFilter(subcategory: "Web Development", parent: "Technology")]
            #expect(
                try await Self.all(store, query).allSatisfy {
                    $0.categorization?.pairs.contains(CategoryPair(category: "Technology", subcategory: "Web Development")) == true
                }
            )
            query.subcategories = [SubcategoryFilter(subcategory: "Web Development", parent: "History")]
            #expect(try await Self.all(store, query).isEmpty)
            query.subcategories = [SubcategoryFilter(subcategory: "Web Development")]
            #expect(try await Self.all(store, query).count == 2)

            query = ReportQuery()
            query.hasAudio = true
            #expect(try await Self.all(store, query).count == 4)
            query.hasAudio = false
            #expect(try await Self.all(store, query).allSatisfy { !$0.hasAudio })
            query = ReportQuery()
            query.summaryTypes = [.audio]
            #expect(try await Self.all(store, query).map(\.videoID.rawValue).sorted() == ["vid00000004", "vid00000009"])

            // Facets: each facet's counts add up to the total of the query without that facet's filter.
            query = ReportQuery()
            query.channels = ["Tom Scott"]
            query.categories = ["History"]
            let facets = try await ReportReader(store: store).facets(query)
            var withoutChannel = query
            withoutChannel.channels = []
            #expect(facets.channels.reduce(0) { $0 + $1.count } == (try await ReportReader(store: store).reports(withoutChannel)).pagination.total)
            var withoutCategory = query
            withoutCategory.categories = []
            #expect(facets.categories.reduce(0) { $0 + $1.count } == (try await ReportReader(store: store).reports(withoutCategory)).pagination.total)
            #expect(facets.hasAudio.reduce(0) { $0 + $1.count } == (try await ReportReader(store: store).reports(query)).pagination.total)
            #expect(facets.languages.map(\.value).allSatisfy { $0.count == 2 })
            // The same with a search, whose facets are counted under the search plan (never a table scan).
            var searched = ReportQuery()
            searched.search = "apple"
            searched.channels = ["Tom Scott"]
            let searchedFacets = try await ReportReader(store: store).facets(searched)
            var searchedWithoutChannel = searched
            searchedWithoutChannel.channels = []
            let searchedTotal = try await ReportReader(store: store).reports(searchedWithoutChannel).pagination.total
            #expect(searchedTotal > 0 && searchedTotal < 12, "the search must tell matches from the rest")
            #expect(searchedFacets.channels.reduce(0) { $0 + $1.count } == searchedTotal)
            #expect(searchedFacets.hasAudio.reduce(0) { $0 + $1.count } == (try await ReportReader(store: store).reports(searched)).pagination.total)
            #expect(searchedFacets.summaryTypes.map(\.count).max() ?? 0 <= (try await ReportReader(store: store).reports(searched)).pagination.total)
            let counts = facets.channels.map(\.count)
            #expect(counts == counts.sorted(by: >))
        }
    }

    @Test func duplicateCategoriesAreStoredOnceAndCountedOnce() async throws {
        try await withTestStore { store in
            try await VideoStore(store: store).commit(
                Fixture.write(
                    "dQw4w9WgXcQ",
                    categories: [
                        CategoryEntry(category: "History", subcategories: ["Biographies"]),
                        CategoryEntry(category: "History", subcategories: ["Biographies", "Modern History"]),
                    ]
                )
            )
            let stored = try await ReportReader(store: store).report(id: "dQw4w9WgXcQ")?.categorization?.entries
            #expect(stored == [CategoryEntry(category: "History", subcategories: ["Biographies", "Modern History"])])
            let facets = try await ReportReader(store: store).facets(ReportQuery())
            #expect(facets.categories.map(\.count) == [1])
            #expect(
                facets.categories.first?.subcategories == [FacetCount(value: "Biographies", count: 1), FacetCount(value: "Modern History", count: 1)]
            )
        }
    }

    @Test func searchTreatsHostileStringsAsData() async throws {
        try await withTestStore { store in
            _ = try await Self.seed(store)
            var query = ReportQuery()
            // Words, not substrings: punctuation separates words, and each word of the search starts a stored word.
            query.search = "100%"
            #expect(try await ReportReader(store: store).reports(query).pagination.total == 10)
            query.search = "summ 100"
            #expect(try await ReportReader(store: store).reports(query).pagination.total == 10)
            query.search = "ummary"
            #expect(try await ReportReader(store: store).reports(query).pagination.total == 0)
            query.search = "of_11"
            #expect(try await Self.all(store, query).map(\.videoID.rawValue).sorted() == ["vid00000011"])
            // Nothing but punctuation is no word at all: it finds nothing (and is no pattern either).
            for punctuation in ["%", "_", "%_%", "'"] {
                query.search = punctuation
                #expect(try await ReportReader(store: store).reports(query).pagination.total == 0, "\(punctuation)")
            }
            for hostile in ["'; DROP TABLE videos; --", "\" OR 1=1", "\\", "日本語", String(repeating: "x", count: 10_000), "zebra"] {
                query.search = hostile
                query.channels = ["' OR ''='"]
                #expect(try await ReportReader(store: store).reports(query).pagination.total == 0)
                _ = try await ReportReader(store: store).facets(query)
            }
            query = ReportQuery()
            query.search = "ZEBRA"
            query.channels = ["Tom Scott"]
            #expect(try await Self.all(store, query).map(\.videoID.rawValue).sorted() == ["vid00000000", "vid00000004", "vid00000008"])
            #expect(try await ReportReader(store: store).videoCount() == 12)
        }
    }
}
