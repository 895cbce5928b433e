import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import Prometheus
import Testing
import YTV2Core
import YTV2Store
import YTV2TestSupport

@testable import YTV2Dashboard

/// The video index answers list pages and `/api/filters` in memory and is kept up to date by the changes the feed
/// reports: whatever the writes, its pages and facets must be the database's, for every sort, filter and search.
@Suite struct VideoIndexTests {
    /// Queries covering every filter, alone and combined, with and without a search (a common word, a rare one, one
    /// matching nothing), and the normalizations the statements apply (a language tag, a variant's label).
    static let queries: [String] = [
        "", "q=apple", "q=zebra", "q=nothingmatchesthis", "q=summary&has_audio=true", "category=History",
        "category=History&category=Technology&channel=Tom%20Scott", "subcategory=Web%20Development",
        "subcategory=Modern%20History&parentCategory=History", "language=en-GB", "language=fr&q=mango",
        "content_type=Tutorial&complexity=Beginner", "summary_type=audio", "summary_type=Comprehensive&has_audio=0",
        "source=youtube&channel=Veritasium", "channel=%C3%A9cole", "channel=e%CC%81cole",
    ]

    static func reportQuery(_ text: String) throws -> ReportQuery {
        try ReportQuery(parameters: FormQuery(Substring(text)))
    }

    /// The index's facets of `text`.
    static func indexed(_ index: VideoIndex, _ text: String) async throws -> ReportFacets? {
        try await index.facets(try reportQuery(text))
    }

    /// One random write: a new video, a change of an existing one's facets, or a delete.
    static func randomWrite(_ random: inout SplitMix64, existing: [VideoID], serial: Int) -> (VideoWrite?, delete: VideoID?) {
        let parents = [("History", "Modern History"), ("Technology", "Web Development"), ("Science", "Physics"), ("Education", "")]
        let pick = Int(random.next() % 10)
        if pick < 2, let victim = existing.randomElement(using: &random) { return (nil, victim) }
        let id = pick < 6 || existing.isEmpty ? try! VideoID(String(format: "new%08d", serial)) : existing.randomElement(using: &random)!
        let (parent, sub) = parents[Int(random.next() % 4)]
        var entries = [CategoryEntry(category: parent, subcategories: sub.isEmpty ? [] : [sub])]
        if random.next() % 3 == 0 { entries.append(CategoryEntry(category: "Technology", subcategories: ["Web Development", "AI"])) }
        let variants: [SummaryVariant] = [.comprehensive, .bulletPoints, .audio, .keyInsights]
        let summaries = (0..<Int(1 + random.next() % 2)).map { index in
            SummaryDraft(variant: variants[Int(random.next() % 4)], text: "summary apple \(serial) \(index) \(random.next() % 1000)")
        }
        return (
            VideoWrite(
                videoID: id,
                metadata: VideoMetadata(
                    title: ["Zebra", "apple", "Mango", "banana"][Int(random.next() % 4)] + " \(serial)",
                    // Two spellings of one name, composed and decomposed: PostgreSQL keeps them apart, and so must the index.
                    channelName: ["Tom Scott", "Veritasium", "\u{E9}cole", "e\u{301}cole", "Kurzgesagt"][Int(random.next() % 5)],
                    contentType: ["Tutorial", "Discussion", "Review"][Int(random.next() % 3)],
                    complexityLevel: ["Beginner", "Advanced"][Int(random.next() % 2)],
                    language: ["en-US", "fr", "en_GB", "de"][Int(random.next() % 4)]
                ),
                // Curated: every write replaces the categorization (a processor's could not replace a curated one).
                categorization: Categorization(entries: entries, origin: .curated),
                summaries: summaries,
                audio: random.next() % 3 == 0 ? AudioDraft(bytes: TestAudio.mp3(1000 + serial), durationSeconds: 10) : nil,
                actor: "test"
            ),
            nil
        )
    }

    /// Commits or deletes what a random step chose, tells the index as the feed tells it, and keeps `existing` current.
    static func apply(
        _ write: VideoWrite?,
        delete: VideoID?,
        videos: VideoStore,
        index: VideoIndex,
        existing: inout [VideoID]
    ) async throws {
        if let write {
            try await videos.commit(write)
            if !existing.contains(write.videoID) { existing.append(write.videoID) }
            await index.videosChanged([write.videoID.rawValue])
        }
        if let delete {
            try await videos.delete(delete, actor: "test")
            existing.removeAll { $0 == delete }
            await index.videosChanged([delete.rawValue])
        }
    }

    /// A search's matches as bits: set and cleared in place, counted, listed ascending.
    @Test func matchBitsFollowTheirChanges() {
        var bits = MatchBits(numbers: [70, 3, 3, 200, -1])
        #expect(bits.count == 3 && Array(bits) == [3, 70, 200])
        bits.set(3, false)
        bits.set(1_000, true)
        bits.set(2_000, false)
        bits.set(70, true)
        #expect(bits.count == 3 && Array(bits) == [70, 200, 1_000])
        #expect(bits.contains(1_000) && !bits.contains(3) && !bits.contains(2_000) && !bits.contains(-1))
        #expect(Array(MatchBits(numbers: [])).isEmpty && Array(MatchBits(numbers: [0, 63, 64, 128])) == [0, 63, 64, 128])
    }

    /// Random ingests, updates and deletes, each reported to the index as the feed reports it; after each, every
    /// query's facets from the index equal the database's.
    @Test func afterRandomWritesEveryFacetIsTheDatabases() async throws {
        try await withTestStore { store in
            try await TestVideos.seed(store, count: 24)
            let reader = ReportReader(store: store)
            let videos = VideoStore(store: store)
            let index = VideoIndex(reports: reader)
            var random = SplitMix64(seed: 32)
            var existing = (0..<24).map { try! VideoID(String(format: "vid%08d", $0)) }
            // The first request starts reading the table in the background and is answered by the database.
            #expect(try await Self.indexed(index, "") == nil)
            await index.waitForLoad()
            for step in 0..<40 {
                let (write, delete) = Self.randomWrite(&random, existing: existing, serial: step)
                try await Self.apply(write, delete: delete, videos: videos, index: index, existing: &existing)
                for text in Self.queries where step % 4 == 0 || text.contains("q=") {
                    let expected = try await reader.facets(Self.reportQuery(text))
                    let counted = try await Self.indexed(index, text)
                    #expect(counted != nil, "step \(step): the index did not answer \(text)")
                    #expect(counted == expected, "step \(step): \(text)")
                }
            }
            // The data has what the queries ask about, so the comparisons above compared something.
            let all = try #require(try await Self.indexed(index, ""))
            #expect(all.channels.contains { $0.value == "\u{E9}cole" } && all.channels.contains { $0.value == "e\u{301}cole" })
            #expect(all.hasAudio.count == 2 && all.categories.count >= 3 && all.summaryTypes.count >= 3)
        }
    }

    /// Filter sets and searches every sort is paged through: none, a common word, a rare one, a prefix, filters of
    /// every kind alone and with a search.
    static let pagedQueries: [String] = [
        "", "q=apple", "q=zeb", "q=summary&channel=Veritasium", "q=nothingmatchesthis", "category=History",
        "subcategory=Web%20Development&has_audio=false", "channel=%C3%A9cole&channel=e%CC%81cole", "language=fr",
        "content_type=Tutorial&complexity=Advanced", "summary_type=audio&q=summary", "has_audio=true&language=en",
    ]

    /// A random write as ``randomWrite(_:existing:serial:)`` makes, with sort keys that tie and texts that only a byte
    /// order tells apart: titles equal but for case, accents composed and decomposed, punctuation that a linguistic
    /// collation skips; dates and durations from a few values, some unknown; ids of mixed case, `_` and `-`.
    static func randomSortedWrite(_ random: inout SplitMix64, existing: [VideoID], serial: Int) -> (VideoWrite?, delete: VideoID?) {
        let (write, delete) = randomWrite(&random, existing: existing, serial: serial)
        guard var changed = write else { return (nil, delete) }
        if !existing.contains(changed.videoID) {
            let alphabet = Array("aA_-zZ09")
            let tail = String((0..<4).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] })
            changed.videoID = try! VideoID(tail + "x" + String(format: "%06d", serial))
        }
        let titles = ["Apple", "apple", "APPLE pie", "\u{C4}pfel", "\u{E9}cole", "e\u{301}cole", "_zebra", "-zebra", "Zebra", "mango"]
        changed.metadata.title = titles[Int(random.next() % UInt64(titles.count))] + (random.next() % 2 == 0 ? "" : " summary")
        let day = 86_400.0
        changed.metadata.publishedAt = random.next() % 4 == 0 ? nil : Date(timeIntervalSince1970: 1_600_000_000 + Double(random.next() % 5) * day)
        changed.metadata.indexedAt = Date(timeIntervalSince1970: 1_700_000_000 + Double(random.next() % 6) * 3_600)
        changed.metadata.durationSeconds = random.next() % 4 == 0 ? nil : Int(random.next() % 4) * 60
        return (changed, delete)
    }

    /// Random ingests, updates and deletes interleaved with reads (which keep searches' matches, updated in place from
    /// then on), each write reported to the index as the feed reports it; after each, every page of every sort, of
    /// every filter set and search, equals the database's page.
    @Test func afterRandomWritesEveryPageIsTheDatabases() async throws {
        try await withTestStore { store in
            try await TestVideos.seed(store, count: 24)
            let reader = ReportReader(store: store)
            let videos = VideoStore(store: store)
            let index = VideoIndex(reports: reader)
            var random = SplitMix64(seed: 3_200)
            var existing = (0..<24).map { try! VideoID(String(format: "vid%08d", $0)) }
            #expect(try await index.page(ReportQuery()) == nil, "answered before the index was read")
            await index.waitForLoad()
            var compared = 0
            for step in 0..<36 {
                let (write, delete) = Self.randomSortedWrite(&random, existing: existing, serial: step)
                try await Self.apply(write, delete: delete, videos: videos, index: index, existing: &existing)
                // Every query every third step, else the unfiltered list and two at random.
                let texts =
                    step % 3 == 0
                    ? Self.pagedQueries
                    : [
                        "", Self.pagedQueries[Int(random.next() % UInt64(Self.pagedQueries.count))],
                        Self.pagedQueries[Int(random.next() % UInt64(Self.pagedQueries.count))],
                    ]
                for text in texts {
                    for sort in ReportSort.allCases {
                        var query = try Self.reportQuery(text)
                        query.sort = sort
                        query.size = [4, 7, 50][Int(random.next() % 3)]
                        let pages = (try await reader.reportCount(query) + query.size - 1) / query.size
                        for page in 1...(pages + 1) {
                            query.page = page
                            let expected = try await reader.reportPageIDs(query)
                            let indexed = try await index.page(query)
                            #expect(indexed == expected, "step \(step): \(text) sort \(sort.rawValue) page \(page) size \(query.size)")
                            compared += 1
                        }
                    }
                }
            }
            #expect(compared > 2_000)
            #expect(await index.keptSearches >= 4, "the searches' matches were not kept across the writes")
        }
    }

    /// A write the index is not told about (the feed does not report a migration's import) makes it hold another
    /// number of videos than the database: it stops answering (the database does) and, seen again, reads itself anew.
    /// A video newer than the index among a search's matches is left to the database too.
    @Test func writesTheIndexWasNotToldAboutAreNeverCountedWrong() async throws {
        try await withTestStore { store in
            try await TestVideos.seed(store, count: 12)
            let reader = ReportReader(store: store)
            // Its count compared with the database's at every request (every two seconds when serving).
            let index = VideoIndex(reports: reader, countCheckInterval: .zero)
            _ = try await Self.indexed(index, "q=apple")
            await index.waitForLoad()
            #expect(try await Self.indexed(index, "q=apple") == (try await reader.facets(Self.reportQuery("q=apple"))))
            try await VideoStore(store: store).commit(
                VideoWrite(videoID: Harness.id("unheard0001"), metadata: VideoMetadata(title: "apple unheard"), actor: "import")
            )
            #expect(try await Self.indexed(index, "q=apple") == nil)
            #expect(try await Self.indexed(index, "") == nil)
            #expect(try await Self.indexed(index, "q=apple") == nil)
            // Dropped after three: the next request starts reading it again, with the video.
            #expect(try await Self.indexed(index, "q=apple") == nil)
            await index.waitForLoad()
            let expected = try await reader.facets(Self.reportQuery("q=apple"))
            #expect(try await Self.indexed(index, "q=apple") == expected)
            #expect(expected.hasAudio.reduce(0) { $0 + $1.count } == 4)
        }
    }

    /// Through the running dashboard: the index is kept up to date by the feed (not dropped), so a write elsewhere
    /// shows in the facets beside a search, equal to the database's.
    @Test func theDashboardsFacetsFollowWritesHeardOnTheFeed() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 12)
            let reader = ReportReader(store: store)
            // Compared as JSON values: the encoder writes an object's keys in any order.
            func facetsBody(_ text: String) async throws -> JSONValue {
                try await client.execute(uri: "/api/filters?" + text, method: .get) { try JSONDecoder().decode(JSONValue.self, from: $0.body) }
            }
            func databaseBody(_ text: String) async throws -> JSONValue {
                let body = try JSONBody.bytes(FiltersResponse(try await reader.facets(Self.reportQuery(text))))
                return try JSONDecoder().decode(JSONValue.self, from: body)
            }
            // The first request is answered by the database while the index is read; the next ones by the index.
            #expect(try await facetsBody("q=apple") == (try await databaseBody("q=apple")))
            try await Task.sleep(for: .milliseconds(300))
            let answersBefore = VideoIndexMetricsProbe.value("ytv2_video_index_facets_total")
            #expect(try await facetsBody("q=mango") == (try await databaseBody("q=mango")))
            #expect(VideoIndexMetricsProbe.value("ytv2_video_index_facets_total") > answersBefore, "the index did not answer")
            // A word most videos hold: its list reads its matches and the index keeps them; its facets are counted over them.
            let listed = try await client.getJSON("/api/reports?q=summary&size=3&page=2", as: ListBody.self)
            #expect(listed.pagination.total >= 8)
            #expect(try await facetsBody("q=summary") == (try await databaseBody("q=summary")))
            let updatesBefore = VideoIndexMetricsProbe.value("ytv2_video_index_updates_total")
            try await VideoStore(store: store).commit(
                VideoWrite(
                    videoID: Harness.id("heard000001"),
                    metadata: VideoMetadata(title: "apple heard", channelName: "New Channel", language: "es"),
                    categorization: Categorization(entries: [CategoryEntry(category: "Science", subcategories: ["Physics"])], origin: .curated),
                    summaries: [SummaryDraft(variant: .keyInsights, text: "apple")],
                    actor: "processor"
                )
            )
            var seen = JSONValue.null
            for _ in 0..<50 {
                seen = try await facetsBody("q=apple")
                if "\(seen)".contains("New Channel") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect("\(seen)".contains("New Channel"))
            #expect(seen == (try await databaseBody("q=apple")))
            #expect(VideoIndexMetricsProbe.value("ytv2_video_index_updates_total") > updatesBefore, "the change was not put in place")
            // The list pages too: the new video in its place in every sort, from the index.
            let pagesBefore = VideoIndexMetricsProbe.value("ytv2_video_index_pages_total")
            for text in ["size=5", "q=apple&size=2&page=2", "language=es", "channel=New%20Channel&q=heard"] {
                for sort in ReportSort.allCases {
                    let listed = try await client.getJSON("/api/reports?\(text)&sort=\(sort.rawValue)", as: ListBody.self)
                    var query = try Self.reportQuery(text)
                    query.sort = sort
                    #expect(listed.reports.map(\.video_id) == (try await reader.reportPageIDs(query)).ids, "\(text) \(sort.rawValue)")
                }
            }
            #expect(VideoIndexMetricsProbe.value("ytv2_video_index_pages_total") > pagesBefore, "the index answered no page")
            try await VideoStore(store: store).delete(Harness.id("heard000001"), actor: "admin")
            for _ in 0..<50 {
                seen = try await facetsBody("q=apple&language=es")
                if !"\(seen)".contains("New Channel") { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            #expect(seen == (try await databaseBody("q=apple&language=es")))
        }
    }
}

/// A counter's value so far, read from the metrics registry as `/metrics` shows it.
enum VideoIndexMetricsProbe {
    static func value(_ name: String) -> Int {
        let text = String(decoding: DashboardMetrics.registry.emitToBuffer(), as: UTF8.self)
        let line = text.split(separator: "\n").first { $0.hasPrefix(name + " ") }
        return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
    }
}
