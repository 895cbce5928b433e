import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import Testing
import YTV2Core
import YTV2Store
import YTV2TestSupport

/// The legacy clients, as they really talk: the legacy processor's ingest client (its flat payload, its health
/// check, its deletes by report stem) and the SQLite-era frontend (form-encoded queries, singular facet keys,
/// `summary.content`, HEAD requests).
@Suite struct LegacyClientTests {
    static let stem = "IjbM-M1DqzE_20250901_132334"

    /// The payload the legacy processor's ingest client posts: flat fields, the analysis and the categorization as it
    /// stored them (`subcategories_json` as a JSON string), three variants with legacy names and a level, and fields
    /// the store has no place for.
    static func flatPayload(comprehensive: String = "**Overview:**\n• Robots, explained.\n\nBottom line: build one.") -> [String: Any] {
        [
            "id": stem, "video_id": "IjbM-M1DqzE", "title": "How a robot arm is built", "channel": "Adam Savage’s Tested",
            "channel_name": "Adam Savage’s Tested", "published_at": "2025-08-30T10:00:00Z", "duration_seconds": 754,
            "thumbnail_url": "https://i.ytimg.com/vi/IjbM-M1DqzE/hqdefault.jpg",
            "canonical_url": "https://www.youtube.com/watch?v=IjbM-M1DqzE", "indexed_at": "2025-09-01T13:23:34Z",
            "original_language": "en", "summary_language": "en", "audio_language": "fr", "word_count": 1234,
            "subcategories_json": #"{"categories": [{"category": "Technology", "subcategories": ["Hardware"]}]}"#,
            "analysis_json": [
                "category": ["Technology"], "categories": [["category": "Technology", "subcategories": ["Hardware"]]],
                "subcategory": "Hardware", "content_type": "Tutorial", "complexity_level": "Intermediate", "language": "en",
                "key_topics": ["robots", "servos"], "named_entities": ["Adam Savage"], "sentiment": "positive",
                "target_audience": "makers", "educational_value": 8, "entertainment_value": 7, "schema_version": 2,
            ],
            "summary_text": comprehensive, "summary_html": "<p>not kept: the server renders its own</p>", "summary_variant": "comprehensive",
            "summary_variants": [
                ["variant": "comprehensive", "text": comprehensive, "html": "<p>x</p>"],
                ["variant": "key_points", "text": "- Servos\n- Gears", "html": "<ul></ul>"],
                ["variant": "audio-fr:beginner", "text": "Bonjour. Voici un robot.", "html": "<p>Bonjour</p>"],
            ],
            "processor_version": "2.3.1", "tags": ["robots"],
        ]
    }

    static func body(_ object: [String: Any]) -> ByteBuffer {
        ByteBuffer(bytes: try! JSONSerialization.data(withJSONObject: object))
    }

    static func ingest(_ client: some TestClientProtocol, _ body: ByteBuffer, status: HTTPResponse.Status = .ok) async throws -> [String: Any] {
        try await client.execute(uri: "/ingest/report", method: .post, headers: WriteAPITests.ingest(Harness.ingestToken), body: body) {
            #expect($0.status == status, "\(String(buffer: $0.body))")
            return try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any] ?? [:]
        }
    }

    static func json(_ client: some TestClientProtocol, _ uri: String, status: HTTPResponse.Status = .ok) async throws -> [String: Any] {
        try await client.execute(uri: uri, method: .get) {
            #expect($0.status == status, "GET \(uri): \(String(buffer: $0.body).prefix(300))")
            return try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any] ?? [:]
        }
    }

    @Test func theFlatPayloadIsStoredWholeAndReadBack() async throws {
        try await Harness.withDashboard { client, store in
            let answer = try await Self.ingest(client, Self.body(Self.flatPayload()))
            #expect(answer["upserted"] as? Bool == true)
            #expect(answer["summaries_added"] as? Int == 3)
            // What could not be stored is named; what was stored is not.
            let ignored = Set(answer["ignored"] as? [String] ?? [])
            #expect(ignored == ["processor_version", "summary_html", "summary_variants[].html", "tags"])

            let report = try await Self.json(client, "/api/reports/IjbM-M1DqzE")
            #expect(report["title"] as? String == "How a robot arm is built")
            #expect(report["channel_name"] as? String == "Adam Savage’s Tested")
            #expect(report["word_count"] as? Int == 1234)
            #expect(report["original_language"] as? String == "en")
            #expect(report["summary_language"] as? String == "en")
            #expect(report["audio_language"] as? String == "fr")
            #expect(report["language"] as? String == "en")
            let variants = report["summary_variants"] as? [[String: Any]] ?? []
            // Names as sent: the narration keeps its level, as the legacy stored and returned it.
            #expect(variants.map { $0["variant"] as? String } == ["comprehensive", "bullet-points", "audio-fr:beginner"])
            #expect(
                variants.map { $0["text"] as? String } == [
                    Self.flatPayload()["summary_text"] as? String, "- Servos\n- Gears", "Bonjour. Voici un robot.",
                ]
            )
            let proficiency = try await ReportReader(store: store).revisions(of: Harness.id("IjbM-M1DqzE"), variant: .audioFrench).first?.proficiency
            #expect(proficiency == .beginner)
            let analysis = report["analysis"] as? [String: Any] ?? [:]
            #expect(analysis["category"] as? [String] == ["Technology"])
            #expect(analysis["subcategory"] as? String == "Hardware")
            #expect(analysis["content_type"] as? String == "Tutorial")
            #expect(analysis["key_topics"] as? [String] == ["robots", "servos"])
            #expect(analysis["sentiment"] as? String == "positive")
            #expect(analysis["target_audience"] as? String == "makers")
            #expect(analysis["educational_value"] as? Int == 8)
            #expect(analysis["schema_version"] as? Int == 2)
            #expect(report["subcategories_json"] as? String == #"{"categories":[{"category":"Technology","subcategories":["Hardware"]}]}"#)
            // The SQLite-era UI reads summary.content.
            let summary = report["summary"] as? [String: Any] ?? [:]
            let content = summary["content"] as? [String: Any] ?? [:]
            #expect(content["summary"] as? String == Self.flatPayload()["summary_text"] as? String)
            #expect(content["summary_type"] as? String == "comprehensive")
            #expect((summary["html"] as? String)?.contains("Robots, explained.</li>") == true)

            // Every id the legacy clients use resolves: the stem, the lower-cased legacy id, the stem forms.
            for id in [Self.stem, "yt:ijbm-m1dqze", "how-a-robot-arm-is-built_IjbM-M1DqzE", "IjbM-M1DqzE_20991231_235959"] {
                #expect(try await Self.json(client, "/api/reports/\(id)")["video_id"] as? String == "IjbM-M1DqzE", "\(id)")
            }

            // The same payload again adds nothing; a changed text adds one revision.
            #expect(try await Self.ingest(client, Self.body(Self.flatPayload()))["summaries_added"] as? Int == 0)
            let changed = try await Self.ingest(client, Self.body(Self.flatPayload(comprehensive: "**Overview:** a new take.")))
            #expect(changed["summaries_added"] as? Int == 1)
            #expect(try await ReportReader(store: store).revisions(of: Harness.id("IjbM-M1DqzE"), variant: .comprehensive).count == 2)

            // The legacy client deletes by the stem of its report file; a second delete is answered as the legacy did.
            try await client.execute(uri: "/api/delete/\(Self.stem)", method: .delete, headers: WriteAPITests.bearer(Harness.adminToken)) {
                #expect($0.status == .ok)
            }
            _ = try await Self.json(client, "/api/reports/IjbM-M1DqzE", status: .notFound)
            try await client.execute(uri: "/api/delete/\(Self.stem)", method: .delete, headers: WriteAPITests.bearer(Harness.adminToken)) {
                #expect($0.status == .ok)
                let decoded = try JSONDecoder().decode(WriteAPITests.LegacyDeleted.self, from: $0.body)
                #expect(decoded.idempotent)
            }
        }
    }

    @Test func everyShapeMapsAndNothingIsDroppedInSilence() async throws {
        try await Harness.withDashboard { client, _ in
            // v1: the video under `video`, the summary under `summary.content`, the analysis under `summary.analysis`.
            let v1: [String: Any] = [
                "metadata": ["schema_version": "1.0.0"],
                "video": [
                    "url": "https://youtu.be/aaaaaaaaaa1", "video_id": "aaaaaaaaaa1", "title": "V1 title", "channel": "V1 Channel",
                    "duration": 321, "view_count": 1000, "upload_date": "20240301", "description": "d",
                ],
                "summary": [
                    "content": ["summary": "V1 text", "summary_type": "key_points"], "analysis": ["category": ["Education"]],
                    "word_count": 400,
                ],
                "original_language": "de",
            ]
            let v1Answer = try await Self.ingest(client, Self.body(v1))
            #expect(v1Answer["ignored"] as? [String] == ["metadata.schema_version", "video.description"])
            let v1Item = try await Self.json(client, "/api/reports/aaaaaaaaaa1")
            #expect(v1Item["title"] as? String == "V1 title" && v1Item["channel_name"] as? String == "V1 Channel")
            #expect(v1Item["summary_variant"] as? String == "bullet-points" && v1Item["original_language"] as? String == "de")
            #expect((v1Item["analysis"] as? [String: Any])?["category"] as? [String] == ["Education"])

            // The processor shape: `metadata.uploader`, a transcript whose facts are kept (not its text).
            let processor: [String: Any] = [
                "url": "https://www.youtube.com/watch?v=bbbbbbbbbb2",
                "metadata": ["title": "P title", "uploader": "P Channel", "video_id": "bbbbbbbbbb2", "duration": 222],
                "transcript": "hello world", "summary": ["summary": "P text", "summary_type": "audio"],
                "processor_info": ["model": "llama"],
            ]
            let processorAnswer = try await Self.ingest(client, Self.body(processor))
            #expect(processorAnswer["ignored"] as? [String] == ["processor_info.model", "transcript"])
            let processorItem = try await Self.json(client, "/api/reports/bbbbbbbbbb2")
            #expect((processorItem["media"] as? [String: Any])?["transcript_chars"] as? Int == 11)
            #expect(processorItem["summary_variant"] as? String == "audio")

            // Nothing but an id (and fields with no place) is refused, naming why.
            for payload: [String: Any] in [["video_id": "ccccccccccc"], ["id": "yt:ccccccccccc", "tags": ["a"]], [:]] {
                let refusal = try await Self.ingest(client, Self.body(payload), status: .badRequest)
                #expect(["nothing_to_store", "invalid_fields"].contains(refusal["error"] as? String ?? ""), "\(payload)")
            }
            _ = try await Self.json(client, "/api/reports/ccccccccccc", status: .notFound)
            // Two fields naming different videos are refused.
            let disagree = try await Self.ingest(
                client,
                Self.body(["video_id": "ddddddddddd", "id": "yt:eeeeeeeeeee", "title": "x"]),
                status: .badRequest
            )
            #expect((disagree["message"] as? String)?.contains("names video") == true)
        }
    }

    @Test func storedAudioAlwaysHasItsDuration() async throws {
        try await Harness.withDashboard { client, _ in
            _ = try await Self.ingest(client, Self.body(Self.flatPayload()))
            // Ten MPEG-1 Layer III frames at 128 kbit/s and 44.1 kHz: 10 × 1152 / 44100 s. No duration is sent.
            let frame: [UInt8] = [0xFF, 0xFB, 0x90, 0x64] + [UInt8](repeating: 0, count: 413)
            let mp3 = Array((0..<10).map { _ in frame }.joined())
            let boundary = "ytv2-legacy-audio"
            var body = ByteBuffer()
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"video_id\"\r\n\r\nIjbM-M1DqzE\r\n")
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"a.mp3\"\r\n\r\n")
            body.writeBytes(mp3)
            body.writeString("\r\n--\(boundary)--\r\n")
            var headers = WriteAPITests.ingest(Harness.ingestToken)
            headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
            try await client.execute(uri: "/ingest/audio", method: .post, headers: headers, body: body) { #expect($0.status == .ok) }
            let item = try await Self.json(client, "/api/reports/IjbM-M1DqzE")
            let seconds = (item["media_metadata"] as? [String: Any])?["mp3_duration_seconds"] as? Double
            #expect(abs((seconds ?? 0) - 10 * 1152 / 44_100) < 0.001)
            #expect((item["media"] as? [String: Any])?["has_audio"] as? Bool == true)
            #expect(item["audio_language"] as? String == "fr")
        }
    }

    /// The ingest path of invariant 4: the legacy processor's flat payload of placeholders (what it sent for a video
    /// it could not read) after a report with the real values changes no column.
    @Test func aFlatPayloadOfPlaceholdersNeverReplacesStoredValues() async throws {
        try await Harness.withDashboard { client, store in
            let real: [String: Any] = [
                "video_id": "dQw4w9WgXcQ", "title": "Never Gonna Give You Up", "channel_name": "Rick Astley",
                "channel_id": "UCuAXFkgsw1L7xaCfnd5JJOw",
                "duration_seconds": 213, "word_count": 900, "view_count": 1_500_000_000, "like_count": 18_000_000, "comment_count": 2_300_000,
                "has_transcript": true, "transcript_chars": 2_100, "language": "en", "content_type": "Music", "complexity_level": "Beginner",
                "key_topics": ["pop"], "named_entities": ["Rick Astley"], "summary": "**Overview:** a song.",
            ]
            _ = try await Self.ingest(client, ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: real)))
            let before = try #require(try await MigrationLedger(store: store).videoStates(["dQw4w9WgXcQ"])["dQw4w9WgXcQ"]).fields
            let placeholders: [String: Any] = [
                "video_id": "dQw4w9WgXcQ", "title": "Untitled", "channel_name": "Unknown", "channel_id": "", "duration_seconds": 0,
                "word_count": 0, "view_count": 0, "like_count": 0, "comment_count": 0, "has_transcript": 0, "transcript_chars": 0,
                "language": "", "content_type": "", "complexity_level": "", "key_topics": "[]", "named_entities": [],
            ]
            _ = try await Self.ingest(client, ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: placeholders)))
            let after = try #require(try await MigrationLedger(store: store).videoStates(["dQw4w9WgXcQ"])["dQw4w9WgXcQ"]).fields
            for column in VideoState.fieldNames { #expect(after[column] == before[column], "\(column)") }
        }
    }

    @Test func ingestHealthSaysWhetherTheTokenIsSet() async throws {
        try await Harness.withDashboard { client, _ in
            let health = try await Self.json(client, "/health/ingest")
            #expect(health["status"] as? String == "ok" && health["token_set"] as? Bool == true && health["pg_dsn_set"] as? Bool == true)
        }
        try await Harness.withDashboard(ingestToken: nil) { client, _ in
            let health = try await Self.json(client, "/health/ingest")
            #expect(health["token_set"] as? Bool == false)
        }
    }

    @Test func nulBytesAreAnsweredNeverAServerError() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 2)
            for (uri, parameter) in [
                ("/api/reports?q=a%00b", "q"), ("/api/reports?channel=a%00", "channel"), ("/api/filters?category=%00", "category"),
                ("/api/reports?sort=%00", "sort"), ("/api/reports?q=%ff%fe", "q"), ("/api/reports?q=%zz", "q"),
            ] {
                let error = try await Self.json(client, uri, status: .badRequest)
                #expect(error["error"] as? String == "bad_parameter")
                #expect((error["message"] as? String)?.hasPrefix("parameter \(parameter) ") == true, "\(uri): \(error)")
            }
            // In an ingested report NUL is repaired, and the answer says so.
            var payload = Self.flatPayload()
            payload["title"] = "Robots\u{0}arm"
            let answer = try await Self.ingest(client, Self.body(payload))
            #expect((answer["warnings"] as? [String])?.contains("title: NUL characters replaced by U+FFFD") == true)
            #expect(try await Self.json(client, "/api/reports/IjbM-M1DqzE")["title"] as? String == "Robots\u{FFFD}arm")
        }
    }

    @Test func formEncodedQueriesAndSingularFacetKeys() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 4)
            try await VideoStore(store: store).commit(
                VideoWrite(
                    videoID: Harness.id("plusplus001"),
                    metadata: VideoMetadata(title: "New Google phone, reviewed", channelName: "The Canadian Press", language: "en"),
                    summaries: [SummaryDraft(variant: .comprehensive, text: "C++ and more")],
                    actor: "test"
                )
            )
            for query in [
                "q=New+Google", "q=New%20Google", "channel=The+Canadian+Press", "channel=The%20Canadian%20Press&q=google+PHONE", "q=C%2B%2B",
            ] {
                let list = try await Self.json(client, "/api/reports?\(query)")
                #expect((list["pagination"] as? [String: Any])?["total"] as? Int == 1, "\(query)")
            }
            // `+` is a space, so `q=C++` searches for the word "c": here only "The Canadian Press" has a word starting so.
            let plusses = try await Self.json(client, "/api/reports?q=C++")
            #expect((plusses["pagination"] as? [String: Any])?["total"] as? Int == 1)
            let facets = try await Self.json(client, "/api/filters?q=")
            for (singular, plural) in [("category", "categories"), ("channel", "channels"), ("language", "languages")] {
                let one = facets[singular] as? [[String: Any]] ?? []
                let many = facets[plural] as? [[String: Any]] ?? []
                #expect(!one.isEmpty && one.count == many.count, "\(singular)")
                #expect(one.map { $0["value"] as? String } == many.map { $0["value"] as? String })
            }
            let channels = (facets["channel"] as? [[String: Any]] ?? []).compactMap { $0["value"] as? String }
            #expect(channels.contains("The Canadian Press"))
        }
    }

    @Test func headAnswersWithTheHeadersGetWould() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 3)
            let routes = [
                "/", "/static/app.js", "/api/reports", "/api/reports?size=2&q=a", "/api/filters", "/api/reports/vid00000000",
                "/vid00000000.json", "/vid00000000.json?v=2", "/r/vid00000000", "/exports/by_video/vid00000000.mp3",
                "/exports/audio/vid00000000.mp3", "/health", "/health/db", "/health/ingest", "/health/backend", "/health/migration",
                "/api/reports/nope", "/no/such/route", "/api/upload-database", "/api/reports?sort=bogus",
            ]
            for route in routes {
                let get = try await client.execute(uri: route, method: .get) { $0 }
                let head = try await client.execute(uri: route, method: .head) { $0 }
                #expect(head.status == get.status, "HEAD \(route)")
                #expect(head.headers[.contentType] == get.headers[.contentType], "HEAD \(route): content type")
                if get.headers[.contentLength] != nil, !route.hasPrefix("/health") {  // health figures change between calls
                    #expect(head.headers[.contentLength] == get.headers[.contentLength], "HEAD \(route): length")
                }
                #expect(head.body.readableBytes == 0, "HEAD \(route) sends no body")
            }
        }
    }

    @Test func listItemsCarryNoSummaryBodies() async throws {
        try await Harness.withDashboard { client, store in
            // Real-shaped summaries: 3.7 KB of markdown-like text, three variants per video.
            let paragraph = "**Key point:** The speaker walks through the design of a robot arm, its servos and gears.\n"
            let text = String(repeating: "• " + paragraph, count: 40)
            #expect(text.utf8.count > 3_600)
            for index in 0..<12 {
                try await VideoStore(store: store).commit(
                    VideoWrite(
                        videoID: Harness.id(String(format: "light%06d", index)),
                        metadata: VideoMetadata(title: "A real-length title about robot arms, number \(index)", channelName: "Adam Savage’s Tested"),
                        categorization: Categorization(
                            entries: [CategoryEntry(category: "Technology", subcategories: ["Hardware"])],
                            origin: .processor
                        ),
                        summaries: [
                            SummaryDraft(variant: .comprehensive, text: text), SummaryDraft(variant: .bulletPoints, text: text + "!"),
                            SummaryDraft(variant: .audio, text: text + "?"),
                        ],
                        actor: "test"
                    )
                )
            }
            let bytes = try await client.execute(uri: "/api/reports?size=12", method: .get) { $0.body.readableBytes }
            // The legacy list carried about 1.5 KB an item; a page stays within twice that.
            #expect(bytes / 12 <= 3_000, "\(bytes / 12) bytes per item")
            let list = try await Self.json(client, "/api/reports?size=12")
            let items = list["reports"] as? [[String: Any]] ?? []
            #expect(items.count == 12)
            for item in items {
                #expect(item["summary_text"] == nil && item["summary_html"] == nil)
                #expect((item["summary_preview"] as? String)?.hasPrefix("Key point: The speaker walks through") == true)
                #expect((item["summary_preview"] as? String)?.count ?? 0 <= SummaryPreview.length + 1)
                #expect((item["summary_variants"] as? [[String: Any]] ?? []).allSatisfy { $0["text"] == nil && $0["html"] == nil })
            }
        }
    }
}
