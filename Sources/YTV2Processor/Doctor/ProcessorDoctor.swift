import Foundation
import YTV2Core
import YTV2Store
import YTV2Subprocess

/// `ytv2 doctor --processor`: asks each configured service the smallest real question (a known public video's player
/// answer and one caption track, a one-line prompt, a word spoken) and says what works and what to fix.
package struct ProcessorDoctor: Sendable {
    package struct Check: Sendable, Encodable {
        package var name: String
        package var passed: Bool
        package var detail: String
    }

    package let configuration: ProcessorConfiguration
    package let http: HTTPFetcher
    /// A public video with captions (`--video`).
    package var video: VideoID

    package init(configuration: ProcessorConfiguration, http: HTTPFetcher = HTTPFetcher(), video: VideoID) {
        self.configuration = configuration
        self.http = http
        self.video = video
    }

    package func run() async -> [Check] {
        var checks: [Check] = []
        checks += await youtube()
        checks.append(await ytdlp())
        checks.append(await llm())
        checks.append(await speech())
        return checks
    }

    func youtube() async -> [Check] {
        let metadata = YouTubeMetadataSource(baseURL: configuration.youtubeBaseURL, http: http, clients: configuration.youtubeClients)
        let info: VideoInfo
        do {
            info = try await metadata.info(for: video)
        } catch {
            return [Check(name: "YouTube player", passed: false, detail: "\(error)")]
        }
        let clients = Set(info.captionTracks.map(\.client)).sorted().joined(separator: ", ")
        var checks = [
            Check(
                name: "YouTube player",
                passed: true,
                detail: "\"\(info.metadata.title ?? "?")\": \(info.captionTracks.count) caption track(s)"
                    + (clients.isEmpty ? "" : " from \(clients)") + (info.warnings.isEmpty ? "" : "; \(info.warnings.joined(separator: "; "))")
            )
        ]
        let captions = YouTubeCaptionSource(http: http, baseURL: configuration.youtubeBaseURL, languages: configuration.transcriptLanguages)
        do {
            let transcript = try await captions.transcript(for: info)
            checks.append(Check(name: "YouTube captions", passed: true, detail: "\(transcript.text.count) characters in \(transcript.language)"))
        } catch {
            let fallback = configuration.ytdlp == nil ? " (no yt-dlp installed to fall back to)" : " (yt-dlp will be tried)"
            checks.append(Check(name: "YouTube captions", passed: false, detail: "\(error)\(fallback)"))
        }
        return checks
    }

    func ytdlp() async -> Check {
        guard configuration.ytdlpEnabled else { return Check(name: "yt-dlp", passed: true, detail: "turned off (YTDLP=0)") }
        guard let ytdlp = configuration.ytdlp else {
            return Check(
                name: "yt-dlp",
                passed: true,
                detail:
                    "not installed: optional fallback; install a current one with `pip install -U yt-dlp` (distribution packages lag behind YouTube)"
            )
        }
        do {
            let version = String(
                decoding: try await LocalTool.run(ytdlp.path, ["--version"], service: "yt-dlp", timeout: .seconds(30)),
                as: UTF8.self
            )
            .trimmingASCIIWhitespace
            if let age = Self.releaseAge(version), age > 120 {
                return Check(
                    name: "yt-dlp",
                    passed: false,
                    detail: "\(ytdlp.path) is version \(version), \(age) days old: YouTube changes faster; run `pip install -U yt-dlp`"
                )
            }
            return Check(name: "yt-dlp", passed: true, detail: "\(ytdlp.path), version \(version)")
        } catch {
            return Check(name: "yt-dlp", passed: false, detail: "\(ytdlp.path) does not run: \(error)")
        }
    }

    /// Days since a yt-dlp release named `YYYY.MM.DD` (nil for another form).
    static func releaseAge(_ version: String, now: Date = Date()) -> Int? {
        let parts = version.split(separator: ".").compactMap { Int($0) }
        guard parts.count >= 3,
            let date = DateComponents(calendar: Calendar(identifier: .gregorian), timeZone: .gmt, year: parts[0], month: parts[1], day: parts[2]).date
        else { return nil }
        return Int(now.timeIntervalSince(date) / 86_400)
    }

    func llm() async -> Check {
        let name = "LLM \(configuration.llmModel) at \(configuration.llmBaseURL)"
        let remote = !(configuration.llmBaseURL.contains("127.0.0.1") || configuration.llmBaseURL.contains("localhost"))
        if remote, configuration.llmAPIKey == nil {
            return Check(name: name, passed: false, detail: "LLM_API_KEY is not set; a remote service refuses requests without one")
        }
        let chat = configuration.chatClient(http: http)
        let start = ContinuousClock.now
        do {
            let answer = try await chat.complete(system: "You answer with one short sentence.", user: "Say that you are ready.")
            let seconds = (ContinuousClock.now - start).components
            return Check(name: name, passed: true, detail: "answered in \(seconds.seconds) s: \"\(answer.prefix(80))\"")
        } catch {
            return Check(name: name, passed: false, detail: "\(error)")
        }
    }

    func speech() async -> Check {
        if let base = configuration.ttsBaseURL {
            let speech = OpenAISpeech(
                baseURL: base,
                apiKey: configuration.ttsAPIKey,
                model: configuration.ttsModel,
                voice: configuration.ttsVoice,
                http: http
            )
            do {
                let audio = try await speech.speak("Ready.", language: "en")
                return Check(name: "speech API at \(base)", passed: true, detail: "spoke \(audio.bytes.count) bytes of MP3")
            } catch {
                return Check(name: "speech API at \(base)", passed: false, detail: "\(error)")
            }
        }
        if configuration.localSpeech, let local = LocalSpeech.available(path: configuration.searchPath) {
            return Check(name: "speech", passed: true, detail: "\(local.name) on this machine (no TTS_BASE_URL)")
        }
        return Check(
            name: "speech",
            passed: true,
            detail: "none configured: audio variants are stored as text only (set TTS_BASE_URL, or install espeak-ng and ffmpeg)"
        )
    }
}
