import Foundation
import NIOHTTP1
import YTV2Core

package struct Transcript: Sendable, Equatable {
    package var text: String
    package var language: String

    package init(text: String, language: String) {
        self.text = text
        self.language = language
    }
}

package protocol TranscriptSource: Sendable {
    func transcript(for info: VideoInfo) async throws(ProcessorError) -> Transcript
}

/// The caption tracks the player answers listed, best first (``CaptionChoice``), fetched as `json3` and flattened to
/// text. URLs with YouTube's `exp` gate are not asked (they answer empty without a proof-of-origin token); a track that
/// answers empty anyway is passed over for the next. When every track answered empty the video is not said to have no
/// transcript: the error names the gate, so the yt-dlp fallback (when installed) gets its turn.
package struct YouTubeCaptionSource: TranscriptSource {
    package let http: HTTPFetcher
    package var baseURL: String
    package var languages: [String]
    /// How many tracks are asked at most before giving up (each is one request).
    package var maxAttempts = 4

    package init(http: HTTPFetcher, baseURL: String = "https://www.youtube.com", languages: [String] = ["en", "fr", "es", "de"]) {
        self.http = http
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.languages = languages
    }

    package func transcript(for info: VideoInfo) async throws(ProcessorError) -> Transcript {
        let usable = info.captionTracks.filter { !$0.gated }
        guard !usable.isEmpty else {
            if info.captionTracks.isEmpty { throw .noTranscript("the video has no caption tracks") }
            throw .wall(.captionsGated)
        }
        var failure: ProcessorError?
        for track in CaptionChoice.ranked(usable, preferred: languages).prefix(maxAttempts) {
            let reply = try await http.send(
                CaptionURL.resolved(track.url, baseURL: baseURL),
                method: .GET,
                service: "YouTube captions",
                headers: [("User-Agent", track.userAgent), ("Accept-Language", "en-US,en;q=0.8")]
            )
            do {
                _ = try HTTPFetcher.checked(reply, service: "YouTube captions")
                if let text = try CaptionText.text(from: reply.body) { return Transcript(text: text, language: track.language) }
            } catch  where error.isRetryable {
                throw error
            } catch {
                failure = error
            }
        }
        throw failure ?? .wall(.captionsGated)
    }
}
