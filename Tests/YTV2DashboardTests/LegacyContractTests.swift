import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import Testing
import YTV2Core
import YTV2Dashboard
import YTV2Store
import YTV2TestSupport

/// The rest of the legacy dashboard's contract: no `null` where the legacy sent a default, its informational routes,
/// `latest=true`, and the NAS sync's audio upload.
@Suite struct LegacyContractTests {
    /// Every path (`media.audio_duration_seconds`) whose value is `null` in a JSON object.
    static func nullPaths(_ value: Any, prefix: String = "") -> [String] {
        if let object = value as? [String: Any] {
            return object.flatMap { key, child in nullPaths(child, prefix: prefix.isEmpty ? key : "\(prefix).\(key)") }
        }
        if let array = value as? [Any] { return array.flatMap { nullPaths($0, prefix: prefix + "[]") } }
        return value is NSNull ? [prefix] : []
    }

    /// Where the legacy sent `null` too: no audio, no subcategory.
    static let nullableInLegacy: Set<String> = ["media.audio_url", "analysis.subcategory"]

    @Test func noFieldIsNullWhereTheLegacySentADefault() async throws {
        try await Harness.withDashboard { client, store in
            // A bare video: no summary, no date, no duration, no language, no analysis, no audio.
            _ = try await VideoStore(store: store).commit(
                VideoWrite(videoID: Harness.id("BareVideo01"), metadata: VideoMetadata(title: "Untitled"), actor: "test")
            )
            try await TestVideos.seed(store)
            let list = try await LegacyClientTests.json(client, "/api/reports?size=50")
            let items = list["reports"] as? [[String: Any]] ?? []
            #expect(items.count == 13)
            for item in items {
                let nulls = Set(Self.nullPaths(item)).subtracting(Self.nullableInLegacy)
                #expect(nulls.isEmpty, "\(item["video_id"] ?? "?"): \(nulls.sorted())")
            }
            for uri in ["/api/reports/BareVideo01", "/BareVideo01.json"] {
                let single = try await LegacyClientTests.json(client, uri)
                #expect(Set(Self.nullPaths(single)).subtracting(Self.nullableInLegacy).isEmpty, "\(uri): \(Self.nullPaths(single))")
                #expect(single["published_at"] as? String == "")
                #expect(single["duration_seconds"] as? Int == 0 && single["word_count"] as? Int == 0)
                #expect(single["original_language"] as? String == "en" && single["summary_language"] as? String == "en")
                #expect(single["audio_language"] as? String == "en")
                #expect(single["summary_type"] as? String == "none")
                let analysis = single["analysis"] as? [String: Any] ?? [:]
                #expect(analysis["content_type"] as? String == "" && analysis["complexity_level"] as? String == "")
                #expect(analysis["language"] as? String == "en")
                let media = single["media"] as? [String: Any] ?? [:]
                #expect(media["audio_duration_seconds"] as? Int == 0 && media["transcript_chars"] as? Int == 0)
                let metadata = single["media_metadata"] as? [String: Any] ?? [:]
                #expect(metadata["mp3_duration_seconds"] as? Int == 0 && metadata["video_duration_seconds"] as? Int == 0)
                #expect((single["summary"] as? [String: Any])?["type"] as? String == "none")
            }
        }
    }

    @Test func theAnalysisLanguageFallsBackToThePayloadsLanguage() async throws {
        try await Harness.withDashboard { client, _ in
            var payload = LegacyClientTests.flatPayload()
            payload["original_language"] = "de"
            var analysis = payload["analysis_json"] as? [String: Any] ?? [:]
            analysis.removeValue(forKey: "language")
            payload["analysis_json"] = analysis
            _ = try await LegacyClientTests.ingest(client, LegacyClientTests.body(payload))
            let report = try await LegacyClientTests.json(client, "/api/reports/IjbM-M1DqzE")
            #expect((report["analysis"] as? [String: Any])?["language"] as? String == "de")
        }
    }

    @Test func latestAnswersTheNewestVideoOrNull() async throws {
        try await Harness.withDashboard { client, store in
            let empty = try await LegacyClientTests.json(client, "/api/reports?latest=true")
            #expect(empty.keys.sorted() == ["report"] && empty["report"] is NSNull)
            try await TestVideos.seed(store)
            let newestID = try await ReportReader(store: store).reports(ReportQuery()).reports.first?.videoID.rawValue
            let latest = try await LegacyClientTests.json(client, "/api/reports?latest=true")
            let report = try #require(latest["report"] as? [String: Any])
            #expect(report["video_id"] as? String == newestID)
            #expect(report.keys.sorted() == ["indexed_at", "summary_type", "video_id"])
        }
    }

    @Test func theLegacyInformationalRoutesAnswerInTheirShapes() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 3)
            let status = try await LegacyClientTests.json(client, "/status")
            #expect(Set(status.keys) == ["status", "timestamp", "services", "reports", "configuration"])
            #expect((status["reports"] as? [String: Any])?["total"] as? Int == 3)
            let config = try await LegacyClientTests.json(client, "/api/config")
            #expect(Set(config.keys) == ["telegram", "web", "directories", "version"])
            #expect(!String(describing: config).contains(Harness.adminToken))
            let refresh = try await LegacyClientTests.json(client, "/api/refresh")
            #expect(refresh["status"] as? String == "success" && refresh["reports_count"] as? Int == 3)
            let version = try await LegacyClientTests.json(client, "/api/version")
            #expect(Set(version.keys).isSuperset(of: ["deployment_commit", "branch", "timestamp"]))
        }
    }

    static func audioForm(fileName: String, bytes: [UInt8]) -> (ByteBuffer, HTTPFields) {
        let boundary = "legacyaudio"
        var body = ByteBuffer(
            string: "--\(boundary)\r\nContent-Disposition: form-data; name=\"audio\"; filename=\"\(fileName)\"\r\nContent-Type: audio/mpeg\r\n\r\n"
        )
        body.writeBytes(bytes)
        body.writeString("\r\n--\(boundary)--\r\n")
        var headers = WriteAPITests.bearer(Harness.adminToken)
        headers[.contentType] = "multipart/form-data; boundary=\(boundary)"
        return (body, headers)
    }

    @Test func theNASSyncsAudioUploadStoresTheMP3WithItsVideo() async throws {
        try await Harness.withDashboard { client, store in
            try await TestVideos.seed(store, count: 2)
            let mp3 = TestAudio.mp3(frames: 30)
            let (body, headers) = Self.audioForm(fileName: "vid00000001_20250901_132334.mp3", bytes: mp3)
            try await client.execute(uri: "/api/upload-audio", method: .post, headers: headers, body: body) {
                #expect($0.status == .ok, "\(String(buffer: $0.body))")
                let answer = try JSONSerialization.jsonObject(with: Data(buffer: $0.body)) as? [String: Any] ?? [:]
                #expect(answer["success"] as? Bool == true && answer["size"] as? Int == mp3.count)
            }
            #expect(try await ReportReader(store: store).audioInfo(for: Harness.id("vid00000001"))?.sizeBytes == mp3.count)
            // A name that names no stored video: 404; a path in the name is only a name; without a token: 401.
            let (stray, strayHeaders) = Self.audioForm(fileName: "../../etc/passwd_ZZZZZZZZZZZ.mp3", bytes: mp3)
            try await client.execute(uri: "/api/upload-audio", method: .post, headers: strayHeaders, body: stray) { #expect($0.status == .notFound) }
            var anonymous = headers
            anonymous[.authorization] = nil
            try await client.execute(uri: "/api/upload-audio", method: .post, headers: anonymous, body: body) { #expect($0.status == .unauthorized) }
            let (notMP3, notMP3Headers) = Self.audioForm(fileName: "vid00000000.mp3", bytes: Array("<html>".utf8))
            try await client.execute(uri: "/api/upload-audio", method: .post, headers: notMP3Headers, body: notMP3) {
                #expect($0.status == .badRequest)
            }
        }
    }
}
