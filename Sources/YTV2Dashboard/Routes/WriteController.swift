import Foundation
import Hummingbird
import YTV2Core
import YTV2Store

/// The authenticated writes: delete (admin token) and ingest of reports and audio (ingest token).
struct WriteController: Sendable {
    /// The one writer of videos: deletes and ingested results are committed here.
    let videos: VideoStore
    /// Resolves the ids a request names and reads back what was stored.
    let reports: ReportReader
    let adminToken: Token?
    let ingestToken: Token?
    /// Dropped once a write has committed: this process's own writes show on the next read without waiting for the
    /// change feed.
    let caches: ReadCaches

    static let maximumReportBytes = 2 * 1024 * 1024
    static let maximumAudioBytes = 50 * 1024 * 1024

    /// The answer of every delete form: this API's fields (`deleted`, `summaries`, `audio`) and the legacy's (`message`,
    /// `deleted_files`, `errors`, `idempotent`; the legacy frontend reads them).
    struct DeleteResponse: ResponseEncodableJSON {
        let status: String
        let message: String
        let deleted: String
        let deleted_files: [String]
        let errors: [String]
        let idempotent: Bool
        let summaries: Int
        let audio: Int
    }

    /// `POST /api/upload-audio`'s answer, the legacy's shape.
    struct UploadAudioResponse: ResponseEncodableJSON {
        let success: Bool
        let filename: String
        let size: Int
        let video_id: String
    }

    /// `{"upserted", "video_id", "summaries_added", "item", "ignored", "warnings"}`: the ignored fields of the payload
    /// by path (`summary_variants[].html`, `processor_info`, ...), and the repairs made to stored values.
    static func ingestBody(_ outcome: WriteOutcome, record: ReportRecord, parsed: IngestReport.Parsed) -> ByteBuffer {
        var json = JSONWriter(capacity: 16_384)
        json.beginObject()
        json.key("upserted")
        json.bool(true)
        json.key("video_id")
        json.string(outcome.videoID.rawValue)
        json.key("summaries_added")
        json.integer(outcome.summariesAdded)
        json.key("item")
        ReportItem(record, form: .full).write(to: &json)
        json.key("ignored")
        json.strings(parsed.ignored)
        json.key("warnings")
        json.strings(parsed.warnings)
        json.endObject()
        return json.buffer
    }

    struct AudioResponse: ResponseEncodableJSON {
        let saved: Bool
        let public_url: String
        let bytes: Int
        let sha256: String
    }

    func addRoutes(to router: Router<some RequestContext>) {
        router.delete("/api/delete/{id}") { request, context in try await delete(request, id: context.parameters.decoded("id")) }
        router.post("/api/delete/{id}") { request, context in try await delete(request, id: context.parameters.decoded("id")) }
        // The legacy forms: the id in the query string, or in a JSON body.
        router.post("/api/delete") { request, _ in try await delete(request, id: try await Self.legacyDeleteID(request)) }
        router.post("/api/upload-audio") { request, _ in try await uploadAudio(request) }
        router.post("/ingest/report") { request, _ in try await ingestReport(request) }
        router.post("/ingest/audio") { request, _ in try await ingestAudio(request) }
    }

    /// Deletes, idempotently as the legacy did: an unknown id, or one already deleted, is a success that says so
    /// (`idempotent: true`); the legacy frontend shows an error for anything else.
    func delete(_ request: Request, id: String) async throws -> Response {
        try Token.requireBearer(adminToken, in: request)
        guard let videoID = try await reports.resolve(id) ?? (try? VideoID(apiID: id)) else {
            return try JSONBody.response(Self.nothingDeleted(id, message: "no report with id \(id.prefix(64)); nothing to delete"))
        }
        do {
            let outcome = try await videos.delete(videoID, actor: "dashboard:admin", reason: "deleted from the dashboard")
            await caches.invalidate(videos: [videoID.rawValue])
            let body = DeleteResponse(
                status: "success",
                message: "deleted \(videoID.apiID): \(outcome.summariesDeleted) summaries, \(outcome.audioDeleted) audio",
                deleted: videoID.apiID,
                deleted_files: [],
                errors: [],
                idempotent: false,
                summaries: outcome.summariesDeleted,
                audio: outcome.audioDeleted
            )
            return CommitPosition.remembered(outcome.commitPosition, in: try JSONBody.response(body))
        } catch StoreError.videoNotFound(_, let deletedAt) {
            let message =
                deletedAt.map { "video \(videoID) was already deleted at \(APIDate.string($0)); nothing to delete" }
                ?? "no report with id \(videoID); nothing to delete"
            return try JSONBody.response(Self.nothingDeleted(videoID.apiID, message: message))
        }
    }

    static func nothingDeleted(_ id: String, message: String) -> DeleteResponse {
        DeleteResponse(
            status: "success",
            message: message,
            deleted: String(id.prefix(64)),
            deleted_files: [],
            errors: [],
            idempotent: true,
            summaries: 0,
            audio: 0
        )
    }

    /// The id of `POST /api/delete`: `?id=`, else `{"id": "…"}` in the body (`video_id` is read too).
    static func legacyDeleteID(_ request: Request) async throws -> String {
        if let id = try FormQuery(request).get("id"), !id.isEmpty { return id }
        var request = request
        let body = try await request.collectBody(upTo: 64 * 1024)
        guard body.readableBytes > 0 else { throw APIError.badParameter("id", "is required: ?id=<id>, or a JSON body {\"id\": \"<id>\"}") }
        guard let value = JSONValue.parse(body.readableBytesView), case .object(let fields) = value else {
            throw APIError(.badRequest, code: "invalid_json", message: "the body must be a JSON object such as {\"id\": \"<id>\"}")
        }
        guard let id = (fields["id"] ?? fields["video_id"])?.stringValue, !id.isEmpty else {
            throw APIError.badParameter("id", "is required: a JSON body {\"id\": \"<id>\"}")
        }
        return id
    }

    /// `POST /api/upload-audio`: the legacy NAS sync's audio upload. A multipart `audio` file whose name carries the
    /// video's id (`<video_id>_<timestamp>.mp3`, `audio_<video_id>.mp3`, a report stem); the name only finds the video,
    /// it is never used as a path. The admin or the ingest token, as a bearer token or in `X-INGEST-TOKEN`.
    func uploadAudio(_ request: Request) async throws -> UploadAudioResponse {
        let bearer = (request.headers[.authorization] ?? "").hasPrefix("Bearer ") ? String((request.headers[.authorization] ?? "").dropFirst(7)) : ""
        let header = request.headers[Token.ingestHeader] ?? ""
        let accepted = [adminToken, ingestToken].compactMap { $0 }.contains { token in
            (!bearer.isEmpty && token.matches(bearer)) || (!header.isEmpty && token.matches(header))
        }
        guard adminToken != nil || ingestToken != nil else {
            throw APIError.unauthorized("this route is disabled: no admin or ingest token is configured")
        }
        guard accepted else { throw APIError.unauthorized("missing or invalid token (the admin or ingest token, as a bearer token)") }
        let boundary = try AudioUploadForm.boundary(from: request.headers[.contentType] ?? "")
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumAudioBytes + 64 * 1024)
        let file = try LegacyAudioFile(body: body, boundary: boundary)
        guard file.bytes.count <= Self.maximumAudioBytes else {
            throw APIError(.contentTooLarge, code: "too_large", message: "audio is larger than 50 MiB")
        }
        guard MP3.looksLikeMP3(file.bytes) else {
            throw APIError(.badRequest, code: "invalid_fields", message: "invalid fields: audio is not an MP3 (no ID3 tag or MPEG frame header)")
        }
        guard let videoID = try await videoID(inFileName: file.name) else {
            throw APIError.notFound("no video matches the file name \(file.name.prefix(80)); name the file after the video's id")
        }
        do {
            _ = try await videos.commit(
                VideoWrite(videoID: videoID, audio: AudioDraft(bytes: file.bytes), actor: "dashboard:upload-audio")
            )
            await caches.invalidate(videos: [videoID.rawValue])
        } catch StoreError.videoDeleted(let id, let deletedAt) {
            throw APIError(.conflict, code: "deleted", message: "video \(id) was deleted at \(APIDate.string(deletedAt))")
        }
        return UploadAudioResponse(success: true, filename: file.name, size: file.bytes.count, video_id: videoID.rawValue)
    }

    /// The stored video a legacy audio file's name names: its stem as an id or report stem, without an `audio_` prefix,
    /// else any 11-character id between underscores that is stored.
    func videoID(inFileName name: String) async throws -> VideoID? {
        var stem = Substring(name.split(separator: "/").last ?? "")
        if stem.lowercased().hasSuffix(".mp3") { stem = stem.dropLast(4) }
        var candidates = [String(stem)]
        if stem.lowercased().hasPrefix("audio_") { candidates.append(String(stem.dropFirst(6))) }
        for candidate in candidates where !candidate.isEmpty {
            if let found = try await reports.resolve(candidate) { return found }
        }
        let characters = Array(stem)
        guard characters.count >= 11 else { return nil }
        for start in 0...(characters.count - 11) {
            let end = start + 11
            guard start == 0 || characters[start - 1] == "_", end == characters.count || characters[end] == "_" || characters[end] == "." else {
                continue
            }
            if let id = try? VideoID(String(characters[start..<end])), let found = try await reports.resolve(id.rawValue) {
                return found
            }
        }
        return nil
    }

    func ingestReport(_ request: Request) async throws -> Response {
        try Token.requireIngest(ingestToken, in: request)
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumReportBytes)
        let parsed = try IngestReport.parse(Array(buffer: body))
        var write = parsed.write
        write.revive = try FormQuery(request).get("force") == "true"
        let outcome: WriteOutcome
        do {
            outcome = try await videos.commit(write)
            await caches.invalidate(videos: [write.videoID.rawValue])
        } catch StoreError.videoDeleted(let id, let deletedAt) {
            throw APIError(
                .conflict,
                code: "deleted",
                message: "video \(id) was deleted at \(APIDate.string(deletedAt)); send ?force=true to bring it back"
            )
        }
        guard let record = try await reports.report(id: write.videoID.rawValue) else {
            throw APIError(.internalServerError, code: "internal_error", message: "the report was stored but cannot be read back")
        }
        let response = JSONBody.response(Self.ingestBody(outcome, record: record, parsed: parsed))
        return CommitPosition.remembered(outcome.commitPosition, in: response)
    }

    func ingestAudio(_ request: Request) async throws -> AudioResponse {
        try Token.requireIngest(ingestToken, in: request)
        let boundary = try AudioUploadForm.boundary(from: request.headers[.contentType] ?? "")
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumAudioBytes + 64 * 1024)
        let form = try AudioUploadForm(body: body, boundary: boundary)
        let rawID = form.video_id?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        guard let videoID = try? VideoID(apiID: rawID) else {
            throw APIError(.badRequest, code: "invalid_fields", message: "invalid fields: video_id (\(VideoIDError(input: rawID)))")
        }
        guard let audio = form.audio, !audio.isEmpty else {
            throw APIError(.badRequest, code: "invalid_fields", message: "invalid fields: audio (missing or empty)")
        }
        guard audio.count <= Self.maximumAudioBytes else {
            throw APIError(.contentTooLarge, code: "too_large", message: "audio is larger than 50 MiB")
        }
        let bytes = Array(audio)
        guard MP3.looksLikeMP3(bytes) else {
            throw APIError(.badRequest, code: "invalid_fields", message: "invalid fields: audio is not an MP3 (no ID3 tag or MPEG frame header)")
        }
        guard try await reports.resolve(videoID.rawValue) != nil else {
            throw APIError.notFound("no report with id \(videoID); ingest the report first")
        }
        let outcome: WriteOutcome
        do {
            outcome = try await videos.commit(
                VideoWrite(videoID: videoID, audio: AudioDraft(bytes: bytes), actor: "dashboard:ingest")
            )
            await caches.invalidate(videos: [videoID.rawValue])
        } catch StoreError.videoDeleted(let id, let deletedAt) {
            throw APIError(.conflict, code: "deleted", message: "video \(id) was deleted at \(APIDate.string(deletedAt))")
        }
        return AudioResponse(
            saved: true,
            public_url: ReportItem.audioURL(videoID),
            bytes: bytes.count,
            sha256: outcome.audioSHA256 ?? ""
        )
    }
}
