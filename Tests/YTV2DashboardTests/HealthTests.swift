import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOFoundationEssentialsCompat
import Testing
import YTV2Dashboard
import YTV2Store
import YTV2TestSupport

@Suite struct HealthTests {
    struct Liveness: Decodable {
        let status: String
        let service: String
        let version: String
    }

    struct DatabaseHealth: Decodable {
        let status: String
        let database_type: String
        let record_count: Int
        let schema_version: Int
    }

    struct ErrorBody: Decodable {
        let error: String
        let message: String
    }

    @Test func healthRoutesAnswerOverRealHTTP() async throws {
        let configuration = try await TestPostgres.shared.makeDatabase()
        defer { Task { try? await TestPostgres.shared.dropDatabase(configuration) } }
        let store = Store(configuration: configuration, logger: TestPostgres.logger)
        let app = buildApplication(configuration: DashboardConfiguration(port: 0), store: store, logger: TestPostgres.logger)
        try await app.test(.live) { client in
            try await client.execute(uri: "/health", method: .get) { response in
                #expect(response.status == .ok)
                let body = try JSONDecoder().decode(Liveness.self, from: response.body)
                #expect(body.status == "healthy")
                #expect(body.service == "ytv2-dashboard")
            }
            try await client.execute(uri: "/health/db", method: .get) { response in
                #expect(response.status == .ok)
                let body = try JSONDecoder().decode(DatabaseHealth.self, from: response.body)
                #expect(body.database_type == "postgresql")
                #expect(body.schema_version == (try SchemaMigrator(logger: TestPostgres.logger).migrations.count))
                #expect(body.record_count == 0)
            }
            try await client.execute(uri: "/no/such/route", method: .get) { response in
                #expect(response.status == .notFound)
                let body = try JSONDecoder().decode(ErrorBody.self, from: response.body)
                #expect(body.error == "not_found")
            }
        }
    }
}
