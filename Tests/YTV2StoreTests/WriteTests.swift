import Foundation
import Testing
import YTV2Core
import YTV2TestSupport

@testable import YTV2Store

@Suite struct WriteTests {
    @Test func fiftyConcurrentRevisionsHaveNoGapsAndOneLatest() async throws {
        try await withTestStore { store in
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ", summaries: []))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 1...50 {
                    group.addTask {
                        try await VideoStore(store: store).commit(
                            Fixture.write("dQw4w9WgXcQ", summaries: [(.comprehensive, "Revision text \(index)")])
                        )
                    }
                }
                try await group.waitForAll()
            }
            let revisions = try await ReportReader(store: store).revisions(of: Fixture.id("dQw4w9WgXcQ"), variant: .comprehensive)
            #expect(revisions.map(\.revision) == Array(1...50))
            #expect(revisions.filter(\.isLatest).count == 1)
            #expect(revisions.last?.isLatest == true)
            #expect(Set(revisions.map(\.text)).count == 50)
        }
    }

    /// The narrow copy of the search words (`video_search`) follows every write that changes them and every delete, and
    /// a video keeps its number while it exists: match sets read as numbers are walked along orders numbered earlier.
    @Test func theSearchWordsCopyFollowsWritesAndKeepsEachVideosNumber() async throws {
        try await withTestStore { store in
            let stale = "SELECT count(*) FROM videos v LEFT JOIN video_search s USING (video_id) WHERE s.words IS DISTINCT FROM v.search"
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ", title: "Volcanic islands", summaries: []))
            try await VideoStore(store: store).commit(Fixture.write("aaaaaaaaaaa", title: "Glaciers", summaries: [(.comprehensive, "Ice ages.")]))
            let number = try await store.scalar("SELECT number FROM video_search WHERE video_id = 'dQw4w9WgXcQ'")
            try await VideoStore(store: store).commit(
                Fixture.write("dQw4w9WgXcQ", title: "Volcanic islands", summaries: [(.comprehensive, "Basalt lava.")])
            )
            #expect(try await store.scalar(stale) == 0)
            #expect(try await store.scalar("SELECT number FROM video_search WHERE video_id = 'dQw4w9WgXcQ'") == number)
            let basalt = try await ReportReader(store: store).searchMatchNumbers("basalt")
            #expect(basalt == [Int32(number)])
            let numbers = try await ReportReader(store: store).videoNumbers()
            #expect(numbers.ids.firstIndex(of: "dQw4w9WgXcQ").map { Int(numbers.numbers[$0]) } == number)
            var query = ReportQuery()
            query.search = "basalt"
            #expect(try await ReportReader(store: store).reportCount(query) == 1)
            query.search = "ice"
            #expect(try await ReportReader(store: store).reportCount(query) == 1)
            _ = try await VideoStore(store: store).delete(Fixture.id("aaaaaaaaaaa"), actor: "test")
            #expect(try await ReportReader(store: store).searchMatchNumbers("ice") == [])
            #expect(try await store.scalar("SELECT count(*) FROM video_search") == 1)
            #expect(try await store.scalar(stale) == 0)
        }
    }

    @Test func placeholdersFillEmptyFieldsButNeverReplaceStoredValues() async throws {
        try await withTestStore { store in
            let id = Fixture.id("dQw4w9WgXcQ")
            // A new video with only placeholders keeps them: that is all anyone knows.
            try await VideoStore(store: store).commit(
                VideoWrite(videoID: id, metadata: VideoMetadata(title: "Untitled", channelName: "Unknown", viewCount: 0), actor: "test")
            )
            var state = try #require(try await MigrationLedger(store: store).videoStates([id.rawValue])[id.rawValue])
            #expect(state.fields["title"] == "Untitled" && state.fields["channel_name"] == "Unknown" && state.fields["view_count"] == "0")
            // Real values replace placeholders.
            let real = VideoMetadata(title: "Never Gonna Give You Up", channelName: "Rick Astley", durationSeconds: 213, viewCount: 1_500_000_000)
            try await VideoStore(store: store).commit(VideoWrite(videoID: id, metadata: real, actor: "test"))
            // A later write of placeholders (the legacy processor's `Untitled`, a lower-cased handle, `0`) changes nothing.
            var placeholders = VideoMetadata(title: "Video", channelName: "rickastley", durationSeconds: 0, wordCount: 0, viewCount: 0)
            placeholders.language = "en"
            try await VideoStore(store: store).commit(VideoWrite(videoID: id, metadata: placeholders, actor: "test"))
            state = try #require(try await MigrationLedger(store: store).videoStates([id.rawValue])[id.rawValue])
            #expect(state.fields["title"] == "Never Gonna Give You Up")
            #expect(state.fields["channel_name"] == "Rick Astley")
            #expect(state.fields["duration_seconds"] == "213")
            #expect(state.fields["view_count"] == "1500000000")
            // Where nothing was stored, a placeholder still fills the field; real values of the same write are kept.
            #expect(state.fields["word_count"] == "0")
            #expect(state.fields["language"] == "en")
        }
    }

    /// Every column at once (migration 0012's rules): after a write of real values, a write of nothing but placeholders
    /// (blank texts, placeholder title and channel, zeros, empty lists, "no transcript") leaves the row as it was.
    @Test func aWriteOfPlaceholdersChangesNoColumn() async throws {
        try await withTestStore { store in
            let id = Fixture.id("dQw4w9WgXcQ")
            var real = VideoMetadata(title: "Never Gonna Give You Up", channelName: "Rick Astley", durationSeconds: 213, viewCount: 1_500_000_000)
            real.channelID = "UCuAXFkgsw1L7xaCfnd5JJOw"
            real.thumbnailURL = "https://i.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg"
            real.wordCount = 900
            real.likeCount = 18_000_000
            real.commentCount = 2_300_000
            real.hasTranscript = true
            real.transcriptChars = 2_100
            real.contentType = "Music"
            real.complexityLevel = "Beginner"
            real.language = "en"
            real.keyTopics = ["pop"]
            real.namedEntities = ["Rick Astley"]
            try await VideoStore(store: store).commit(VideoWrite(videoID: id, metadata: real, actor: "test"))
            let before = try #require(try await MigrationLedger(store: store).videoStates([id.rawValue])[id.rawValue]).fields

            var placeholders = VideoMetadata(title: "Untitled", channelName: "@rickastleyyt", durationSeconds: 0, viewCount: 0)
            placeholders.channelID = ""
            placeholders.thumbnailURL = " "
            placeholders.wordCount = 0
            placeholders.likeCount = 0
            placeholders.commentCount = 0
            placeholders.hasTranscript = false
            placeholders.transcriptChars = 0
            placeholders.contentType = ""
            placeholders.complexityLevel = ""
            placeholders.language = ""
            placeholders.keyTopics = []
            placeholders.namedEntities = []
            try await VideoStore(store: store).commit(VideoWrite(videoID: id, metadata: placeholders, actor: "test"))
            let after = try #require(try await MigrationLedger(store: store).videoStates([id.rawValue])[id.rawValue]).fields
            for column in VideoState.fieldNames { #expect(after[column] == before[column], "\(column)") }
        }
    }

    @Test func sameTextAddsNoRevision() async throws {
        try await withTestStore { store in
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ", summaries: [(.comprehensive, "Same.")]))
            let again = try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ", summaries: [(.comprehensive, "Same.")]))
            #expect(again.summariesAdded == 0)
            #expect(try await ReportReader(store: store).revisions(of: Fixture.id("dQw4w9WgXcQ"), variant: .comprehensive).count == 1)
        }
    }

    @Test func processorKeepsCuratedCategoriesAndAudio() async throws {
        try await withTestStore { store in
            let curated = [CategoryEntry(category: "History", subcategories: ["Modern History"])]
            try await VideoStore(store: store).commit(
                Fixture.write("dQw4w9WgXcQ", categories: curated, origin: .curated, audio: TestAudio.mp3(), actor: "admin")
            )
            let processorCategories = [CategoryEntry(category: "Technology", subcategories: ["Web Development"])]
            let outcome = try await VideoStore(store: store).commit(
                Fixture.write(
                    "dQw4w9WgXcQ",
                    title: "New title",
                    categories: processorCategories,
                    origin: .processor,
                    summaries: [(.bulletPoints, "- point")]
                )
            )
            #expect(!outcome.categorizationWritten)
            let report = try #require(try await ReportReader(store: store).report(id: "dQw4w9WgXcQ"))
            #expect(report.categorization == Categorization(entries: curated, origin: .curated))
            #expect(report.title == "New title")
            #expect(report.hasAudio)
            #expect(report.audio?.sizeBytes == 4096)
            #expect(try await ReportReader(store: store).audioBytes(for: Fixture.id("dQw4w9WgXcQ")) == TestAudio.mp3())
            #expect(report.summaries.map(\.variant) == [.comprehensive, .bulletPoints])
        }
    }

    @Test func legacyDashboardCategoriesOutrankProcessorButNotCuration() async throws {
        try await withTestStore { store in
            let legacy = [CategoryEntry(category: "Education", subcategories: ["Online Learning"])]
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ", categories: legacy, origin: .legacyDashboard, actor: "migration"))
            try await VideoStore(store: store).commit(
                Fixture.write("dQw4w9WgXcQ", categories: [CategoryEntry(category: "Business", subcategories: ["Industry Analysis"])])
            )
            #expect(try await ReportReader(store: store).report(id: "dQw4w9WgXcQ")?.categorization?.entries == legacy)

            // The processor fills what is empty.
            try await VideoStore(store: store).commit(Fixture.write("AAAAAAAAAAA", categories: []))
            let filled = [CategoryEntry(category: "Business", subcategories: ["Industry Analysis"])]
            try await VideoStore(store: store).commit(Fixture.write("AAAAAAAAAAA", categories: filled))
            #expect(try await ReportReader(store: store).report(id: "AAAAAAAAAAA")?.categorization?.entries == filled)

            // A person's curation replaces anything.
            let curated = [CategoryEntry(category: "History", subcategories: ["Biographies"])]
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ", categories: curated, origin: .curated, actor: "admin"))
            #expect(
                try await ReportReader(store: store).report(id: "dQw4w9WgXcQ")?.categorization == Categorization(entries: curated, origin: .curated)
            )

            // ...and nothing below a person replaces it afterwards.
            for origin in [CategorizationOrigin.legacyDashboard, .processor] {
                try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ", categories: legacy, origin: origin, actor: "late"))
            }
            #expect(
                try await ReportReader(store: store).report(id: "dQw4w9WgXcQ")?.categorization == Categorization(entries: curated, origin: .curated)
            )
        }
    }

    @Test func fieldsAWriteDoesNotCarryAreLeftAlone() async throws {
        try await withTestStore { store in
            let published = Date(timeIntervalSince1970: 1_700_000_000)
            try await VideoStore(store: store).commit(
                Fixture.write(
                    "dQw4w9WgXcQ",
                    metadata: VideoMetadata(
                        title: "Kept",
                        channelName: "Tom Scott",
                        publishedAt: published,
                        durationSeconds: 300,
                        language: "en-US",
                        keyTopics: ["maps"]
                    )
                )
            )
            try await VideoStore(store: store).commit(
                VideoWrite(videoID: Fixture.id("dQw4w9WgXcQ"), metadata: VideoMetadata(wordCount: 42), actor: "processor")
            )
            let report = try #require(try await ReportReader(store: store).report(id: "yt:dQw4w9WgXcQ"))
            #expect(report.title == "Kept")
            #expect(report.channelName == "Tom Scott")
            #expect(report.publishedAt == published)
            #expect(report.durationSeconds == 300)
            #expect(report.wordCount == 42)
            #expect(report.keyTopics == ["maps"])
            #expect(report.summaries.count == 1)
        }
    }

    @Test func invalidIDsAreRejectedByTheDatabaseToo() async throws {
        try await withTestStore { store in
            for bad in ["short", "yt:dqw4w9wgxcq", "dQw4w9WgXc!", "dQw4w9WgXcQQ"] {
                #expect(throws: VideoIDError.self) { try VideoID(bad) }
                do {
                    try await store.execute("INSERT INTO videos (video_id) VALUES ('\(bad)')")
                    Issue.record("the database accepted \(bad)")
                } catch StoreError.database(let state, _) {
                    #expect(state == "23514")  // check_violation
                }
            }
            #expect(try await ReportReader(store: store).videoCount() == 0)
        }
    }

    @Test func badValuesAreRefusedWithoutAPartialWrite() async throws {
        try await withTestStore { store in
            var write = Fixture.write("dQw4w9WgXcQ")
            write.metadata.durationSeconds = -1
            await #expect(throws: StoreError.self) { try await VideoStore(store: store).commit(write) }
            // A constraint failure inside the transaction (the audio size check cannot fail, so use a bad variant id
            // forced past validation through raw SQL) leaves nothing behind.
            try await VideoStore(store: store).commit(Fixture.write("dQw4w9WgXcQ", summaries: [(.comprehensive, "ok")]))
            await #expect(throws: (any Error).self) {
                try await store.execute(
                    "INSERT INTO summaries (video_id, variant, revision, is_latest, text) VALUES ('dQw4w9WgXcQ', 'comprehensive', 2, true, 'x')"
                )
            }
            #expect(try await store.scalar("SELECT count(*) FROM summaries WHERE is_latest") == 1)
        }
    }

    @Test func aliasesResolveLegacyIDs() async throws {
        try await withTestStore { store in
            var write = Fixture.write("dQw4w9WgXcQ")
            write.aliases = ["yt:dqw4w9wgxcq"]
            try await VideoStore(store: store).commit(write)
            #expect(try await ReportReader(store: store).resolve("yt:dqw4w9wgxcq") == Fixture.id("dQw4w9WgXcQ"))
            #expect(try await ReportReader(store: store).resolve("YT:DQW4W9WGXCQ") == Fixture.id("dQw4w9WgXcQ"))
            #expect(try await ReportReader(store: store).resolve("dQw4w9WgXcQ") == Fixture.id("dQw4w9WgXcQ"))
            #expect(try await ReportReader(store: store).resolve("yt:nothinghere") == nil)
            #expect(try await ReportReader(store: store).report(id: "yt:dqw4w9wgxcq")?.videoID == Fixture.id("dQw4w9WgXcQ"))
        }
    }
}
