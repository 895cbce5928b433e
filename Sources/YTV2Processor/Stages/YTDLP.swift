import Foundation
import YTV2Core
import YTV2Store

/// `yt-dlp`, when installed: a second way to the metadata and the subtitles when YouTube's pages do not give them
/// (consent walls, changed page layouts, captions only yt-dlp can reach).
public struct YTDLP: Sendable {
    public let path: String

    public static func available(path: String = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") -> YTDLP? {
        path.split(separator: ":").map { "\($0)/yt-dlp" }.first { FileManager.default.isExecutableFile(atPath: $0) }.map(YTDLP.init)
    }

    /// `yt-dlp --dump-json`: the video's metadata as yt-dlp's info dict.
    func info(_ id: VideoID) throws(ProcessorError) -> LooseValue {
        let output = try run(["--dump-json", "--skip-download", "--no-warnings", "--no-playlist", id.canonicalURL])
        guard let value = LooseValue.parse(String(decoding: output, as: UTF8.self)), case .object = value else {
            throw .invalidResponse(service: "yt-dlp", problem: "--dump-json did not print a JSON object")
        }
        return value
    }

    /// Subtitles (manual or automatic) as json3 files in a temporary folder, for the first language that has some.
    func subtitles(_ id: VideoID, languages: [String]) throws(ProcessorError) -> Transcript? {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-ytdlp-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        _ = try run([
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

    private func run(_ arguments: [String]) throws(ProcessorError) -> Data {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        do { try process.run() } catch { throw .invalidResponse(service: "yt-dlp", problem: "cannot start: \(error)") }
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let message = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw .invalidResponse(
                service: "yt-dlp",
                problem: "exit \(process.terminationStatus): \(String(decoding: message.prefix(300), as: UTF8.self))"
            )
        }
        return data
    }
}

/// The watch page first; yt-dlp when that fails for a reason other than a flaky network.
public struct MetadataWithFallback: MetadataSource {
    public let primary: any MetadataSource
    public let ytdlp: YTDLP

    public func info(for id: VideoID) async throws(ProcessorError) -> VideoInfo {
        do { return try await primary.info(for: id) } catch {
            guard !error.isRetryable, let value = try? ytdlp.info(id) else { throw error }
            var metadata = VideoMetadata()
            metadata.contentSource = "youtube"
            metadata.title = value["title"]?.stringValue
            metadata.channelName = value["channel"]?.stringValue ?? value["uploader"]?.stringValue
            metadata.channelID = value["channel_id"]?.stringValue
            metadata.thumbnailURL = value["thumbnail"]?.stringValue ?? id.defaultThumbnailURL
            if case .number(let seconds)? = value["duration"] { metadata.durationSeconds = Int(seconds) }
            if case .number(let views)? = value["view_count"] { metadata.viewCount = Int(views) }
            metadata.publishedAt = value["upload_date"]?.stringValue.flatMap(Timestamp.parse)
            return VideoInfo(id: id, metadata: metadata, description: value["description"]?.stringValue, captionTracks: [])
        }
    }
}

/// The watch page's caption tracks first; yt-dlp's subtitles when there are none or they cannot be read.
public struct TranscriptWithFallback: TranscriptSource {
    public let primary: any TranscriptSource
    public let ytdlp: YTDLP
    public let languages: [String]

    public func transcript(for info: VideoInfo) async throws(ProcessorError) -> Transcript {
        do { return try await primary.transcript(for: info) } catch {
            guard !error.isRetryable, let transcript = try? ytdlp.subtitles(info.id, languages: languages) else { throw error }
            return transcript
        }
    }
}
