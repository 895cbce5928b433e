import Foundation

/// How the dashboard listens and what it reports about itself.
public struct DashboardConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var version: String
    /// Apply pending migrations before accepting requests, retrying while the database is unreachable.
    public var migrateOnStart: Bool
    /// Called once the server listens, with the port it got (useful with port 0).
    public var onServerRunning: @Sendable (Int) async -> Void

    public init(
        host: String = "127.0.0.1", port: Int = 10000, version: String = YTV2Version.current, migrateOnStart: Bool = true,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.host = host
        self.port = port
        self.version = version
        self.migrateOnStart = migrateOnStart
        self.onServerRunning = onServerRunning
    }
}

public enum YTV2Version {
    public static let current = "0.1.0"
}
