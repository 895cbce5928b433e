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

    @Test func captionsInJSON3SRV3SRV1AndWebVTT() throws {
        let json3 =
            #"{"events": [{"segs": [{"utf8": "Hello "}, {"utf8": "world"}]}, {"tStartMs": 5}, {"segs": [{"utf8": "\n"}]}, {"segs": [{"utf8": "Bye."}]}]}"#
        #expect(try CaptionText.text(from: Array(json3.utf8)) == "Hello world\nBye.")
        // srv3 as the mobile answers' URLs give it: words in <s> elements, entities escaped once.
        let srv3 = FakeYouTube.captionBody(format: "srv3", language: "en", automatic: true, lines: ["Tom & Jerry's \"show\"", "Bye."])
        #expect(try CaptionText.text(from: Array(srv3.utf8)) == "Tom & Jerry's \"show\"\nBye.")
        // srv1 escapes twice.
        let srv1 = FakeYouTube.captionBody(format: nil, language: "en", automatic: false, lines: ["It's <b>1 & 2</b>"])
        #expect(try CaptionText.text(from: Array(srv1.utf8)) == "It's 1 & 2")
        let vtt =
            "WEBVTT\nKind: captions\nLanguage: en\n\n1\n00:00:00.000 --> 00:00:01.000\n<c>Hello</c> there\n\n00:00:01.000 --> 00:00:02.000\nHello there\nGeneral Kenobi\n"
        #expect(try CaptionText.text(from: Array(vtt.utf8)) == "Hello there\nGeneral Kenobi")
        // What a gated URL answers: nothing, or events without text. Neither is "no transcript".
        #expect(try CaptionText.text(from: []) == nil)
        #expect(try CaptionText.text(from: Array(#"{"wireMagic": "pb3", "events": []}"#.utf8)) == nil)
        #expect(throws: ProcessorError.self) { try CaptionText.text(from: Array("<html>".utf8)) }
    }

    @Test func captionURLsGetOneFormatAndTheConfiguredHost() {
        let url = "https://www.youtube.com/api/timedtext?v=abc&caps=asr&kind=asr&lang=en&fmt=srv3"
        let resolved = CaptionURL.resolved(url, baseURL: "http://127.0.0.1:8080")
        #expect(resolved == "http://127.0.0.1:8080/api/timedtext?v=abc&caps=asr&kind=asr&lang=en&fmt=json3")
        #expect(
            CaptionURL.resolved("https://youtube.com/api/timedtext?fmt=vtt&v=x", baseURL: "https://www.youtube.com")
                == "https://www.youtube.com/api/timedtext?v=x&fmt=json3"
        )
        // Another host (a CDN, a proxy the answer named) is left alone.
        #expect(CaptionURL.resolved("https://cdn.example/t?v=x", baseURL: "http://127.0.0.1:1") == "https://cdn.example/t?v=x&fmt=json3")
        #expect(CaptionTrack(url: url + "&exp=xpe", language: "en", automatic: true).gated)
        #expect(!CaptionTrack(url: url, language: "en", automatic: true).gated)
    }

    @Test func theOriginalLanguageComesBeforeTranslationsAndManualOnlyWithinALanguage() {
        func track(_ language: String, asr: Bool = false) -> CaptionTrack {
            CaptionTrack(url: "u-\(language)-\(asr)", language: language, automatic: asr)
        }
        // A French video with French speech recognition and Japanese subtitles: French.
        var ranked = CaptionChoice.ranked([track("ja"), track("fr", asr: true)], preferred: ["en", "fr"])
        #expect(ranked.first?.language == "fr")
        // English manual subtitles of a French video are a translation: still French first.
        ranked = CaptionChoice.ranked([track("en"), track("fr", asr: true), track("fr-FR")], preferred: ["en"])
        #expect(ranked.map(\.url) == ["u-fr-FR-false", "u-fr-true", "u-en-false"])
        // Within English, manual before ASR.
        ranked = CaptionChoice.ranked([track("en", asr: true), track("de"), track("en")], preferred: ["de"])
        #expect(ranked.map(\.url) == ["u-en-false", "u-en-true", "u-de-false"])
        // No speech recognition track: the preferred languages, in order.
        ranked = CaptionChoice.ranked([track("es"), track("it"), track("de")], preferred: ["de", "es"])
        #expect(ranked.map(\.language) == ["de", "es", "it"])
    }

    @Test func playabilityReasonsBecomeTheirOwnWalls() {
        #expect(
            YouTubeWall.classify(status: "LOGIN_REQUIRED", reason: "Sign in to confirm you’re not a bot")
                == .botCheck(reason: "Sign in to confirm you’re not a bot")
        )
        #expect(
            YouTubeWall.classify(status: "LOGIN_REQUIRED", reason: "This video may be inappropriate for some users.")
                == .ageRestricted(reason: "This video may be inappropriate for some users.")
        )
        #expect(YouTubeWall.classify(status: "LOGIN_REQUIRED", reason: "This video is private") == .privateVideo(reason: "This video is private"))
        #expect(YouTubeWall.classify(status: "ERROR", reason: "This video is unavailable") == .removed(reason: "This video is unavailable"))
        #expect(
            YouTubeWall.classify(status: "LIVE_STREAM_OFFLINE", reason: "This live event will begin in 3 hours.")
                == .liveNotStarted(reason: "This live event will begin in 3 hours.")
        )
        #expect(
            YouTubeWall.classify(status: "UNPLAYABLE", reason: "Not in your country")
                == .unplayable(status: "UNPLAYABLE", reason: "Not in your country")
        )
        #expect(YouTubeWall.botCheck(reason: "x").description.contains("IP address is flagged"))
    }

    @Test func theWatchPageObjectIsFoundDespiteBracesInStringsAndWallsAreRecognized() throws {
        let html =
            #"<script>var ytInitialPlayerResponse = {"videoDetails": {"title": "a } tricky { \"title\""}, "x": [1, {"y": 2}]};var other = {};</script>"#
        let page = try YouTubeWatchPage(html: html)
        #expect(page.player?.videoDetails?.title == #"a } tricky { "title""#)
        #expect(throws: ProcessorError.self) { try YouTubeWatchPage(html: "<html>nothing here</html>") }
        if case .consent = try YouTubeWatchPage(html: FakeYouTube.consentPage("x")).content {
        } else {
            Issue.record("the consent page was not recognized")
        }
        let captcha = #"<form action="/das_captcha?fw=1" method="POST"><div class="g-recaptcha" data-sitekey="6L"></div></form>"#
        if case .captcha = try YouTubeWatchPage(html: captcha).content {} else { Issue.record("the captcha page was not recognized") }
    }

    @Test func reasoningBlocksAreRemovedAndTruncatedInputIsNoticed() throws {
        #expect(ChatCompletionsClient.withoutThinking("<think>\nhmm\n</think>\n\nThe answer.") == "\n\nThe answer.")
        #expect(ChatCompletionsClient.withoutThinking("Text <think>a</think>more<think>b") == "Text more")
        #expect(throws: ProcessorError.self) { try ChatCompletionsClient.finished("<think>only thoughts</think>") }
        let text = String(repeating: "Sentence number one of a long talk. ", count: 800)
        // Ollama's cut: fewer tokens than the text has words.
        #expect(ChatCompletionsClient.truncation(promptTokens: 4_096, of: ["System prompt.", text], ollama: true) != nil)
        #expect(ChatCompletionsClient.truncation(promptTokens: 2_000, of: ["System prompt.", text], ollama: false) != nil)
        // An honest count passes.
        #expect(ChatCompletionsClient.truncation(promptTokens: text.count / 4, of: ["System prompt.", text], ollama: true) == nil)
    }

    @Test func aLocalToolThatHangsIsStoppedAtItsTimeLimit() async throws {
        let start = ContinuousClock.now
        await #expect {
            _ = try await LocalTool.run("/bin/sleep", ["120"], service: "yt-dlp", timeout: .milliseconds(300))
        } throws: { error in
            "\(error)".contains("did not finish within")
        }
        // Stopped long before the helper would have ended by itself.
        #expect(ContinuousClock.now - start < .seconds(60))
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
