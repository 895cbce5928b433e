import Foundation
import YTV2Core

package struct Transcript: Sendable, Equatable {
    package var text: String
    package var language: String
}

package protocol TranscriptSource: Sendable {
    func transcript(for info: VideoInfo) async throws(ProcessorError) -> Transcript
}

/// The watch page's caption tracks, fetched as `json3` (or WebVTT) and flattened to text. Manual tracks are preferred
/// over automatic ones, then languages in the order of `languages`, then whatever exists.
package struct YouTubeCaptionSource: TranscriptSource {
    package let http: HTTPFetcher
    package var languages: [String]

    package init(http: HTTPFetcher, languages: [String] = ["en", "fr", "es", "de"]) {
        self.http = http
        self.languages = languages
    }

    package func transcript(for info: VideoInfo) async throws(ProcessorError) -> Transcript {
        guard let track = choose(info.captionTracks) else { throw .noTranscript("the video has no caption tracks") }
        let separator = track.url.contains("?") ? "&" : "?"
        let bytes = try await http.get(track.url + separator + "fmt=json3", service: "YouTube captions")
        let body = String(decoding: bytes, as: UTF8.self)
        let text = body.hasPrefix("WEBVTT") ? Self.textFromVTT(body) : try Self.textFromJSON3(body)
        guard !text.isEmpty else { throw .noTranscript("the \(track.language) caption track is empty") }
        return Transcript(text: text, language: track.language)
    }

    func choose(_ tracks: [VideoInfo.CaptionTrack]) -> VideoInfo.CaptionTrack? {
        func rank(_ track: VideoInfo.CaptionTrack) -> (Int, Int) {
            let base = track.language.split(separator: "-").first.map(String.init)?.lowercased() ?? track.language
            return (track.automatic ? 1 : 0, languages.firstIndex(of: base) ?? languages.count)
        }
        return tracks.min { rank($0) < rank($1) }
    }

    /// YouTube's `json3` caption format, the fields read: `{"events": [{"segs": [{"utf8": "..."}]}]}`.
    struct JSON3: Decodable {
        struct Event: Decodable {
            struct Segment: Decodable { let utf8: String? }
            /// Absent in events that only set a window or style.
            let segs: [Segment]?
        }
        let events: [Event]
    }

    /// `json3` → text, one event per line.
    static func textFromJSON3(_ body: String) throws(ProcessorError) -> String {
        guard let captions = try? JSONDecoder().decode(JSON3.self, from: Data(body.utf8)) else {
            throw .invalidResponse(service: "YouTube captions", problem: "not json3 (no events)")
        }
        var lines: [String] = []
        for event in captions.events {
            guard let segments = event.segs else { continue }
            let line = segments.compactMap(\.utf8).joined().replacingOccurrences(of: "\n", with: " ").trimmingASCIIWhitespace
            if !line.isEmpty { lines.append(line) }
        }
        return lines.joined(separator: "\n")
    }

    /// WebVTT → text: cue lines without headers, timings, tags or repeated lines.
    static func textFromVTT(_ body: String) -> String {
        var lines: [String] = []
        for raw in body.split(separator: "\n", omittingEmptySubsequences: true) {
            let line = raw.trimmingASCIIWhitespace
            if line.hasPrefix("WEBVTT") || line.contains("-->") || line.hasPrefix("NOTE") || line.hasPrefix("Kind:") || line.hasPrefix("Language:") {
                continue
            }
            if line.allSatisfy(\.isNumber) { continue }
            let stripped = line.replacingOccurrences(of: "<[^>]+>", with: "", options: .regularExpression)
            if !stripped.isEmpty, lines.last != stripped { lines.append(stripped) }
        }
        return lines.joined(separator: "\n")
    }
}
