import Foundation
import YTV2Core

/// What the watch page of a video says about it: the `ytInitialPlayerResponse` JSON embedded in the HTML.
struct YouTubeWatchPage: Sendable {
    let player: PlayerResponse

    /// Finds `ytInitialPlayerResponse = {...};` and parses the object (braces counted outside string literals).
    init(html: String) throws(ProcessorError) {
        guard let marker = html.range(of: "ytInitialPlayerResponse") else {
            throw .invalidResponse(service: "YouTube watch page", problem: "no ytInitialPlayerResponse in the page")
        }
        let scalars = Array(html[marker.upperBound...].unicodeScalars)
        guard let start = scalars.firstIndex(of: "{") else {
            throw .invalidResponse(service: "YouTube watch page", problem: "ytInitialPlayerResponse has no object")
        }
        var depth = 0
        var inString = false
        var escaped = false
        var end: Int?
        for index in start..<scalars.count {
            let c = scalars[index]
            if inString {
                if escaped { escaped = false } else if c == "\\" { escaped = true } else if c == "\"" { inString = false }
                continue
            }
            if c == "\"" {
                inString = true
            } else if c == "{" {
                depth += 1
            } else if c == "}" {
                depth -= 1
                if depth == 0 {
                    end = index
                    break
                }
            }
        }
        guard let end else { throw .invalidResponse(service: "YouTube watch page", problem: "ytInitialPlayerResponse is cut short") }
        var text = String.UnicodeScalarView()
        text.append(contentsOf: scalars[start...end])
        do {
            player = try JSONDecoder().decode(PlayerResponse.self, from: Data(String(text).utf8))
        } catch {
            throw .invalidResponse(service: "YouTube watch page", problem: "ytInitialPlayerResponse is not the JSON expected: \(error)")
        }
    }

    var playability: String? { player.playabilityStatus?.status }

    /// Caption tracks: (base URL, language code, automatic).
    var captionTracks: [(url: String, language: String, automatic: Bool)] {
        (player.captions?.playerCaptionsTracklistRenderer?.captionTracks ?? []).compactMap { track in
            guard let url = track.baseUrl, let language = track.languageCode else { return nil }
            return (url, language, track.kind == "asr")
        }
    }
}

/// The parts of the watch page's `ytInitialPlayerResponse` the processor reads. YouTube writes numbers such as
/// `lengthSeconds` as strings; they are read as either.
struct PlayerResponse: Decodable {
    struct PlayabilityStatus: Decodable {
        let status: String?
    }

    struct VideoDetails: Decodable {
        let title: String?
        let author: String?
        let channelID: String?
        let lengthSeconds: String?
        let viewCount: String?
        let shortDescription: String?

        enum CodingKeys: String, CodingKey {
            case title, author
            case channelID = "channelId"
            case lengthSeconds, viewCount, shortDescription
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            title = try container.decodeIfPresent(String.self, forKey: .title)
            author = try container.decodeIfPresent(String.self, forKey: .author)
            channelID = try container.decodeIfPresent(String.self, forKey: .channelID)
            lengthSeconds = Self.text(container, .lengthSeconds)
            viewCount = Self.text(container, .viewCount)
            shortDescription = try container.decodeIfPresent(String.self, forKey: .shortDescription)
        }

        private static func text(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) -> String? {
            if let text = try? container.decodeIfPresent(String.self, forKey: key) { return text }
            return (try? container.decodeIfPresent(Int.self, forKey: key)).flatMap { $0.map(String.init) }
        }
    }

    struct Microformat: Decodable {
        struct Renderer: Decodable {
            let publishDate: String?
            let uploadDate: String?
        }
        let playerMicroformatRenderer: Renderer?
    }

    struct Captions: Decodable {
        struct TrackList: Decodable {
            let captionTracks: [Track]?
        }
        struct Track: Decodable {
            let baseUrl: String?
            let languageCode: String?
            /// `asr` for automatic captions.
            let kind: String?
        }
        let playerCaptionsTracklistRenderer: TrackList?
    }

    let playabilityStatus: PlayabilityStatus?
    let videoDetails: VideoDetails?
    let microformat: Microformat?
    let captions: Captions?
}
