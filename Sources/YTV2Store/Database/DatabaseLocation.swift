import Foundation
import Logging
import YTV2Core

/// Where this process's database is: the URLs of the environment, or the private cluster started on demand.
package enum DatabaseLocation: Sendable {
    case url(DatabaseEndpoints)
    case privateCluster(LocalCluster)

    /// `DATABASE_URL` (with `DATABASE_DIRECT_URL` and `DATABASE_READ_URL`) when set, nothing is started; else the
    /// private cluster under `YTV2_HOME` or `.ytv2/`. A malformed URL is refused naming its variable.
    package static func fromEnvironment(_ environment: EnvironmentReader = EnvironmentReader()) throws -> DatabaseLocation {
        let timeout: Int
        do { timeout = try environment.integer("DATABASE_CONNECT_TIMEOUT", default: 5, in: 1...300) } catch {
            throw StoreError.invalidInput(error.description)
        }
        func url(_ name: String) throws -> DatabaseConfiguration? {
            guard let text = environment.string(name) else { return nil }
            var configuration = try DatabaseConfiguration(url: text, variable: name)
            configuration.connectTimeout = .seconds(timeout)
            return configuration
        }
        let direct = try url("DATABASE_DIRECT_URL")
        let read = try url("DATABASE_READ_URL")
        if let primary = try url("DATABASE_URL") {
            return .url(DatabaseEndpoints(primary: primary, direct: direct, readReplica: read))
        }
        for (name, value) in [("DATABASE_DIRECT_URL", direct), ("DATABASE_READ_URL", read)] where value != nil {
            throw StoreError.invalidInput("\(name) is set but DATABASE_URL is not: set DATABASE_URL to the primary (or its pooler) as well")
        }
        return .privateCluster(LocalCluster(root: LocalCluster.defaultRoot(environment)))
    }

    /// The connection settings, starting the private cluster when that is where the database is.
    package func connect(logger: Logger) async throws -> DatabaseEndpoints {
        switch self {
        case .url(let endpoints): endpoints
        case .privateCluster(let cluster): DatabaseEndpoints(primary: try await cluster.start(logger: logger))
        }
    }

    package var summary: String {
        switch self {
        case .url(let endpoints):
            "DATABASE_URL \(endpoints.primary)"
                + (endpoints.direct.map { ", DATABASE_DIRECT_URL \($0)" } ?? "")
                + (endpoints.readReplica.map { ", DATABASE_READ_URL \($0)" } ?? "")
        case .privateCluster(let cluster): "private cluster in \(cluster.root.path)"
        }
    }
}
