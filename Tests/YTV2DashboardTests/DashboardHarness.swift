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

enum Harness {
    static let adminToken = "admin-secret-token"
    static let ingestToken = "ingest-secret-token"

    /// A dashboard over real HTTP on a fresh database; `seed` runs through the store before the first request.
    static func withDashboard(
        adminToken: String? = Harness.adminToken,
        ingestToken: String? = Harness.ingestToken,
        configure: (inout DashboardConfiguration) -> Void = { _ in },
        _ body: @Sendable (any TestClientProtocol, Store) async throws -> Void
    ) async throws {
        let configuration = try await TestPostgres.shared.makeDatabase()
        let store = Store(configuration: configuration, logger: TestPostgres.logger)
        var dashboard = DashboardConfiguration(port: 0, adminToken: adminToken, ingestToken: ingestToken)
        configure(&dashboard)
        let app = buildApplication(
            configuration: dashboard,
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
    /// Each filter's values as given, `has_audio` as a boolean.
    let filters: [String: JSONValue]
}
