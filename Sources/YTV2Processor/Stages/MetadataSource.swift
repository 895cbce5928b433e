import Foundation
import YTV2Core
import YTV2Store

/// What a video is: title, channel, dates, duration, thumbnail, and the caption tracks the transcript stage reads.
public struct VideoInfo: Sendable {
    public var id: VideoID
    public var metadata: VideoMetadata
    public var description: String?
    /// Caption tracks from the watch page (base URL, language, auto-generated).
    public var captionTracks: [CaptionTrack]

    public struct CaptionTrack: Sendable, Equatable {
        public var url: String
        public var language: String
        public var automatic: Bool
    }
}

public protocol MetadataSource: Sendable {
    func info(for id: VideoID) async throws(ProcessorError) -> VideoInfo
}

/// YouTube's oEmbed endpoint (title, channel, thumbnail) plus the watch page's player data (publish date, duration,
/// views, channel id, captions). The base URL is configurable (`YOUTUBE_BASE_URL`) so tests use a local fake.
public struct YouTubeMetadataSource: MetadataSource {
    public let baseURL: String
    public let http: HTTPFetcher

    public init(baseURL: String = "https://www.youtube.com", http: HTTPFetcher) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.http = http
    }

    public func info(for id: VideoID) async throws(ProcessorError) -> VideoInfo {
        let watchURL = id.canonicalURL.replacingOccurrences(of: "https://www.youtube.com", with: baseURL)
        let encoded = id.canonicalURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id.canonicalURL
        let oembed = try await http.get("\(baseURL)/oembed?format=json&url=\(encoded)", service: "YouTube oEmbed")
        guard let embed = LooseValue.parse(String(decoding: oembed, as: UTF8.self)), case .object = embed else {
            throw .invalidResponse(service: "YouTube oEmbed", problem: "not a JSON object")
        }
        let html = try await http.get(watchURL, service: "YouTube watch page", headers: [("Accept-Language", "en-US,en;q=0.8")])
        let page = try YouTubeWatchPage(html: String(decoding: html, as: UTF8.self))
        if let status = page.playability, status != "OK" {
            throw .unavailable("YouTube says \(status)")
        }
        var metadata = VideoMetadata()
        metadata.contentSource = "youtube"
        metadata.title = embed["title"]?.stringValue ?? page.details["title"]?.stringValue
        metadata.channelName = embed["author_name"]?.stringValue ?? page.details["author"]?.stringValue
        metadata.channelID = page.details["channelId"]?.stringValue
        metadata.thumbnailURL = embed["thumbnail_url"]?.stringValue ?? id.defaultThumbnailURL
        metadata.durationSeconds = page.details["lengthSeconds"]?.stringValue.flatMap { Int($0) }
        metadata.viewCount = page.details["viewCount"]?.stringValue.flatMap { Int($0) }
        metadata.publishedAt = (page.microformat["publishDate"]?.stringValue ?? page.microformat["uploadDate"]?.stringValue)
            .flatMap(Timestamp.parse)
        let tracks = page.captionTracks.map { VideoInfo.CaptionTrack(url: $0.url, language: $0.language, automatic: $0.automatic) }
        return VideoInfo(id: id, metadata: metadata, description: page.details["shortDescription"]?.stringValue, captionTracks: tracks)
    }
}
