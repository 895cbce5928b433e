import Foundation
import NIOHTTP1
import YTV2Core
import YTV2Store

/// What a video is: title, channel, dates, duration, thumbnail, and the caption tracks the transcript stage reads.
package struct VideoInfo: Sendable {
    package var id: VideoID
    package var metadata: VideoMetadata
    package var description: String?
    /// Caption tracks from the player answers, of every client asked.
    package var captionTracks: [CaptionTrack]
    /// What the job should know but need not fail for (the publish date missing behind a consent page, ...).
    package var warnings: [String]

    package init(id: VideoID, metadata: VideoMetadata, description: String?, captionTracks: [CaptionTrack], warnings: [String] = []) {
        self.id = id
        self.metadata = metadata
        self.description = description
        self.captionTracks = captionTracks
        self.warnings = warnings
    }

    /// The language spoken in the video, when an automatic caption track tells it.
    package var originalLanguage: String? { CaptionChoice.originalLanguage(of: captionTracks) }
}

package protocol MetadataSource: Sendable {
    func info(for id: VideoID) async throws(ProcessorError) -> VideoInfo
}

/// YouTube as it answers today: the player endpoint asked as a mobile client (title, channel, duration, views, caption
/// tracks that answer without a proof-of-origin token), the watch page for the publish date (mobile answers have no
/// `microformat`), and oEmbed only when the player gave no title or channel. The base URL is configurable
/// (`YOUTUBE_BASE_URL`) so a proxy or a local fake can answer every one of these requests.
package struct YouTubeMetadataSource: MetadataSource {
    package let baseURL: String
    package let http: HTTPFetcher
    package var clients: [InnertubeClient]

    package init(baseURL: String = "https://www.youtube.com", http: HTTPFetcher, clients: [InnertubeClient] = InnertubeClient.defaults) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.http = http
        self.clients = clients
    }

    /// The consent cookie the maintained tools send (yt-dlp's `SOCS=CAI`: consent given, personalization refused), so
    /// that a server in the EU gets the video instead of the consent interstitial.
    static let consentCookie = "SOCS=CAI"

    package func info(for id: VideoID) async throws(ProcessorError) -> VideoInfo {
        var warnings: [String] = []
        let page = try await watchPage(id, warnings: &warnings)
        let answer = try await playerAnswer(id, page: page, warnings: &warnings)
        let details = answer.player.videoDetails ?? page?.player?.videoDetails
        var metadata = VideoMetadata()
        metadata.contentSource = "youtube"
        metadata.title = details?.title.flatMap { $0.isEmpty ? nil : $0 }
        metadata.channelName = details?.author.flatMap { $0.isEmpty ? nil : $0 }
        metadata.channelID = details?.channelID
        metadata.thumbnailURL = details?.bestThumbnail ?? id.defaultThumbnailURL
        metadata.durationSeconds = details?.lengthSeconds.flatMap { Int($0) }
        metadata.viewCount = details?.viewCount.flatMap { Int($0) }
        let published = answer.player.publishDate ?? page?.player?.publishDate ?? page?.datePublished
        metadata.publishedAt = published.flatMap(Timestamp.parse)
        if metadata.publishedAt == nil { warnings.append("the publish date is unknown: the watch page did not give it") }
        if metadata.title == nil || metadata.channelName == nil {
            // oEmbed is a fallback only: a video with embedding disabled answers it with 401 and loses nothing.
            do {
                let embed = try await oEmbed(id)
                metadata.title = metadata.title ?? embed.title
                metadata.channelName = metadata.channelName ?? embed.authorName
            } catch {
                warnings.append("oEmbed did not give the title or channel: \(error)")
            }
        }
        var tracks = answer.tracks
        // The watch page's tracks are the WEB client's: used only when they carry no gate.
        for track in page?.player?.captionTracks(client: .web) ?? [] where !track.gated {
            if !tracks.contains(where: { $0.language == track.language && $0.automatic == track.automatic }) { tracks.append(track) }
        }
        return VideoInfo(id: id, metadata: metadata, description: details?.shortDescription, captionTracks: tracks, warnings: warnings)
    }

    /// The watch page with the consent cookie, or nil (with a warning) when it cannot be read; its captcha page is a
    /// rate limit, retried later.
    func watchPage(_ id: VideoID, warnings: inout [String]) async throws(ProcessorError) -> YouTubeWatchPage? {
        let reply = try await http.send(
            "\(baseURL)/watch?v=\(id.rawValue)&hl=en",
            method: .GET,
            service: "YouTube watch page",
            headers: [
                ("User-Agent", InnertubeClient.web.userAgent), ("Accept-Language", "en-US,en;q=0.8"), ("Cookie", Self.consentCookie),
            ]
        )
        if reply.status == 429 {
            throw .rateLimited(service: "YouTube", retryAfter: reply.retryAfter, message: "the watch page answered 429 Too Many Requests")
        }
        let page: YouTubeWatchPage
        do {
            page = try YouTubeWatchPage(html: try HTTPFetcher.checked(reply, service: "YouTube watch page").text)
        } catch  where error.isRetryable {
            throw error
        } catch {
            warnings.append("the watch page could not be read (\(error))")
            return nil
        }
        switch page.content {
        case .captcha:
            throw .rateLimited(service: "YouTube", retryAfter: nil, message: "YouTube answered its captcha page: this network sent too many requests")
        case .consent:
            warnings.append("\(YouTubeWall.consent): the publish date comes from elsewhere or stays unknown")
        case .player: break
        }
        return page
    }

    /// The first usable player answer of the configured clients, in order. A client YouTube refuses (HTTP 400: its
    /// version is out of date) or that meets a wall gives way to the next; when none gets through, the first wall is
    /// the error (it says what YouTube said), else the refusal of the clients.
    func playerAnswer(
        _ id: VideoID,
        page: YouTubeWatchPage?,
        warnings: inout [String]
    ) async throws(ProcessorError) -> (player: PlayerResponse, tracks: [CaptionTrack]) {
        var firstWall: YouTubeWall?
        var refused: [(client: InnertubeClient, answer: String)] = []
        for client in clients {
            let service = "YouTube player (\(client))"
            let reply = try await http.send(
                "\(baseURL)/youtubei/v1/player?prettyPrint=false",
                method: .POST,
                service: service,
                json: client.playerRequest(for: id),
                headers: [("User-Agent", client.userAgent), ("X-Goog-Api-Format-Version", "2"), ("Accept-Language", "en-US,en;q=0.8")]
            )
            if reply.status == 400 || reply.status == 403 {
                refused.append((client, Self.errorMessage(reply)))
                continue
            }
            let player = try PlayerResponse.decode(try HTTPFetcher.checked(reply, service: service).body, service: service)
            if let wall = player.wall {
                firstWall = firstWall ?? wall
                continue
            }
            for (client, answer) in refused { warnings.append("YouTube refused the client \(client) (\(answer)): update YOUTUBE_CLIENTS") }
            return (player, player.captionTracks(client: client))
        }
        if let firstWall { throw .wall(firstWall) }
        let rejected = YouTubeWall.clientsRejected(clients: refused.map(\.client.description), answer: refused.first?.answer ?? "no answer")
        if let web = page?.player {
            if let wall = web.wall { throw .wall(wall) }
            // Every client refused, but the watch page plays: worth going on only if some of its tracks carry no gate.
            if web.captionTracks(client: .web).contains(where: { !$0.gated }) {
                warnings.append(rejected.description)
                return (web, [])
            }
        }
        throw .wall(rejected)
    }

    /// `error.message` of a Google API error body (`{"error": {"code": 400, "message": "Precondition check failed."}}`).
    static func errorMessage(_ reply: HTTPFetcher.Reply) -> String {
        let message = JSONValue.parse(reply.body)?["error"]?["message"]?.stringValue
        return "HTTP \(reply.status)" + (message.map { ": \($0)" } ?? "")
    }

    func oEmbed(_ id: VideoID) async throws(ProcessorError) -> OEmbed {
        let encoded = id.canonicalURL.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? id.canonicalURL
        let bytes = try await http.get("\(baseURL)/oembed?format=json&url=\(encoded)", service: "YouTube oEmbed")
        guard let embed = try? JSONDecoder().decode(OEmbed.self, from: Data(bytes)) else {
            throw .invalidResponse(service: "YouTube oEmbed", problem: "not an oEmbed JSON object")
        }
        return embed
    }
}

/// YouTube's oEmbed answer (https://oembed.com), the fields read.
struct OEmbed: Decodable {
    let title: String?
    let authorName: String?

    enum CodingKeys: String, CodingKey {
        case title
        case authorName = "author_name"
    }
}
