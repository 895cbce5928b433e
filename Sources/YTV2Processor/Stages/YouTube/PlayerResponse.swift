import Foundation

/// The parts of a player answer the processor reads: the watch page's `ytInitialPlayerResponse` (WEB client) and the
/// player endpoint's answer to a mobile client have this shape (youtube-transcript-api's `youtube.innertube.json` and
/// NewPipeExtractor's recordings). Mobile answers have no `microformat`. YouTube writes numbers such as
/// `lengthSeconds` as strings; they are read as either.
struct PlayerResponse: Decodable, Sendable {
    struct PlayabilityStatus: Decodable, Sendable {
        let status: String?
        let reason: String?
        let errorScreen: ErrorScreen?

        struct ErrorScreen: Decodable, Sendable {
            let playerErrorMessageRenderer: Renderer?
            struct Renderer: Decodable, Sendable {
                let subreason: Text?
            }
        }

        /// The sub-reason's runs joined ("This helps protect our community. Learn more").
        var subreason: String? { errorScreen?.playerErrorMessageRenderer?.subreason?.plain }
    }

    /// YouTube's formatted text: `{"simpleText": "…"}` or `{"runs": [{"text": "…"}, …]}`.
    struct Text: Decodable, Sendable {
        struct Run: Decodable, Sendable { let text: String? }
        let simpleText: String?
        let runs: [Run]?
        var plain: String? { simpleText ?? runs.map { $0.compactMap(\.text).joined() } }
    }

    struct VideoDetails: Decodable, Sendable {
        let title: String?
        let author: String?
        let channelID: String?
        let lengthSeconds: String?
        let viewCount: String?
        let shortDescription: String?
        let isLiveContent: Bool?
        let thumbnail: Thumbnails?

        struct Thumbnails: Decodable, Sendable {
            struct Thumbnail: Decodable, Sendable {
                let url: String?
                let width: Int?
            }
            let thumbnails: [Thumbnail]?
        }

        enum CodingKeys: String, CodingKey {
            case title, author
            case channelID = "channelId"
            case lengthSeconds, viewCount, shortDescription, isLiveContent, thumbnail
        }

        init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            title = try? container.decodeIfPresent(String.self, forKey: .title)
            author = try? container.decodeIfPresent(String.self, forKey: .author)
            channelID = try? container.decodeIfPresent(String.self, forKey: .channelID)
            lengthSeconds = Self.text(container, .lengthSeconds)
            viewCount = Self.text(container, .viewCount)
            shortDescription = try? container.decodeIfPresent(String.self, forKey: .shortDescription)
            isLiveContent = try? container.decodeIfPresent(Bool.self, forKey: .isLiveContent)
            thumbnail = try? container.decodeIfPresent(Thumbnails.self, forKey: .thumbnail)
        }

        private static func text(_ container: KeyedDecodingContainer<CodingKeys>, _ key: CodingKeys) -> String? {
            if let text = try? container.decodeIfPresent(String.self, forKey: key) { return text }
            return (try? container.decodeIfPresent(Int.self, forKey: key)).flatMap { $0.map(String.init) }
        }

        /// The widest thumbnail, without its query (the signed `sqp`/`rs` parameters expire).
        var bestThumbnail: String? {
            let widest = (thumbnail?.thumbnails ?? []).max { ($0.width ?? 0) < ($1.width ?? 0) }?.url
            return widest.map { String($0.split(separator: "?", maxSplits: 1).first ?? Substring($0)) }
        }
    }

    struct Microformat: Decodable, Sendable {
        struct Renderer: Decodable, Sendable {
            let publishDate: String?
            let uploadDate: String?
        }
        let playerMicroformatRenderer: Renderer?
    }

    struct Captions: Decodable, Sendable {
        struct TrackList: Decodable, Sendable {
            let captionTracks: [Track]?
        }
        struct Track: Decodable, Sendable {
            let baseUrl: String?
            let languageCode: String?
            /// `asr` for automatic (speech-recognition) captions.
            let kind: String?
            let name: Text?
        }
        let playerCaptionsTracklistRenderer: TrackList?
    }

    let playabilityStatus: PlayabilityStatus?
    let videoDetails: VideoDetails?
    let microformat: Microformat?
    let captions: Captions?

    /// The refusal this answer carries, if its status is not OK.
    var wall: YouTubeWall? {
        guard let status = playabilityStatus?.status, status != "OK" else { return nil }
        return YouTubeWall.classify(status: status, reason: playabilityStatus?.reason, subreason: playabilityStatus?.subreason)
    }

    /// The publish date as YouTube writes it (`2025-03-04` or `2025-03-04T05:06:07-08:00`).
    var publishDate: String? {
        microformat?.playerMicroformatRenderer?.publishDate ?? microformat?.playerMicroformatRenderer?.uploadDate
    }

    /// Caption tracks with a URL and a language, tagged with the client whose answer listed them.
    func captionTracks(client: InnertubeClient) -> [CaptionTrack] {
        (captions?.playerCaptionsTracklistRenderer?.captionTracks ?? []).compactMap { track in
            guard let url = track.baseUrl, let language = track.languageCode, !url.isEmpty, !language.isEmpty else { return nil }
            return CaptionTrack(url: url, language: language, automatic: track.kind == "asr", client: client)
        }
    }

    static func decode(_ bytes: some Collection<UInt8>, service: String) throws(ProcessorError) -> PlayerResponse {
        do {
            return try JSONDecoder().decode(PlayerResponse.self, from: Data(bytes))
        } catch {
            throw .invalidResponse(service: service, problem: "not a player answer: \(error)")
        }
    }
}
