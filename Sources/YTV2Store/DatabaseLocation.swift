import Foundation
import Logging

/// Where this process's database is: `DATABASE_URL`, or the private cluster started on demand.
public enum DatabaseLocation: Sendable {
    case url(DatabaseConfiguration)
    case privateCluster(LocalCluster)

    /// `DATABASE_URL` when set (nothing is started), else the private cluster under `YTV2_HOME` or `.ytv2/`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> DatabaseLocation {
        if let url = environment["DATABASE_URL"], !url.isEmpty {
            return .url(try DatabaseConfiguration(url: url))
        }
        return .privateCluster(LocalCluster(root: LocalCluster.defaultRoot()))
    }

    /// The connection settings, starting the private cluster when that is where the database is.
    public func connect(logger: Logger) async throws -> DatabaseConfiguration {
        switch self {
        case .url(let configuration): configuration
        case .privateCluster(let cluster): try await cluster.start(logger: logger)
        }
    }

    public var summary: String {
        switch self {
        case .url(let configuration): "DATABASE_URL \(configuration)"
        case .privateCluster(let cluster): "private cluster in \(cluster.root.path)"
        }
    }
}
