import Foundation
import Testing
import YTV2Core
import YTV2Fakes
import YTV2Store
import YTV2TestSupport

@testable import YTV2Processor

@Suite struct StageTests {
    @Test func mp3PartsJoinIntoOneFileWithTheSumOfTheirDurations() throws {
        let part = TestAudio.mp3(frames: 10)
        let frames = try #require(MP3.frames(part))
        #expect(frames.count == 10)
        #expect(abs(frames.durationSeconds - 10 * 1152.0 / 44_100) < 1e-9)
        let joined = try #require(MP3.join([part, part, TestAudio.mp3(frames: 5)]))
        #expect(joined.bytes.count == 25 * 417)
        #expect(MP3.frames(joined.bytes)?.count == 25)
        #expect(joined.bytes.prefix(3) != ArraySlice("ID3".utf8))
        #expect(MP3.join([part, Array("<html>error</html>".utf8)]) == nil)
    }

    @Test func longNarrationIsSplitAtSentencesAndNothingIsLost() {
        let sentences = (1...300).map { "Sentence number \($0) says something useful." }
        let text = sentences.joined(separator: " ")
        let pieces = OpenAISpeech.pieces(text, max: 500)
        #expect(pieces.count > 20)
        #expect(pieces.allSatisfy { $0.count <= 500 })
        #expect(pieces.allSatisfy { $0.hasSuffix(".") })
        #expect(pieces.joined(separator: " ") == text)
        let run = String(repeating: "word ", count: 400)
        #expect(OpenAISpeech.pieces(run, max: 100).joined(separator: " ").split(separator: " ").count == 400)
    }

    @Test func captionsInJSON3AndWebVTT() throws {
        let json3 =
            #"{"events": [{"segs": [{"utf8": "Hello "}, {"utf8": "world"}]}, {"tStartMs": 5}, {"segs": [{"utf8": "\n"}]}, {"segs": [{"utf8": "Bye."}]}]}"#
        #expect(try YouTubeCaptionSource.textFromJSON3(json3) == "Hello world\nBye.")
        let vtt =
            "WEBVTT\nKind: captions\nLanguage: en\n\n1\n00:00:00.000 --> 00:00:01.000\n<c>Hello</c> there\n\n00:00:01.000 --> 00:00:02.000\nHello there\nGeneral Kenobi\n"
        #expect(YouTubeCaptionSource.textFromVTT(vtt) == "Hello there\nGeneral Kenobi")
        #expect(throws: ProcessorError.self) { try YouTubeCaptionSource.textFromJSON3("<html>") }
    }

    @Test func theWatchPageObjectIsFoundDespiteBracesInStrings() throws {
        let html =
            #"<script>var ytInitialPlayerResponse = {"videoDetails": {"title": "a } tricky { \"title\""}, "x": [1, {"y": 2}]};var other = {};</script>"#
        let page = try YouTubeWatchPage(html: html)
        #expect(page.player.videoDetails?.title == #"a } tricky { "title""#)
        #expect(throws: ProcessorError.self) { try YouTubeWatchPage(html: "<html>consent page</html>") }
    }

    @Test func analysisValidationKeepsOnlyTheTaxonomyAndAtMostThreeCategories() {
        let answer = """
            ```json
            {"categories": [{"category": "Technology", "subcategories": ["Web Development", "Baking"]}, {"category": "Gardening"},
             {"category": "Education", "subcategories": []}, {"category": "History", "subcategories": []}, {"category": "Science & Nature"}],
             "key_topics": ["a", " ", "b"], "complexity_level": "EXPERT", "language": "fr"}
            ```
            """
        let analysis = ChatAnalyzer.validate(answer, taxonomy: .standard, transcriptLanguage: "en")
        #expect(analysis.categorization?.entries.map(\.category) == ["Technology", "Education", "History"])
        #expect(analysis.categorization?.entries.first?.subcategories == ["Web Development"])
        #expect(analysis.warnings.contains { $0.contains("Baking") })
        #expect(analysis.warnings.contains { $0.contains("Gardening") })
        #expect(analysis.warnings.contains { $0.contains("kept the first 3") })
        #expect(analysis.keyTopics == ["a", "b"])
        #expect(analysis.complexityLevel == nil)
        #expect(analysis.language == "fr")
    }

    @Test func everyVariantHasItsOwnPromptFile() throws {
        var seen = Set<String>()
        for variant in Prompts.variants {
            let text = Prompts.text(variant.id)
            #expect(!text.isEmpty)
            #expect(seen.insert(text).inserted, "\(variant) shares a prompt")
        }
        #expect(throws: SummaryVariantError.self) { try VariantRequest("poem") }
        #expect(try VariantRequest("audio_fr:advanced").description == "audio-fr:advanced")
    }
}

@Suite struct LocalSpeechTests {
    @Test func espeakSpeaksIntoOneMP3WithItsDuration() async throws {
        let speech = try #require(LocalSpeech.available(), "espeak-ng and ffmpeg or lame must be installed (scripts/setup --test)")
        let audio = try await speech.speak("Hello. This summary is read aloud by the local synthesizer.", language: "en")
        let frames = try #require(MP3.frames(audio.bytes))
        #expect(frames.count > 10)
        #expect((audio.durationSeconds ?? 0) > 1 && (audio.durationSeconds ?? 0) < 15)
        let french = try await speech.speak("Bonjour à tous.", language: "fr")
        #expect(MP3.frames(french.bytes) != nil)
    }
}

@Suite struct ChunkingTests {
    @Test func longTranscriptsAreSummarizedInPartsThenCombined() async throws {
        let fakes = FakeServices()
        try await fakes.run { base in
            let chat = ChatCompletionsClient(baseURL: base + "/v1", apiKey: nil, model: "fake", http: HTTPFetcher())
            let summarizer = ChatSummarizer(chat: chat, chunkCharacters: 1_000)
            let text = (1...200).map { "Sentence \($0) of a long talk." }.joined(separator: " ")
            let info = VideoInfo(id: try VideoID("dQw4w9WgXcQ"), metadata: .init(title: "Long"), description: nil, captionTracks: [])
            let summary = try await summarizer.summarize(
                Transcript(text: text, language: "en"),
                info: info,
                request: VariantRequest(variant: .comprehensive)
            )
            let chunks = ChatSummarizer.chunks(text, size: 1_000)
            #expect(chunks.count >= 6)
            #expect(chunks.joined() == text)
            #expect(fakes.count("summary") == chunks.count + 1)
            #expect(summary.contains("Summary"))
        }
    }
}
