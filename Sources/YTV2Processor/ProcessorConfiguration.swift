import Foundation
import Logging
import NIOCore
import YTV2Core
import YTV2Store

/// Where the processor's external services are, read from the environment (docs/operations.md, "Configuration").
/// Every base URL is configurable so tests can point it at a local fake that speaks the same protocol.
package struct ProcessorConfiguration: Sendable, Equatable {
    package var youtubeBaseURL: String
    /// The player clients asked, in order (`YOUTUBE_CLIENTS`).
    package var youtubeClients: [InnertubeClient]
    package var llmBaseURL: String
    package var llmAPIKey: String?
    package var llmModel: String
    /// Sent only when set: GPT-5 and the o-series refuse any value but 1.
    package var llmTemperature: Double?
    /// How long one answer may take.
    package var llmTimeoutSeconds: Int
    /// The most characters of transcript one request carries; longer transcripts are summarized in parts.
    package var llmChunkCharacters: Int
    package var ttsBaseURL: String?
    package var ttsAPIKey: String?
    package var ttsModel: String
    package var ttsVoice: String
    package var transcriptLanguages: [String]
    package var telegramBaseURL: String
    package var telegramBotToken: String?
    package var telegramAllowedUsers: Set<Int64>
    package var dashboardURL: String
    /// Where local tools (yt-dlp, espeak-ng, ffmpeg, lame) are looked for: `PATH` of the given environment.
    package var searchPath: String
    /// Whether yt-dlp, when installed, is asked when YouTube's answers fail (`YTDLP=0` turns it off).
    package var ytdlpEnabled: Bool
    /// A cookies file for yt-dlp (`YTDLP_COOKIES`), and how long one yt-dlp run may take.
    package var ytdlpCookies: String?
    package var ytdlpTimeoutSeconds: Int
    /// Whether espeak-ng may speak when no speech API is configured (`TTS_LOCAL=0` turns it off).
    package var localSpeech: Bool

    /// Reads and checks the processor's variables; a malformed one (a base URL that is not http(s), a user id that is
    /// not a number, a flag that is not 0/1) stops the command naming it.
    package init(environment: EnvironmentReader = EnvironmentReader()) throws(ConfigurationError) {
        youtubeBaseURL = try environment.baseURL("YOUTUBE_BASE_URL", default: "https://www.youtube.com") ?? ""
        let clients = environment.list("YOUTUBE_CLIENTS", default: [])
        youtubeClients = clients.isEmpty ? InnertubeClient.defaults : try InnertubeClient.parse(clients, variable: "YOUTUBE_CLIENTS")
        llmBaseURL = try environment.baseURL("LLM_BASE_URL", default: "https://api.openai.com/v1") ?? ""
        llmAPIKey = environment.string("LLM_API_KEY")
        llmModel = environment.string("LLM_MODEL", default: "gpt-4o-mini")
        llmTemperature = environment.string("LLM_TEMPERATURE") == nil ? nil : try environment.number("LLM_TEMPERATURE", default: 1, in: 0...2)
        llmTimeoutSeconds = try environment.integer("LLM_TIMEOUT_SECONDS", default: 300, in: 5...3_600)
        llmChunkCharacters = try environment.integer("LLM_CHUNK_CHARS", default: 24_000, in: 2_000...1_000_000)
        ttsBaseURL = try environment.baseURL("TTS_BASE_URL", default: nil)
        ttsAPIKey = environment.string("TTS_API_KEY")
        ttsModel = environment.string("TTS_MODEL", default: "tts-1")
        ttsVoice = environment.string("TTS_VOICE", default: "alloy")
        transcriptLanguages = environment.list("TRANSCRIPT_LANGUAGES", default: ["en", "fr", "es", "de"])
        telegramBaseURL = try environment.baseURL("TELEGRAM_API_BASE_URL", default: "https://api.telegram.org") ?? ""
        telegramBotToken = environment.string("TELEGRAM_BOT_TOKEN")
        var users = Set<Int64>()
        for user in environment.list("TELEGRAM_ALLOWED_USERS", default: []) {
            guard let id = Int64(user) else {
                throw ConfigurationError(
                    variable: "TELEGRAM_ALLOWED_USERS",
                    problem: "must list numeric Telegram user ids (got \"\(user.prefix(30))\")"
                )
            }
            users.insert(id)
        }
        telegramAllowedUsers = users
        dashboardURL = try environment.baseURL("DASHBOARD_URL", default: "http://127.0.0.1:10000") ?? ""
        localSpeech = try environment.flag("TTS_LOCAL", default: true)
        ytdlpEnabled = try environment.flag("YTDLP", default: true)
        ytdlpCookies = environment.string("YTDLP_COOKIES")
        ytdlpTimeoutSeconds = try environment.integer("YTDLP_TIMEOUT_SECONDS", default: 180, in: 10...3_600)
        searchPath = environment.string("PATH", default: "")
    }

    package init(environment values: [String: String]) throws(ConfigurationError) {
        try self.init(environment: EnvironmentReader(values))
    }

    /// The pipeline with the real HTTP implementations of every stage.
    package func pipeline(
        store: Store,
        http: HTTPFetcher = HTTPFetcher(),
        logger: Logger,
        onStage: (@Sendable (VideoID, String) -> Void)? = nil
    ) -> ProcessingPipeline {
        let chat = chatClient(http: http)
        // The speech API when configured, else espeak-ng locally when installed, else narration as text only.
        let speech: (any SpeechSynthesizer)? =
            ttsBaseURL.map {
                OpenAISpeech(baseURL: $0, apiKey: ttsAPIKey, model: ttsModel, voice: ttsVoice, http: http)
            } ?? (localSpeech ? LocalSpeech.available(path: searchPath) : nil)
        var metadata: any MetadataSource = YouTubeMetadataSource(baseURL: youtubeBaseURL, http: http, clients: youtubeClients)
        var transcripts: any TranscriptSource = YouTubeCaptionSource(http: http, baseURL: youtubeBaseURL, languages: transcriptLanguages)
        if let ytdlp {
            metadata = MetadataWithFallback(primary: metadata, ytdlp: ytdlp)
            transcripts = TranscriptWithFallback(primary: transcripts, ytdlp: ytdlp, languages: transcriptLanguages)
        }
        var pipeline = ProcessingPipeline(
            videos: VideoStore(store: store),
            reports: ReportReader(store: store),
            metadata: metadata,
            transcripts: transcripts,
            summarizer: ChatSummarizer(chat: chat, chunkCharacters: llmChunkCharacters),
            analyzer: ChatAnalyzer(chat: chat, inputCharacters: llmChunkCharacters),
            speech: speech,
            logger: logger
        )
        pipeline.onStage = onStage
        return pipeline
    }

    /// The chat-completions client the summarizer and analyzer share (so a parameter one request learned the server
    /// refuses is left out of the next).
    package func chatClient(http: HTTPFetcher) -> ChatCompletionsClient {
        ChatCompletionsClient(
            baseURL: llmBaseURL,
            apiKey: llmAPIKey,
            model: llmModel,
            http: http,
            temperature: llmTemperature,
            timeout: .seconds(Int64(llmTimeoutSeconds))
        )
    }

    /// yt-dlp when enabled and installed, with its cookies and time limit.
    package var ytdlp: YTDLP? {
        guard ytdlpEnabled, var found = YTDLP.available(path: searchPath) else { return nil }
        found.cookies = ytdlpCookies
        found.timeout = .seconds(ytdlpTimeoutSeconds)
        return found
    }

    /// What would make every job fail: a remote chat-completions service without an API key.
    package var problems: [String] {
        guard llmAPIKey == nil, let host = URL(string: llmBaseURL)?.host?.lowercased() else { return [] }
        let local =
            host == "localhost" || host.hasPrefix("127.") || host == "::1" || host.hasSuffix(".local") || host.hasPrefix("192.168.")
            || host.hasPrefix("10.") || host.hasSuffix(".internal")
        if local { return [] }
        return [
            "LLM_API_KEY is not set and LLM_BASE_URL (\(llmBaseURL)) is a remote service: every summary would be refused. Set LLM_API_KEY, "
                + "or point LLM_BASE_URL at a local server such as Ollama (http://127.0.0.1:11434/v1)"
        ]
    }

    /// Which providers would be used, for `ytv2 process --dry-run` (no secrets).
    package var providers: [(String, String)] {
        [
            (
                "metadata",
                "YouTube player (\(youtubeClients.map(\.description).joined(separator: ", "))) + watch page at \(youtubeBaseURL)"
            ),
            (
                "transcript",
                "caption tracks, the video's own language first, then \(transcriptLanguages.joined(separator: ", "))"
                    + (ytdlp != nil ? "; yt-dlp when they fail" : "; no yt-dlp installed")
            ),
            ("summarizer", "chat completions at \(llmBaseURL), model \(llmModel)\(llmAPIKey == nil ? ", no API key" : "")"),
            ("analyzer", "chat completions at \(llmBaseURL), model \(llmModel), validated against the taxonomy"),
            (
                "speech",
                ttsBaseURL.map { "speech API at \($0), model \(ttsModel), voice \(ttsVoice)" }
                    ?? (localSpeech ? LocalSpeech.available(path: searchPath)?.name : nil).map { "\($0) (local; no TTS_BASE_URL)" }
                    ?? "none (no TTS_BASE_URL, no espeak-ng): narration stored as text only"
            ),
        ]
    }
}
