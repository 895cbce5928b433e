import Foundation
import Hummingbird
import YTV2Core
import YTV2Store

/// The authenticated writes: delete (admin token) and ingest of reports and audio (ingest token).
struct WriteController: Sendable {
    let store: Store
    let adminToken: Token?
    let ingestToken: Token?
    /// Dropped once a write has committed: this process's own writes show on the next read without waiting for the
    /// change feed.
    let caches: ReadCaches

    static let maximumReportBytes = 2 * 1024 * 1024
    static let maximumAudioBytes = 50 * 1024 * 1024

    struct DeleteResponse: ResponseEncodableJSON {
        let status: String
        let deleted: String
        let summaries: Int
        let audio: Int
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
        router.post("/ingest/report") { request, _ in try await ingestReport(request) }
        router.post("/ingest/audio") { request, _ in try await ingestAudio(request) }
    }

    func delete(_ request: Request, id: String) async throws -> Response {
        try Token.requireBearer(adminToken, in: request)
        guard let videoID = try await store.resolve(id) ?? (try? VideoID(apiID: id)) else {
            throw APIError.notFound("no report with id \(id.prefix(64))")
        }
        do {
            let outcome = try await store.delete(videoID, actor: "dashboard:admin", reason: "deleted from the dashboard")
            await caches.invalidate()
            let body = DeleteResponse(status: "success", deleted: videoID.apiID, summaries: outcome.summariesDeleted, audio: outcome.audioDeleted)
            return CommitPosition.remembered(outcome.commitPosition, in: try JSONBody.response(body))
        } catch StoreError.videoNotFound(_, let deletedAt?) {
            throw APIError.notFound("video \(videoID) was already deleted at \(APIDate.string(deletedAt))")
        }
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
            outcome = try await store.commit(write)
            await caches.invalidate()
        } catch StoreError.videoDeleted(let id, let deletedAt) {
            throw APIError(
                .conflict,
                code: "deleted",
                message: "video \(id) was deleted at \(APIDate.string(deletedAt)); send ?force=true to bring it back"
            )
        }
        guard let record = try await store.report(id: write.videoID.rawValue) else {
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
        guard try await store.resolve(videoID.rawValue) != nil else {
            throw APIError.notFound("no report with id \(videoID); ingest the report first")
        }
        let outcome: WriteOutcome
        do {
            outcome = try await store.commit(VideoWrite(videoID: videoID, audio: AudioDraft(bytes: bytes), actor: "dashboard:ingest"))
            await caches.invalidate()
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
