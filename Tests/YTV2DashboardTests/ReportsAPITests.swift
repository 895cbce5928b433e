import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import YTV2Core
import YTV2Store
import YTV2TestSupport

@testable import YTV2Dashboard

@Suite struct ReportsAPITests {
    static func encode(_ value: String) -> String {
        value.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? value
    }

    @Test func listShapeAndItemFields() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store)
            let body = try await client.getJSON("/api/reports", as: ListBody.self)
            #expect(body.pagination.total == 12)
            #expect(body.pagination.total_count == 12)
            #expect(body.pagination.size == 12)
            #expect(body.pagination.pages == 1)
            #expect(body.pagination.total_pages == 1)
            #expect(!body.pagination.has_next)
            #expect(!body.pagination.has_prev)
            #expect(body.sort == "added_desc")
            let item = try #require(body.reports.first { $0.video_id == "vid00000000" })
            #expect(item.id == "yt:vid00000000")
            #expect(item.file_stem == "vid00000000")
            #expect(item.channel == "Tom Scott")
            #expect(item.channel_name == "Tom Scott")
            #expect(item.canonical_url == "https://www.youtube.com/watch?v=vid00000000")
            #expect(item.thumbnail_url == "https://i.ytimg.com/vi/vid00000000/hqdefault.jpg")
            #expect(item.source_label == "YouTube")
            #expect(item.analysis.category == ["History"])
            #expect(item.analysis.subcategory == "Modern History")
            #expect(item.media.has_audio)
            #expect(item.media.audio_url == "/exports/by_video/vid00000000.mp3")
            #expect(item.summary_variant == "comprehensive")
            // A list item is light: a plain-text preview, no summary bodies anywhere in it.
            #expect(item.summary_html == nil && item.summary_text == nil)
            #expect(item.summary_preview == "Summary: 100% of_0 point")
            #expect(item.summary_variants.allSatisfy { $0.text == nil && $0.html == nil })
            let single = try await client.getJSON("/api/reports/vid00000000", as: Item.self)
            #expect(single.summary_html?.contains("<strong>Summary:</strong>") == true)
            #expect(single.summary_variants.first?.text == "**Summary:** 100% of_0\n• point")
            #expect(item.indexed_at?.hasSuffix("Z") == true)
            let parsed = try JSONDecoder().decode([String: [CategoryEntry]].self, from: Data(item.subcategories_json.utf8))
            #expect(parsed["categories"] == [CategoryEntry(category: "History", subcategories: ["Modern History"])])
            let noAudio = try #require(body.reports.first { $0.video_id == "vid00000001" })
            #expect(!noAudio.media.has_audio)
            #expect(noAudio.media.audio_url == nil)
            let audioOnly = try #require(body.reports.first { $0.video_id == "vid00000004" })
            #expect(audioOnly.summary_variants.map(\.kind) == ["audio"])
        }
    }

    @Test func everySortMatchesAnIndependentOrdering() async throws {
        try await Harness.withDashboard { client, store in
            let writes = try await TestVideos.seed(store)
            func ids(_ sort: String) async throws -> [String] {
                try await client.getJSON("/api/reports?size=50&sort=\(sort)", as: ListBody.self).reports.map(\.video_id)
            }
            let byID = writes.map { ($0.videoID.rawValue, $0.metadata) }
            func ordered(_ key: (VideoMetadata) -> Double?, descending: Bool) -> [String] {
                let present = byID.filter { key($0.1) != nil }.sorted {
                    let (a, b) = (key($0.1)!, key($1.1)!)
                    return a != b ? (descending ? a > b : a < b) : (descending ? $0.0 > $1.0 : $0.0 < $1.0)
                }
                let absent = byID.filter { key($0.1) == nil }.sorted { descending ? $0.0 > $1.0 : $0.0 < $1.0 }
                return (present + absent).map(\.0)
            }
            #expect(try await ids("added_desc") == ordered({ $0.indexedAt?.timeIntervalSince1970 }, descending: true))
            #expect(try await ids("added_asc") == ordered({ $0.indexedAt?.timeIntervalSince1970 }, descending: false))
            #expect(try await ids("newest") == ordered({ $0.publishedAt?.timeIntervalSince1970 }, descending: true))
            #expect(try await ids("video_newest") == ids("newest"))
            #expect(try await ids("oldest") == ordered({ $0.publishedAt?.timeIntervalSince1970 }, descending: false))
            #expect(try await ids("video_oldest") == ids("oldest"))
            #expect(try await ids("duration_desc") == ordered({ $0.durationSeconds.map(Double.init) }, descending: true))
            #expect(try await ids("duration_asc") == ordered({ $0.durationSeconds.map(Double.init) }, descending: false))
            let titles = byID.sorted { ($0.1.title!.lowercased(), $0.0) < ($1.1.title!.lowercased(), $1.0) }.map(\.0)
            #expect(try await ids("title_az") == titles)
            #expect(try await ids("title_za") == titles.reversed())

            // Pages are chosen by id before the rows are widened; page after page must give the same order.
            for sort in ReportSort.allCases.map(\.rawValue) {
                var paged: [String] = []
                for page in 1...3 {
                    paged += try await client.getJSON("/api/reports?size=5&page=\(page)&sort=\(sort)", as: ListBody.self).reports.map(\.video_id)
                }
                #expect(paged == (try await ids(sort)), "\(sort)")
            }
        }
    }

    /// The store accepts titles up to 10,000 bytes; the title sort compares their first 200 characters, lower-cased,
    /// then the video id. B-tree indexes over whole values refused titles, channel names and languages above ~2,700
    /// bytes, failing the write.
    @Test func longValuesAreStoredAndTitlesSortByTheirFirst200Characters() async throws {
        try await Harness.withDashboard { client, store in
            // Incompressible: pseudo-random CJK characters, 3 bytes each.
            var state: UInt64 = 42
            func cjk(_ count: Int) -> String {
                String(
                    String.UnicodeScalarView(
                        (0..<count).map { _ in
                            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                            return Unicode.Scalar(0x4E00 + UInt32((state >> 33) % 20_000))!
                        }
                    )
                )
            }
            let shared = cjk(200)
            let titles = [
                ("BBBBBBBBBBB", shared + "b" + cjk(3_000)),  // 9,604 bytes
                ("CCCCCCCCCCC", shared + "a" + cjk(3_000)),  // the same first 200 characters: ordered by id
                ("AAAAAAAAAAA", "Zebra"),
                ("DDDDDDDDDDD", "apple"),
            ]
            let (longChannel, longLanguage) = (cjk(3_000), cjk(1_000))
            for (id, title) in titles {
                let long = id == "BBBBBBBBBBB"
                try await VideoStore(store: store).commit(
                    VideoWrite(
                        videoID: try VideoID(id),
                        metadata: VideoMetadata(
                            title: title,
                            channelName: long ? longChannel : "Channel",
                            indexedAt: Date(timeIntervalSince1970: 1_700_000_000),
                            language: long ? longLanguage : "en"
                        ),
                        summaries: [SummaryDraft(variant: .comprehensive, text: "text")],
                        actor: "test"
                    )
                )
            }
            var byChannel = ReportQuery()
            byChannel.channels = [longChannel]
            #expect(try await ReportReader(store: store).reports(byChannel).reports.map(\.videoID.rawValue) == ["BBBBBBBBBBB"])
            var byLanguage = ReportQuery()
            byLanguage.languages = [longLanguage]
            #expect(try await ReportReader(store: store).reports(byLanguage).reports.map(\.videoID.rawValue) == ["BBBBBBBBBBB"])
            func ids(_ sort: String) async throws -> [String] {
                try await client.getJSON("/api/reports?sort=\(sort)", as: ListBody.self).reports.map(\.video_id)
            }
            #expect(try await ids("title_az") == ["DDDDDDDDDDD", "AAAAAAAAAAA", "BBBBBBBBBBB", "CCCCCCCCCCC"])
            #expect(try await ids("title_za") == ["CCCCCCCCCCC", "BBBBBBBBBBB", "AAAAAAAAAAA", "DDDDDDDDDDD"])
            struct Titled: Decodable { let title: String }
            #expect(try await client.getJSON("/api/reports/yt:BBBBBBBBBBB", as: Titled.self).title == titles[0].1)
        }
    }

    @Test func pagingEdges() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store)
            var seen: [String] = []
            for page in 1...3 {
                let body = try await client.getJSON("/api/reports?size=5&page=\(page)", as: ListBody.self)
                #expect(body.pagination.pages == 3)
                #expect(body.pagination.has_next == (page < 3))
                #expect(body.pagination.has_prev == (page > 1))
                seen += body.reports.map(\.video_id)
            }
            #expect(seen.count == 12 && Set(seen).count == 12)
            #expect(try await client.getJSON("/api/reports?size=5&page=9", as: ListBody.self).reports.isEmpty)
            #expect(try await client.getJSON("/api/reports?size=0", as: ListBody.self).pagination.size == 1)
            #expect(try await client.getJSON("/api/reports?size=1000", as: ListBody.self).pagination.size == 50)
            // What the legacy answered is answered: a page past the end (of any size) is empty with the totals, an
            // unknown sort is the default order, an unknown source or variant matches nothing, an unknown has_audio is
            // no filter, a page below 1 is the first.
            let far = try await client.getJSON("/api/reports?size=5&page=2147483647", as: ListBody.self)
            #expect(far.reports.isEmpty && far.pagination.total == 12 && !far.pagination.has_next)
            #expect(try await client.getJSON("/api/reports?page=99999999999999999999999", as: ListBody.self).reports.isEmpty)
            #expect(try await client.getJSON("/api/reports?sort=random", as: ListBody.self).sort == "added_desc")
            #expect(try await client.getJSON("/api/reports?source=other", as: ListBody.self).pagination.total == 0)
            #expect(try await client.getJSON("/api/reports?summary_type=%3Cscript%3E", as: ListBody.self).pagination.total == 0)
            #expect(try await client.getJSON("/api/reports?has_audio=maybe", as: ListBody.self).pagination.total == 12)
            #expect(try await client.getJSON("/api/reports?page=0&size=5", as: ListBody.self).pagination.page == 1)
            #expect(try await client.getJSON("/api/reports?page=-1&size=5", as: ListBody.self).pagination.page == 1)
            // What the legacy could not have served stays a 400 naming the parameter.
            for bad in ["page=abc", "page=1.5", "size=ten", "q=" + String(repeating: "a", count: 201), "q=a%00b"] {
                let error = try await client.getJSON("/api/reports?\(bad)", as: APIErrorBody.self, status: .badRequest)
                #expect(error.error == "bad_parameter")
                #expect(error.message.contains(String(bad.prefix { $0 != "=" })))
            }
        }
    }

    @Test func filtersCombineAndFacetsMatchTotals() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store)
            let total: (String) async throws -> Int = { query in
                try await client.getJSON("/api/reports?\(query)", as: ListBody.self).pagination.total
            }
            #expect(try await total("category=History") == 4)
            #expect(try await total("category=History&category=Technology") == 8)
            #expect(try await total("category=History&channel=Tom%20Scott") == 2)
            #expect(try await total("subcategory=Web%20Development&parentCategory=Technology") == 2)
            #expect(try await total("subcategory=Web%20Development&parentCategory=History") == 0)
            #expect(try await total("subcategory=Web%20Development") == 2)
            #expect(try await total("language=en") == 6)
            #expect(try await total("language=en-GB") == 6)
            #expect(try await total("content_type=Tutorial&complexity=Beginner") == 2)
            #expect(try await total("has_audio=true") == 4)
            #expect(try await total("has_audio=0") == 8)
            #expect(try await total("summary_type=audio") == 2)
            #expect(try await total("summary_type=Audio%20Summary") == 2)
            #expect(try await total("source=youtube") == 12)
            #expect(try await total("q=zebra&channel=Tom%20Scott") == 3)
            #expect(try await total("q=ZEBRA&has_audio=true&sort=title_az") == 1)
            let echoed = try await client.getJSON("/api/reports?category=History&q=x", as: ListBody.self).filters
            #expect(echoed == ["category": .array([.string("History")]), "q": .array([.string("x")])])
            // has_audio is echoed as the boolean the legacy echoed.
            let audio = try await client.getJSON("/api/reports?has_audio=1&channel=Tom%20Scott", as: ListBody.self).filters
            #expect(audio == ["has_audio": .bool(true), "channel": .array([.string("Tom Scott")])])

            struct Facets: Decodable {
                struct Value: Decodable {
                    let value: String
                    let label: String?
                    let count: Int
                }
                struct Category: Decodable {
                    let value: String
                    let count: Int
                    let subcategories: [Value]
                }
                struct Audio: Decodable {
                    let value: Bool
                    let count: Int
                }
                let source: [Value]
                let categories: [Category]
                let channels: [Value]
                let languages: [Value]
                let content_type: [Value]
                let complexity_level: [Value]
                let summary_type: [Value]
                let has_audio: [Audio]
            }
            let query = "category=History&channel=Tom%20Scott"
            let facets = try await client.getJSON("/api/filters?\(query)", as: Facets.self)
            let filtered = try await total(query)
            #expect(facets.channels.reduce(0) { $0 + $1.count } == (try await total("category=History")))
            #expect(facets.categories.reduce(0) { $0 + $1.count } == (try await total("channel=Tom%20Scott")))
            #expect(facets.has_audio.reduce(0) { $0 + $1.count } == filtered)
            #expect(facets.source.first?.count == filtered)
            #expect(facets.source.first?.label == "YouTube")
            #expect(facets.languages.first?.label == "English")
            #expect(facets.categories.first { $0.value == "History" }?.subcategories.first?.value == "Modern History")
            #expect(facets.summary_type.allSatisfy { $0.label != nil })
        }
    }

    @Test func facetCountsAndTotalsFollowWritesFromAnyProcess() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 3)
            struct Facets: Decodable {
                struct Audio: Decodable {
                    let value: Bool
                    let count: Int
                }
                let has_audio: [Audio]
            }
            /// The facet sum, checked against the list total (both are cached between changes).
            let videos: () async throws -> Int = {
                let facets = try await client.getJSON("/api/filters?sort=title_az", as: Facets.self).has_audio.reduce(0) { $0 + $1.count }
                let total = try await client.getJSON("/api/reports?page=2", as: ListBody.self).pagination.total
                return facets == total ? total : -1
            }
            #expect(try await videos() == 3)
            #expect(try await videos() == 3)  // served from the cache
            // A write through the store (as the processor makes it) must show up without a restart.
            try await VideoStore(store: store).commit(
                VideoWrite(videoID: Harness.id("dQw4w9WgXcQ"), metadata: VideoMetadata(title: "New"), actor: "processor")
            )
            var seen = 0
            for _ in 0..<50 {
                seen = try await videos()
                if seen == 4 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(seen == 4)
            try await VideoStore(store: store).delete(Harness.id("dQw4w9WgXcQ"), actor: "admin")
            for _ in 0..<50 {
                seen = try await videos()
                if seen == 3 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(seen == 3)
        }
    }

    /// A page is assembled from encoded items that other pages may have cached: it must be the same bytes as the page
    /// encoded from its records, and show a change at once.
    @Test func pagesFromCachedItemsAreTheEncodedRecordsAndFollowWrites() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 20)
            func body(_ path: String) async throws -> String {
                try await client.execute(uri: path, method: .get) { String(buffer: $0.body) }
            }
            for (query, path) in [
                ("page=1&size=8&sort=title_az", "/api/reports?page=1&size=8&sort=title_az"),
                ("page=2&size=5&sort=title_az", "/api/reports?page=2&size=5&sort=title_az"),
                ("page=1&size=20&sort=newest", "/api/reports?page=1&size=20&sort=newest"),
                ("page=3&size=7&sort=added_asc", "/api/reports?page=3&size=7&sort=added_asc"),
                ("page=1&size=9&sort=duration_desc&q=apple", "/api/reports?page=1&size=9&sort=duration_desc&q=apple"),
            ] {
                let parameters = try FormQuery(Substring(query))
                let reportQuery = try ReportQuery(parameters: parameters)
                let records = try await ReportReader(store: store).reports(reportQuery)
                #expect(!records.reports.isEmpty, "\(path) shows no video: the comparison would prove nothing")
                let expected = ReportsController.listBody(
                    records,
                    sort: reportQuery.sort,
                    filters: ReportQuery.activeFilters(parameters, hasAudio: reportQuery.hasAudio)
                )
                #expect(try await body(path) == String(buffer: expected), "\(path)")
            }
            // Every item is cached now; a write drops them (through the change this process made).
            let id = try #require(try await client.getJSON("/api/reports?size=1&sort=title_az", as: ListBody.self).reports.first?.video_id)
            try await VideoStore(store: store).commit(
                VideoWrite(videoID: try VideoID(id), metadata: VideoMetadata(title: "Retitled"), actor: "processor")
            )
            var titles: [String] = []
            for _ in 0..<50 {
                titles = try await client.getJSON("/api/reports?size=20&sort=newest&page=1", as: ListBody.self).reports.map(\.title)
                if titles.contains("Retitled") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(titles.contains("Retitled"))
        }
    }

    /// Pages sliced from a kept order are the pages the database gives with an offset, whatever the order budget: the
    /// default; one that holds twelve ids at most (the twenty videos are paged by the database, the ten of one channel
    /// by their order); none. So are a search's pages found among a kept order by its match set (with the default
    /// budget: `apple` in 5 of 20 videos, `summary` in 16, `narration` in 4; `zebra 4`, in one, is paged by the
    /// database), from either end, with filters. A delete leaves every page at once; a video stored elsewhere joins them
    /// as soon as the change is heard.
    @Test(arguments: [16 * 1024 * 1024, 400, 0])
    func pagesAreTheSameWhateverTheOrderBudget(_ orderBytes: Int) async throws {
        @Sendable func test(_ client: any TestClientProtocol, _ store: Store) async throws {
            try await TestVideos.seed(store, count: 20)
            let queries = [
                "page=1&size=8&sort=title_az", "page=3&size=8&sort=title_az", "page=2&size=6&sort=oldest", "page=9&size=3&sort=newest",
                "page=1&size=4&sort=duration_desc&q=apple", "page=2&size=4&sort=duration_desc&q=apple", "page=2&size=3&channel=Veritasium",
                "page=4&size=6&sort=added_asc", "page=3&size=5&sort=title_az&q=summary", "page=1&size=5&sort=title_za&q=summary",
                "page=2&size=3&sort=oldest&q=summary&channel=Veritasium", "page=1&size=5&sort=newest&q=zebra%204",
                "page=1&size=6&q=narration&has_audio=false", "page=4&size=5&sort=added_asc&q=summary",
            ]
            func check(_ step: String) async throws {
                for query in queries {
                    let parameters = try FormQuery(Substring(query))
                    let reportQuery = try ReportQuery(parameters: parameters)
                    let expected = ReportsController.listBody(
                        try await ReportReader(store: store).reports(reportQuery),
                        sort: reportQuery.sort,
                        filters: ReportQuery.activeFilters(parameters, hasAudio: reportQuery.hasAudio)
                    )
                    let body = try await client.execute(uri: "/api/reports?" + query, method: .get) { String(buffer: $0.body) }
                    #expect(body == String(buffer: expected), "\(step), orders of \(orderBytes) bytes: \(query)")
                }
            }
            try await check("before the delete")
            let ordered = try await client.getJSON("/api/reports?size=50&sort=title_az", as: ListBody.self).reports.map(\.video_id)
            #expect(ordered.count == 20)
            let deleted = ordered[8]
            try await client.execute(uri: "/api/delete/\(deleted)", method: .delete, headers: [.authorization: "Bearer \(Harness.adminToken)"]) {
                #expect($0.status == .ok)
            }
            #expect(
                try await client.getJSON("/api/reports?size=50&sort=title_az", as: ListBody.self).reports.map(\.video_id)
                    == ordered.filter { $0 != deleted }
            )
            try await check("after the delete")
            // A video stored after the numbering was read (not through this process: heard on the feed) is on the
            // pages of the words it holds at once: the orders that hold it make the numbering be read again.
            var added = TestVideos.writes(count: 21)[20]
            added.videoID = try VideoID("vidNEWVIDEO")
            added.aliases = []
            try await VideoStore(store: store).commit(added)
            for _ in 0..<50 {
                let ids = try await client.getJSON("/api/reports?size=50&sort=title_az", as: ListBody.self).reports.map(\.video_id)
                if ids.contains("vidNEWVIDEO") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            try await check("after a video was added")
        }
        try await Harness.withDashboard(configure: { $0.orderCacheBytes = orderBytes }, test)
    }

    /// With the planner's statistics of 200 videos, a word met for the first time is read on the estimate of its
    /// matches (Store.estimatedSearchMatches): any page of a word in most videos by its match set, read at once (the
    /// first query, `summary` never counted before), a rare word by the database. Checked: every page is the database's
    /// own.
    @Test func aSearchReadOnTheEstimateOfItsMatchesGivesTheDatabasesPages() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 200)
            try await MigrationLedger(store: store).analyzeImportedTables()
            let queries = [
                "page=9&size=10&sort=title_az&q=summary", "page=1&size=5&sort=newest&q=summary", "page=4&size=10&sort=oldest&q=apple",
                "page=2&size=7&sort=added_asc&q=narration", "page=1&size=5&q=zebra%204", "page=12&size=12&sort=title_za&q=summary",
            ]
            for query in queries {
                let parameters = try FormQuery(Substring(query))
                let reportQuery = try ReportQuery(parameters: parameters)
                let records = try await ReportReader(store: store).reports(reportQuery)
                #expect(!records.reports.isEmpty, "\(query) shows no video: the comparison would prove nothing")
                let expected = ReportsController.listBody(
                    records,
                    sort: reportQuery.sort,
                    filters: ReportQuery.activeFilters(parameters, hasAudio: reportQuery.hasAudio)
                )
                let body = try await client.execute(uri: "/api/reports?" + query, method: .get) { String(buffer: $0.body) }
                #expect(body == String(buffer: expected), "\(query)")
            }
        }
    }

    @Test func hostileStringsAreData() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store)
            let hostile = ["'; DROP TABLE videos; --", "\" OR 1=1 --", "%", "_", "100%", "日本語 🎬", "\\", String(repeating: "x", count: 10_240)]
            for value in hostile {
                let encoded = Self.encode(value)
                for parameter in ["category", "channel", "subcategory", "language", "content_type", "complexity"] {
                    let body = try await client.getJSON("/api/reports?\(parameter)=\(encoded)", as: ListBody.self)
                    #expect(body.pagination.total == 0, "\(parameter)=\(value.prefix(20))")
                }
                _ = try await client.getJSON("/api/filters?channel=\(encoded)", as: [String: AnyDecodable].self)
                if value.count <= 200 {
                    _ = try await client.getJSON("/api/reports?q=\(encoded)", as: ListBody.self)
                }
            }
            #expect(try await client.getJSON("/api/reports?q=100%25", as: ListBody.self).pagination.total == 10)
            // A search of punctuation only holds no word: it finds nothing.
            #expect(try await client.getJSON("/api/reports?q=%25", as: ListBody.self).pagination.total == 0)
            #expect(try await client.getJSON("/api/reports", as: ListBody.self).pagination.total == 12)
        }
    }

    @Test func singleReportByEveryIDForm() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store)
            struct Single: Decodable {
                struct Summary: Decodable {
                    let text: String
                    let html: String
                    let type: String?
                }
                let id: String
                let summary: Summary
            }
            try await VideoStore(store: store).commit(
                VideoWrite(
                    videoID: Harness.id("dQw4w9WgXcQ"),
                    metadata: VideoMetadata(title: "Mixed case"),
                    summaries: [SummaryDraft(variant: .comprehensive, text: "x")],
                    aliases: ["yt:dqw4w9wgxcq"],
                    actor: "test"
                )
            )
            for form in ["dQw4w9WgXcQ", "yt:dQw4w9WgXcQ", "yt:dqw4w9wgxcq"] {
                #expect(try await client.getJSON("/api/reports/\(form)", as: Single.self).id == "yt:dQw4w9WgXcQ")
            }
            for form in ["vid00000002", "yt:vid00000002"] {
                let body = try await client.getJSON("/api/reports/\(form)", as: Single.self)
                #expect(body.id == "yt:vid00000002")
                #expect(body.summary.type == "comprehensive")
                #expect(body.summary.html.contains("<li>point</li>"))
            }
            #expect(try await client.getJSON("/vid00000002.json", as: Single.self).id == "yt:vid00000002")
            let missing = try await client.getJSON("/api/reports/yt:AAAAAAAAAAA", as: APIErrorBody.self, status: .notFound)
            #expect(missing.error == "not_found")
            _ = try await client.getJSON("/nothing-here.json", as: APIErrorBody.self, status: .notFound)
            for page in ["/r/vid00000002", "/vid00000002.json?v=2"] {
                try await client.execute(uri: page, method: .get) { response in
                    #expect(response.status == .ok)
                    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                    #expect(String(buffer: response.body).contains("Mango 2"))
                }
            }
        }
    }
}

/// Decodes any JSON value, for responses whose shape a test does not inspect.
struct AnyDecodable: Decodable {
    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { return }
        if (try? container.decode(Bool.self)) != nil { return }
        if (try? container.decode(Double.self)) != nil { return }
        if (try? container.decode(String.self)) != nil { return }
        if (try? container.decode([AnyDecodable].self)) != nil { return }
        _ = try container.decode([String: AnyDecodable].self)
    }
}
