import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import NIOFoundationEssentialsCompat
import Testing
import YTV2Dashboard
import YTV2Store
import YTV2TestSupport

/// What a browser and an API client get for the same error, decided by `Accept` alone; and which writes the server
/// says it accepts.
@Suite struct ErrorPagesAndCapabilitiesTests {
    struct ErrorBody: Decodable {
        let error: String
        let message: String
    }

    /// Chromium's and Firefox's navigation headers, then what fetch, curl, the legacy clients and schemathesis send.
    static let browsers = [
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,image/apng,*/*;q=0.8",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    ]
    static let apiClients = [
        "", "*/*", "application/json", "application/json, text/plain, */*", "application/json, text/html;q=0.9", "text/html;q=0.5, */*",
    ]

    @Test func browsersGetAPageAndAPIClientsGetJSON() async throws {
        try await Harness.withDashboard { client, _ in
            for accept in Self.browsers {
                for (uri, status, sentence) in [
                    ("/no/such/page", HTTPResponse.Status.notFound, "No such route."),
                    ("/api/reports/yt:nosuchvide0", .notFound, "No report with id yt:nosuchvide0."),
                    ("/api/reports?page=abc", .badRequest, "Parameter page must be a whole number"),
                ] {
                    try await client.execute(uri: uri, method: .get, headers: [.accept: accept]) { response in
                        #expect(response.status == status, "\(uri)")
                        #expect(response.headers[.contentType] == "text/html; charset=utf-8", "\(uri)")
                        let page = String(buffer: response.body)
                        #expect(page.hasPrefix("<!doctype html>"))
                        #expect(page.contains("(HTTP \(status.code))"), "\(page)")
                        #expect(page.contains(sentence), "\(uri): \(page)")
                        #expect(page.contains("<a href=\"/\">Back to the dashboard</a>"))
                    }
                }
            }
            for accept in Self.apiClients {
                let headers: HTTPFields = accept.isEmpty ? [:] : [.accept: accept]
                try await client.execute(uri: "/no/such/page", method: .get, headers: headers) { response in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType] == "application/json; charset=utf-8", "Accept: \(accept)")
                    let body = try JSONDecoder().decode(ErrorBody.self, from: Data(buffer: response.body))
                    #expect(body.error == "not_found")
                }
            }
        }
    }

    @Test func aPageNeverCarriesMarkupFromTheRequest() async throws {
        try await Harness.withDashboard { client, _ in
            let hostile = "/api/reports/yt:%3Cscript%3Ealert(1)%3C%2Fscript%3E"
            try await client.execute(uri: hostile, method: .get, headers: [.accept: Self.browsers[0]]) { response in
                let page = String(buffer: response.body)
                #expect(!page.contains("<script>"))
            }
        }
    }

    struct Capabilities: Decodable, Equatable {
        struct Capability: Decodable, Equatable {
            let enabled: Bool
            let reason: String?
        }
        let delete: Capability
        let ingest: Capability
        let upload_audio: Capability
    }

    @Test func capabilitiesFollowTheConfiguredTokens() async throws {
        try await Harness.withDashboard { client, _ in
            let all = try await client.getJSON("/api/capabilities", as: Capabilities.self)
            #expect(all.delete == .init(enabled: true, reason: nil))
            #expect(all.ingest == .init(enabled: true, reason: nil))
            #expect(all.upload_audio == .init(enabled: true, reason: nil))
        }
        try await Harness.withDashboard(adminToken: nil) { client, _ in
            let noAdmin = try await client.getJSON("/api/capabilities", as: Capabilities.self)
            #expect(noAdmin.delete.enabled == false)
            #expect(noAdmin.delete.reason == "Deleting is turned off on this server: it was started without YTV2_ADMIN_TOKEN.")
            #expect(noAdmin.ingest.enabled && noAdmin.upload_audio.enabled)
            // The route itself says the same.
            try await client.execute(uri: "/api/delete/yt:dQw4w9WgXcQ", method: .delete, headers: [.authorization: "Bearer x"]) { response in
                #expect(response.status == .unauthorized)
                #expect(String(buffer: response.body).contains("disabled"))
            }
        }
        try await Harness.withDashboard(adminToken: nil, ingestToken: nil) { client, _ in
            let none = try await client.getJSON("/api/capabilities", as: Capabilities.self)
            #expect(!none.delete.enabled && !none.ingest.enabled && !none.upload_audio.enabled)
            #expect(none.upload_audio.reason?.contains("YTV2_ADMIN_TOKEN or YTV2_INGEST_TOKEN") == true)
        }
    }
}
