import Foundation
import YTV2Core
import YTV2Store
import YTV2Subprocess

/// `yt-dlp`, when installed: a second way to the metadata and the subtitles when YouTube's answers do not give them
/// (a flagged IP with cookies, captions that need a proof-of-origin token, layouts changed faster than this code).
/// Distribution packages lag behind YouTube; the README says how to install a current one from PyPI.
package struct YTDLP: Sendable {
    package let path: String
    /// A Netscape-format cookies file (`YTDLP_COOKIES`): a signed-in browser's cookies get past the bot check and the
    /// age gate.
    package var cookies: String?
    package var timeout: Duration = .seconds(180)

    package init(path: String, cookies: String? = nil, timeout: Duration = .seconds(180)) {
        self.path = path
        self.cookies = cookies
        self.timeout = timeout
    }

    package static func available(path: String = ExternalCommand.searchPath) -> YTDLP? {
        ExternalCommand.find("yt-dlp", onPath: path).map { YTDLP(path: $0) }
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
        /// The video's language, when YouTube says it.
        var language: String?
    }

    /// Options every call shares: no playlist, a formats error is not fatal (only metadata and subtitles are wanted),
    /// cookies when configured.
    var commonArguments: [String] {
        ["--skip-download", "--ignore-no-formats-error", "--no-playlist"] + (cookies.map { ["--cookies", $0] } ?? [])
    }

    /// `yt-dlp --dump-json`: the video's metadata.
    func info(_ id: VideoID) async throws(ProcessorError) -> Info {
        let result = try await LocalTool.finish(path, commonArguments + ["--dump-json", id.canonicalURL], service: "yt-dlp", timeout: timeout)
        guard let info = try? JSONDecoder().decode(Info.self, from: Data(result.standardOutput)) else {
            throw .invalidResponse(
                service: "yt-dlp",
                problem: "--dump-json printed no info object (exit \(result.status)): \(Self.lastLines(result.standardError))"
            )
        }
        return info
    }

    /// The subtitle keys asked for, best first: the original language's manual track, then its speech-recognition track
    /// (`<lang>-orig`: yt-dlp's name for the automatic track in the spoken language; any `-orig` when the language is
    /// not known), then the preferred languages. Exact names, never `en.*`, which also matches every track YouTube
    /// machine-translates into English.
    static func subtitleKeys(original: String?, preferred: [String]) -> [String] {
        var keys: [String] = []
        if let original { keys += [original, "\(original)-orig"] }
        keys.append(".*-orig")
        for language in preferred where !keys.contains(language) { keys.append(language) }
        return keys
    }

    /// Subtitles in a temporary folder: written for each key that exists, read whatever yt-dlp's exit status (one
    /// failed track must not cost the others), the best key's file taken. yt-dlp's own complaint is kept in the error.
    func subtitles(_ id: VideoID, original: String?, languages: [String]) async throws(ProcessorError) -> Transcript {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-ytdlp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        let keys = Self.subtitleKeys(original: original, preferred: languages)
        let result = try await LocalTool.finish(
            path,
            commonArguments + [
                "--ignore-errors", "--write-subs", "--write-auto-subs", "--sub-format", "json3/srv3/vtt", "--sub-langs", keys.joined(separator: ","),
                "-o", folder.path + "/%(id)s.%(ext)s", id.canonicalURL,
            ],
            service: "yt-dlp",
            timeout: timeout
        )
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).sorted()
        // `<id>.<key>.<ext>`: the key is what lies between the id and the extension.
        func key(of file: String) -> String { String(file.dropFirst(id.rawValue.count + 1).split(separator: ".").dropLast().joined(separator: ".")) }
        let ranked = files.sorted { Self.rank(key(of: $0), keys: keys) < Self.rank(key(of: $1), keys: keys) }
        for file in ranked {
            guard let bytes = try? Array(Data(contentsOf: folder.appendingPathComponent(file))),
                let text = try? CaptionText.text(from: bytes), !text.isEmpty
            else { continue }
            let language = key(of: file).replacingOccurrences(of: "-orig", with: "")
            return Transcript(text: text, language: language)
        }
        throw .noTranscript(
            "yt-dlp found no subtitles in \(keys.joined(separator: ", ")) (exit \(result.status))"
                + (result.standardError.isEmpty ? "" : ": \(Self.lastLines(result.standardError))")
        )
    }

    /// A file's place among the keys asked (`.*-orig` ranks every original-language automatic track).
    static func rank(_ key: String, keys: [String]) -> Int {
        if let index = keys.firstIndex(of: key) { return index }
        if key.hasSuffix("-orig"), let index = keys.firstIndex(of: ".*-orig") { return index }
        return keys.count
    }

    static func lastLines(_ text: String) -> String {
        text.split(separator: "\n").suffix(3).joined(separator: " | ").prefix(400).description
    }
}

/// YouTube's answers first; yt-dlp when they fail for a reason other than a passing one (a flaky network, a rate
/// limit: those go back to the queue). When yt-dlp fails too, the error says both.
package struct MetadataWithFallback: MetadataSource {
    package let primary: any MetadataSource
    package let ytdlp: YTDLP

    package func info(for id: VideoID) async throws(ProcessorError) -> VideoInfo {
        do { return try await primary.info(for: id) } catch  where !error.isRetryable {
            let info: YTDLP.Info
            do { info = try await ytdlp.info(id) } catch let fallback {
                throw Self.combined(error, fallback)
            }
            var metadata = VideoMetadata()
            metadata.contentSource = "youtube"
            metadata.title = info.title
            metadata.channelName = info.channel ?? info.uploader
            metadata.channelID = info.channel_id
            metadata.thumbnailURL = info.thumbnail ?? id.defaultThumbnailURL
            metadata.durationSeconds = info.duration.map { Int($0.rounded()) }
            metadata.viewCount = info.view_count
            metadata.publishedAt = info.upload_date.flatMap(Timestamp.parse)
            return VideoInfo(
                id: id,
                metadata: metadata,
                description: info.description,
                captionTracks: [],
                warnings: ["YouTube's answers failed (\(error)); the metadata comes from yt-dlp"]
            )
        }
    }

    /// The first error, with the fallback's failure added to its text (walls keep their remedy in front).
    static func combined(_ error: ProcessorError, _ fallback: ProcessorError) -> ProcessorError {
        switch error {
        case .wall(let wall): .unavailable("\(wall); yt-dlp failed too: \(fallback)")
        case .noTranscript(let detail): .noTranscript("\(detail); yt-dlp failed too: \(fallback)")
        default: .invalidResponse(service: "YouTube", problem: "\(error); yt-dlp failed too: \(fallback)")
        }
    }
}

/// The caption tracks first; yt-dlp's subtitles when there are none that answer.
package struct TranscriptWithFallback: TranscriptSource {
    package let primary: any TranscriptSource
    package let ytdlp: YTDLP
    package let languages: [String]

    package func transcript(for info: VideoInfo) async throws(ProcessorError) -> Transcript {
        do { return try await primary.transcript(for: info) } catch  where !error.isRetryable {
            do { return try await ytdlp.subtitles(info.id, original: info.originalLanguage, languages: languages) } catch let fallback {
                throw MetadataWithFallback.combined(error, fallback)
            }
        }
    }
}
