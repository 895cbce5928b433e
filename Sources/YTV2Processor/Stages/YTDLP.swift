import Foundation
import YTV2Core
import YTV2Store
import YTV2Subprocess

/// `yt-dlp`, when installed: a second way to the metadata and the subtitles when YouTube's pages do not give them
/// (consent walls, changed page layouts, captions only yt-dlp can reach).
package struct YTDLP: Sendable {
    package let path: String

    package static func available(path: String = ExternalCommand.searchPath) -> YTDLP? {
        ExternalCommand.find("yt-dlp", onPath: path).map(YTDLP.init)
    }

    /// The fields of yt-dlp's info dict (`--dump-json`) that YTV2 reads.
    struct Info: Decodable {
        var title: String?
        var channel: String?
        var uploader: String?
        var channel_id: String?
        var thumbnail: String?
        var duration: Double?
        var view_count: Int?
        /// `YYYYMMDD`.
        var upload_date: String?
        var description: String?
    }

    /// `yt-dlp --dump-json`: the video's metadata.
    func info(_ id: VideoID) async throws(ProcessorError) -> Info {
        let output = try await run(["--dump-json", "--skip-download", "--no-warnings", "--no-playlist", id.canonicalURL])
        do {
            return try JSONDecoder().decode(Info.self, from: Data(output))
        } catch {
            throw .invalidResponse(service: "yt-dlp", problem: "--dump-json did not print its info object: \(error)")
        }
    }

    /// Subtitles (manual or automatic) as json3 files in a temporary folder, for the first language that has some.
    func subtitles(_ id: VideoID, languages: [String]) async throws(ProcessorError) -> Transcript? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-ytdlp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try await run([
            "--skip-download", "--no-warnings", "--no-playlist", "--write-subs", "--write-auto-subs", "--sub-format", "json3/vtt",
            "--sub-langs", languages.map { "\($0).*" }.joined(separator: ","), "-o", folder.path + "/%(id)s.%(ext)s", id.canonicalURL,
        ])
        let files = (try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []
        for language in languages {
            for file in files.sorted() where file.contains(".\(language)") {
                guard let body = try? String(contentsOf: folder.appendingPathComponent(file), encoding: .utf8) else { continue }
                let text = file.hasSuffix(".vtt") ? YouTubeCaptionSource.textFromVTT(body) : ((try? YouTubeCaptionSource.textFromJSON3(body)) ?? "")
                if !text.isEmpty { return Transcript(text: text, language: language) }
            }
        }
        return nil
    }

    private func run(_ arguments: [String]) async throws(ProcessorError) -> [UInt8] {
        try await LocalTool.run(path, arguments, service: "yt-dlp")
    }
}

/// The watch page first; yt-dlp when that fails for a reason other than a flaky network.
package struct MetadataWithFallback: MetadataSource {
    package let primary: any MetadataSource
    package let ytdlp: YTDLP

    package func info(for id: VideoID) async throws(ProcessorError) -> VideoInfo {
        do { return try await primary.info(for: id) } catch {
            guard !error.isRetryable, let info = try? await ytdlp.info(id) else { throw error }
            var metadata = VideoMetadata()
            metadata.contentSource = "youtube"
            metadata.title = info.title
            metadata.channelName = info.channel ?? info.uploader
            metadata.channelID = info.channel_id
            metadata.thumbnailURL = info.thumbnail ?? id.defaultThumbnailURL
            metadata.durationSeconds = info.duration.map { Int($0.rounded()) }
            metadata.viewCount = info.view_count
            metadata.publishedAt = info.upload_date.flatMap(Timestamp.parse)
            return VideoInfo(id: id, metadata: metadata, description: info.description, captionTracks: [])
        }
    }
}

/// The watch page's caption tracks first; yt-dlp's subtitles when there are none or they cannot be read.
package struct TranscriptWithFallback: TranscriptSource {
    package let primary: any TranscriptSource
    package let ytdlp: YTDLP
    package let languages: [String]

    package func transcript(for info: VideoInfo) async throws(ProcessorError) -> Transcript {
        do { return try await primary.transcript(for: info) } catch {
            guard !error.isRetryable, let transcript = try? await ytdlp.subtitles(info.id, languages: languages) else { throw error }
            return transcript
        }
    }
}
