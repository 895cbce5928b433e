import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing
import YTV2Core
import YTV2Dashboard
import YTV2Store
import YTV2TestSupport

enum Harness {
    static let adminToken = "admin-secret-token"
    static let ingestToken = "ingest-secret-token"

    /// A dashboard over real HTTP on a fresh database; `seed` runs through the store before the first request.
    static func withDashboard(
        adminToken: String? = Harness.adminToken,
        ingestToken: String? = Harness.ingestToken,
        _ body: @Sendable (any TestClientProtocol, Store) async throws -> Void
    ) async throws {
        let configuration = try await TestPostgres.shared.makeDatabase()
        let store = Store(configuration: configuration, logger: TestPostgres.logger)
        let app = buildApplication(
            configuration: DashboardConfiguration(port: 0, adminToken: adminToken, ingestToken: ingestToken),
            store: store,
            logger: TestPostgres.logger
        )
        do {
            try await app.test(.live) { client in try await body(client, store) }
            try await TestPostgres.shared.dropDatabase(configuration)
        } catch {
            try? await TestPostgres.shared.dropDatabase(configuration)
            throw error
        }
    }

    static func id(_ raw: String) -> VideoID { try! VideoID(raw) }

    static func mp3(_ size: Int) -> [UInt8] {
        [0xFF, 0xFB, 0x90, 0x64] + (0..<max(0, size - 4)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 3) }
    }

    /// Twelve varied videos, like the store's read tests.
    @discardableResult
    static func seed(_ store: Store, count: Int = 12) async throws -> [VideoWrite] {
        let parents = [("History", "Modern History"), ("Technology", "Web Development"), ("Education", "Online Learning")]
        var writes: [VideoWrite] = []
        for index in 0..<count {
            let (parent, sub) = parents[index % 3]
            let write = VideoWrite(
                videoID: id(String(format: "vid%08d", index)),
                metadata: VideoMetadata(
                    title: ["Zebra", "apple", "Mango", "banana"][index % 4] + " \(index)",
                    channelName: index % 2 == 0 ? "Tom Scott" : "Veritasium",
                    publishedAt: index % 4 == 3 ? nil : Date(timeIntervalSince1970: 1_600_000_000 + Double((index * 37) % 50) * 86_400),
                    indexedAt: Date(timeIntervalSince1970: 1_700_000_000 + Double((index * 7) % 12) * 3600),
                    durationSeconds: index % 4 == 2 ? nil : 60 * ((index * 5) % 13),
                    contentType: index % 2 == 0 ? "Tutorial" : "Discussion",
                    complexityLevel: index % 3 == 0 ? "Beginner" : "Advanced",
                    language: index % 2 == 0 ? "en-US" : "fr"
                ),
                categorization: Categorization(
                    entries: [CategoryEntry(category: parent, subcategories: index % 2 == 0 ? [sub] : [])],
                    origin: .processor
                ),
                summaries: index % 5 == 4
                    ? [SummaryDraft(variant: .audio, text: "Narration \(index)")]
                    : [SummaryDraft(variant: .comprehensive, text: "**Summary:** 100% of_\(index)\n• point")],
                audio: index % 3 == 0 ? AudioDraft(bytes: mp3(2000 + index), durationSeconds: 61) : nil,
                aliases: ["yt:" + String(format: "vid%08d", index).lowercased()],
                actor: "test"
            )
            writes.append(write)
            try await store.commit(write)
        }
        return writes
    }
}

extension TestClientProtocol {
    /// GET `uri` and decode the JSON body as `T`, expecting `status`.
    func getJSON<T: Decodable>(
        _ uri: String,
        as type: T.Type,
        status: HTTPResponse.Status = .ok,
        headers: HTTPFields = [:],
        sourceLocation: SourceLocation = #_sourceLocation
    ) async throws -> T {
        try await execute(uri: uri, method: .get, headers: headers) { response in
            #expect(response.status == status, "GET \(uri)", sourceLocation: sourceLocation)
            return try JSONDecoder().decode(T.self, from: response.body)
        }
    }
}

struct APIErrorBody: Decodable {
    let error: String
    let message: String
}

/// The parts of ITEM the tests read.
struct Item: Decodable {
    struct Analysis: Decodable {
        let category: [String]
        let categories: [CategoryEntry]
        let subcategory: String?
        let language: String?
    }

    struct Media: Decodable {
        let has_audio: Bool
        let audio_url: String?
        let audio_duration_seconds: Double?
    }

    struct Variant: Decodable {
        let variant: String
        let summary_type: String
        let kind: String
        /// Only in full items (single report, ingest echo); list items carry no summary bodies.
        let text: String?
        let html: String?
        let revision: Int
        let audio_url: String?
    }

    let id: String
    let video_id: String
    let file_stem: String
    let title: String
    let channel: String?
    let channel_name: String?
    let canonical_url: String
    let thumbnail_url: String
    let published_at: String?
    let indexed_at: String?
    let duration_seconds: Int?
    let content_source: String
    let source_label: String
    let analysis: Analysis
    let subcategories_json: String
    let media: Media
    let summary_text: String?
    let summary_html: String?
    let summary_preview: String?
    let summary_variant: String?
    let summary_variants: [Variant]
}

struct ListBody: Decodable {
    struct Pagination: Decodable {
        let page: Int
        let size: Int
        let total: Int
        let total_count: Int
        let pages: Int
        let total_pages: Int
        let has_next: Bool
        let has_prev: Bool
    }

    let reports: [Item]
    let pagination: Pagination
    let sort: String
    let filters: [String: [String]]
}
