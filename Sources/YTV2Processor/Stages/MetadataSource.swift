import Foundation
import YTV2Core
import YTV2Store

/// What a video is: title, channel, dates, duration, thumbnail, and the caption tracks the transcript stage reads.
package struct VideoInfo: Sendable {
    package var id: VideoID
    package var metadata: VideoMetadata
    package var description: String?
    /// Caption tracks from the watch page (base URL, language, auto-generated).
    package var captionTracks: [CaptionTrack]

    package struct CaptionTrack: Sendable, Equatable {
        package var url: String
        package var language: String
        package var automatic: Bool
    }
}

package protocol MetadataSource: Sendable {
    func info(for id: VideoID) async throws(ProcessorError) -> VideoInfo
}

/// YouTube's oEmbed endpoint (title, channel, thumbnail) plus the watch page's player data (publish date, duration,
/// views, channel id, captions). The base URL is configurable (`YOUTUBE_BASE_URL`) so tests use a local fake.
package struct YouTubeMetadataSource: MetadataSource {
    package let baseURL: String
    package let http: HTTPFetcher

    package init(baseURL: String = "https://www.youtube.com", http: HTTPFetcher) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.http = http
    }

    package func info(for id: VideoID) async throws(ProcessorError) -> VideoInfo {
        let watchURL = id.canonicalURL.replacingOccurrences(of: "https://www.youtube.com", with: baseURL)
        let encoded = id.canonicalURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id.canonicalURL
        let oembed = try await http.get("\(baseURL)/oembed?format=json&url=\(encoded)", service: "YouTube oEmbed")
        guard let embed = try? JSONDecoder().decode(OEmbed.self, from: Data(oembed)) else {
            throw .invalidResponse(service: "YouTube oEmbed", problem: "not an oEmbed JSON object")
        }
        let html = try await http.get(watchURL, service: "YouTube watch page", headers: [("Accept-Language", "en-US,en;q=0.8")])
        let page = try YouTubeWatchPage(html: String(decoding: html, as: UTF8.self))
        if let status = page.playability, status != "OK" {
            throw .unavailable("YouTube says \(status)")
        }
        var metadata = VideoMetadata()
        metadata.contentSource = "youtube"
        let details = page.player.videoDetails
        let microformat = page.player.microformat?.playerMicroformatRenderer
        metadata.title = embed.title ?? details?.title
        metadata.channelName = embed.authorName ?? details?.author
        metadata.channelID = details?.channelID
        metadata.thumbnailURL = embed.thumbnailURL ?? id.defaultThumbnailURL
        metadata.durationSeconds = details?.lengthSeconds.flatMap { Int($0) }
        metadata.viewCount = details?.viewCount.flatMap { Int($0) }
        metadata.publishedAt = (microformat?.publishDate ?? microformat?.uploadDate).flatMap(Timestamp.parse)
        let tracks = page.captionTracks.map { VideoInfo.CaptionTrack(url: $0.url, language: $0.language, automatic: $0.automatic) }
        return VideoInfo(id: id, metadata: metadata, description: details?.shortDescription, captionTracks: tracks)
    }
}

/// YouTube's oEmbed answer (https://oembed.com), the fields read.
struct OEmbed: Decodable {
    let title: String?
    let authorName: String?
    let thumbnailURL: String?

    enum CodingKeys: String, CodingKey {
        case title
        case authorName = "author_name"
        case thumbnailURL = "thumbnail_url"
    }
}
