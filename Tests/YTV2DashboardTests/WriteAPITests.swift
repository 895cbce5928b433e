import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import Testing
import YTV2Core
import YTV2Store
import YTV2TestSupport

@Suite struct WriteAPITests {
    static func bearer(_ token: String) -> HTTPFields { [.authorization: "Bearer \(token)"] }
    static func ingest(_ token: String) -> HTTPFields { [HTTPField.Name("X-INGEST-TOKEN")!: token, .contentType: "application/json"] }

    static func report(_ id: String, title: String = "Ingested", text: String = "**Big:** idea") -> ByteBuffer {
        let json: [String: Any] = [
            "id": "yt:\(id)", "content_source": "youtube", "title": title, "duration_seconds": 321,
            "published_at": "2024-03-05T10:20:30Z",
            "source_metadata": ["youtube": ["video_id": id, "channel_name": "Tom Scott", "view_count": 10]],
            "analysis": [
                "categories": [["category": "Technology", "subcategories": ["Web Development"]]], "language": "en",
                "content_type": "Tutorial", "key_topics": ["swift"],
            ],
            "summary": [
                "summary_type": "comprehensive", "language": "en",
                "variants": [["variant": "comprehensive", "kind": "text", "text": text], ["variant": "key_points", "kind": "text", "text": "- a"]],
            ],
        ]
        return ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: json))
    }

    struct IngestBody: Decodable {
        let upserted: Bool
        let video_id: String
        let summaries_added: Int
        let item: Item
    }

    @Test func deleteNeedsTheAdminTokenAndStaysDeleted() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 3)
            for headers: HTTPFields in [[:], Self.bearer("wrong"), [.authorization: "Basic \(Harness.adminToken)"], Self.bearer("")] {
                try await client.execute(uri: "/api/delete/vid00000000", method: .delete, headers: headers) { response in
                    #expect(response.status == .unauthorized)
                }
            }
            #expect(try await ReportReader(store: store).videoCount() == 3)
            // Read first, so the list and the report are in the response cache when the delete lands.
            #expect(try await client.getJSON("/api/reports", as: ListBody.self).reports.map(\.video_id).contains("vid00000000"))
            _ = try await client.getJSON("/api/reports/vid00000000", as: Item.self)
            struct Deleted: Decodable {
                let status: String
                let deleted: String
                let summaries: Int
                let audio: Int
            }
            let deleted = try await client.execute(uri: "/api/delete/vid00000000", method: .delete, headers: Self.bearer(Harness.adminToken)) {
                #expect($0.status == .ok)
                return try JSONDecoder().decode(Deleted.self, from: $0.body)
            }
            #expect(deleted.status == "success" && deleted.deleted == "yt:vid00000000" && deleted.summaries == 1 && deleted.audio == 1)
            // At once, not after the change feed: the delete dropped what the read routes kept.
            #expect(try await !client.getJSON("/api/reports", as: ListBody.self).reports.map(\.video_id).contains("vid00000000"))
            _ = try await client.getJSON("/api/reports/vid00000000", as: APIErrorBody.self, status: .notFound)
            // A second delete is answered as the legacy did: a success that says nothing was left to delete.
            try await client.execute(uri: "/api/delete/vid00000000", method: .delete, headers: Self.bearer(Harness.adminToken)) { response in
                #expect(response.status == .ok)
                let again = try JSONDecoder().decode(LegacyDeleted.self, from: response.body)
                #expect(again.idempotent && again.message.contains("deleted at") && again.errors.isEmpty && again.deleted_files.isEmpty)
            }
            // POST works too, legacy ids resolve, and a percent-encoded id (as browsers send it) is decoded.
            try await client.execute(uri: "/api/delete/yt%3Avid00000001", method: .post, headers: Self.bearer(Harness.adminToken)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/delete/yt:AAAAAAAAAAA", method: .delete, headers: Self.bearer(Harness.adminToken)) {
                #expect($0.status == .ok)
                let decoded = try JSONDecoder().decode(LegacyDeleted.self, from: $0.body)
                #expect(decoded.idempotent)
            }
            #expect(try await ReportReader(store: store).videoCount() == 1)
            _ = try await client.getJSON("/api/reports/vid00000000", as: APIErrorBody.self, status: .notFound)
        }
    }

    /// The legacy answer's fields, beside this API's.
    struct LegacyDeleted: Decodable {
        let status: String
        let message: String
        let deleted: String
        let deleted_files: [String]
        let errors: [String]
        let idempotent: Bool
    }

    @Test func theLegacyDeleteFormsDeleteAndAnUnknownIdIsIdempotent() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 3)
            // ?id= and a JSON body, as the legacy frontend and scripts sent them.
            try await client.execute(uri: "/api/delete?id=vid00000000", method: .post, headers: Self.bearer(Harness.adminToken)) {
                #expect($0.status == .ok)
                let body = try JSONDecoder().decode(LegacyDeleted.self, from: $0.body)
                #expect(body.status == "success" && body.deleted == "yt:vid00000000" && !body.idempotent)
            }
            var headers = Self.bearer(Harness.adminToken)
            headers[.contentType] = "application/json"
            try await client.execute(uri: "/api/delete", method: .post, headers: headers, body: ByteBuffer(string: #"{"id": "yt:vid00000001"}"#)) {
                #expect($0.status == .ok)
                let decoded = try JSONDecoder().decode(LegacyDeleted.self, from: $0.body)
                #expect(decoded.deleted == "yt:vid00000001")
            }
            #expect(try await ReportReader(store: store).videoCount() == 1)
            // A short id deletes nothing else (the legacy matched LIKE '%id%').
            try await client.execute(uri: "/api/delete?id=vid", method: .post, headers: Self.bearer(Harness.adminToken)) {
                #expect($0.status == .ok)
                let decoded = try JSONDecoder().decode(LegacyDeleted.self, from: $0.body)
                #expect(decoded.idempotent)
            }
            #expect(try await ReportReader(store: store).videoCount() == 1)
            // Without an id, or with a body that is not JSON: 400 naming it; without the token: 401.
            try await client.execute(uri: "/api/delete", method: .post, headers: Self.bearer(Harness.adminToken)) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/api/delete", method: .post, headers: headers, body: ByteBuffer(string: "{id")) {
                #expect($0.status == .badRequest)
            }
            try await client.execute(uri: "/api/delete?id=vid00000002", method: .post) { #expect($0.status == .unauthorized) }
            #expect(try await ReportReader(store: store).videoCount() == 1)
        }
    }

    @Test func unconfiguredTokensDisableTheRoutes() async throws {
        try await Harness.withDashboard(adminToken: nil, ingestToken: nil) { client, store in
            try await TestVideos.seed(store, count: 1)
            try await client.execute(uri: "/api/delete/vid00000000", method: .delete, headers: Self.bearer("")) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/ingest/report", method: .post, headers: Self.ingest(""), body: Self.report("dQw4w9WgXcQ")) {
                #expect($0.status == .unauthorized)
            }
            #expect(try await ReportReader(store: store).videoCount() == 1)
        }
    }

    @Test func ingestUpsertsKeepsCurationAndRefusesTombstones() async throws {
        try await Harness.withDashboard { client, store in
            for token in ["", "wrong"] {
                try await client.execute(uri: "/ingest/report", method: .post, headers: Self.ingest(token), body: Self.report("dQw4w9WgXcQ")) {
                    #expect($0.status == .unauthorized)
                }
            }
            let first = try await client.execute(
                uri: "/ingest/report",
                method: .post,
                headers: Self.ingest(Harness.ingestToken),
                body: Self.report("dQw4w9WgXcQ")
            ) {
                #expect($0.status == .ok)
                return try JSONDecoder().decode(IngestBody.self, from: $0.body)
            }
            #expect(first.upserted && first.video_id == "dQw4w9WgXcQ" && first.summaries_added == 2)
            #expect(first.item.id == "yt:dQw4w9WgXcQ")
            #expect(first.item.channel_name == "Tom Scott")
            #expect(first.item.summary_variants.map(\.variant) == ["comprehensive", "bullet-points"])

            // Same report again: nothing new. Curated categories survive a re-ingest.
            let curated = [CategoryEntry(category: "History", subcategories: ["Biographies"])]
            try await VideoStore(store: store).commit(
                VideoWrite(videoID: Harness.id("dQw4w9WgXcQ"), categorization: Categorization(entries: curated, origin: .curated), actor: "admin")
            )
            let second = try await client.execute(
                uri: "/ingest/report",
                method: .post,
                headers: Self.ingest(Harness.ingestToken),
                body: Self.report("dQw4w9WgXcQ")
            ) { try JSONDecoder().decode(IngestBody.self, from: $0.body) }
            #expect(second.summaries_added == 0)
            #expect(second.item.analysis.categories == curated)

            try await VideoStore(store: store).delete(Harness.id("dQw4w9WgXcQ"), actor: "admin")
            try await client.execute(
                uri: "/ingest/report",
                method: .post,
                headers: Self.ingest(Harness.ingestToken),
                body: Self.report("dQw4w9WgXcQ")
            ) {
                #expect($0.status == .conflict)
                let error = try JSONDecoder().decode(APIErrorBody.self, from: $0.body)
                #expect(error.error == "deleted")
            }
            #expect(try await ReportReader(store: store).videoCount() == 0)
            try await client.execute(
                uri: "/ingest/report?force=true",
                method: .post,
                headers: Self.ingest(Harness.ingestToken),
                body: Self.report("dQw4w9WgXcQ")
            ) { #expect($0.status == .ok) }
            #expect(try await ReportReader(store: store).videoCount() == 1)
        }
    }

    @Test func badIngestBodiesAreAnsweredAndChangeNothing() async throws {
        try await Harness.withDashboard { client, store in
            let headers = Self.ingest(Harness.ingestToken)
            let bad: [(String, String)] = [
                ("{not json", "invalid_json"), ("[1,2]", "invalid_json"), (#"{"title": "no id"}"#, "invalid_fields"),
                (#"{"video_id": "short"}"#, "invalid_fields"), (#"{"video_id": "dQw4w9WgXcQ", "duration_seconds": -5}"#, "invalid_fields"),
                (#"{"video_id": "dQw4w9WgXcQ", "title": 12}"#, "invalid_fields"),
                (#"{"video_id": "dQw4w9WgXcQ", "summary": {"variants": [{"variant": "<b>", "text": "x"}]}}"#, "invalid_fields"),
                (#"{"video_id": "dQw4w9WgXcQ", "published_at": "someday"}"#, "invalid_fields"),
            ]
            for (body, code) in bad {
                try await client.execute(uri: "/ingest/report", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest, "\(body)")
                    let error = try JSONDecoder().decode(APIErrorBody.self, from: response.body)
                    #expect(error.error == code)
                }
            }
            let huge = ByteBuffer(repeating: UInt8(ascii: "x"), count: 2 * 1024 * 1024 + 10)
            try await client.execute(uri: "/ingest/report", method: .post, headers: headers, body: huge) { response in
                #expect(response.status == .contentTooLarge)
            }
            #expect(try await ReportReader(store: store).videoCount() == 0)
        }
    }

    @Test func audioIngestChecksTheFileAndServesIt() async throws {
        try await Harness.withDashboard { client, store in
            try await client.execute(
                uri: "/ingest/report",
                method: .post,
                headers: Self.ingest(Harness.ingestToken),
                body: Self.report("dQw4w9WgXcQ")
            ) {
                #expect($0.status == .ok)
            }
            func multipart(_ id: String, _ audio: [UInt8]) -> (HTTPFields, ByteBuffer) {
                let boundary = "----ytv2boundary"
                var body = ByteBuffer()
                body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"video_id\"\r\n\r\n\(id)\r\n")
                body.writeString(
                    "--\(boundary)\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.mp3\"\r\nContent-Type: audio/mpeg\r\n\r\n"
                )
                body.writeBytes(audio)
                body.writeString("\r\n--\(boundary)--\r\n")
                var headers = Self.ingest(Harness.ingestToken)
                headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
                return (headers, body)
            }
            // Bodies that are not the form: each refused with a 400 that names the problem.
            var cut = multipart("dQw4w9WgXcQ", TestAudio.mp3(3000))
            cut.1 = cut.1.getSlice(at: 0, length: 200)!
            try await client.execute(uri: "/ingest/audio", method: .post, headers: cut.0, body: cut.1) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("invalid_multipart"), "\(String(buffer: response.body))")
            }
            var noAudio = multipart("dQw4w9WgXcQ", [])
            noAudio.1 = ByteBuffer(
                string: "------ytv2boundary\r\nContent-Disposition: form-data; name=\"video_id\"\r\n\r\ndQw4w9WgXcQ\r\n------ytv2boundary--\r\n"
            )
            try await client.execute(uri: "/ingest/audio", method: .post, headers: noAudio.0, body: noAudio.1) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("audio (missing or empty)"), "\(String(buffer: response.body))")
            }
            var notAForm = Self.ingest(Harness.ingestToken)
            notAForm[.contentType] = "application/octet-stream"
            try await client.execute(uri: "/ingest/audio", method: .post, headers: notAForm, body: ByteBuffer(bytes: TestAudio.mp3(100))) {
                response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("multipart/form-data"))
            }
            let (notMP3Headers, notMP3) = multipart("dQw4w9WgXcQ", Array("<html>not audio</html>".utf8))
            try await client.execute(uri: "/ingest/audio", method: .post, headers: notMP3Headers, body: notMP3) { #expect($0.status == .badRequest) }
            let audio = TestAudio.mp3(5000)
            let (headers, body) = multipart("dQw4w9WgXcQ", audio)
            struct Saved: Decodable {
                let saved: Bool
                let public_url: String
                let bytes: Int
                let sha256: String
            }
            let saved = try await client.execute(uri: "/ingest/audio", method: .post, headers: headers, body: body) {
                #expect($0.status == .ok)
                return try JSONDecoder().decode(Saved.self, from: $0.body)
            }
            #expect(saved.saved && saved.bytes == 5000 && saved.public_url == "/exports/by_video/dQw4w9WgXcQ.mp3")
            try await client.execute(uri: saved.public_url, method: .get) { response in
                #expect(response.status == .ok)
                #expect(Array(buffer: response.body) == audio)
                #expect(response.headers[.eTag] == "\"\(saved.sha256)\"")
            }
        }
    }
}
