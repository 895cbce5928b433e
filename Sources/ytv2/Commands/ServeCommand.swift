import ArgumentParser
import Foundation
import Hummingbird
import Logging
import NIOCore
import YTV2Core
import YTV2Dashboard
import YTV2Migration
import YTV2Store

/// The legacy copy as the control side of the dashboard's shadow reads.
extension LegacyControlReader: ControlReads {}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the dashboard on the shared database (applies pending migrations first). Stops gracefully on SIGTERM."
    )

    @Option(help: "Address to listen on (default: HOST, else 127.0.0.1).") var host: String?
    @Option(help: "Port to listen on (default: PORT, else 10000).") var port: Int?
    @OptionGroup var global: GlobalOptions

    /// Everything `ytv2 serve` reads from the environment, checked before anything starts: a bad value stops the
    /// command naming its variable.
    struct Settings {
        var location: DatabaseLocation
        var host: String
        var port: Int
        var adminToken: String?
        var ingestToken: String?
        var legacyDashboard: String?
        var shadowSamplePercent: Double
        var shadowTimeout: Duration
        var replicaWait: Duration
        var responseCacheBytes: Int
        var itemCacheBytes: Int
        var orderCacheBytes: Int

        init(_ environment: EnvironmentReader, host: String?, port: Int?) throws {
            location = try databaseLocation()
            self.host = host ?? environment.string("HOST", default: "127.0.0.1")
            if let port {
                guard (0...65_535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
                self.port = port
            } else {
                self.port = try checked { () throws(ConfigurationError) in try environment.port("PORT", default: 10000, allowZero: true) }
            }
            adminToken = environment.string("YTV2_ADMIN_TOKEN")
            ingestToken = environment.string("YTV2_INGEST_TOKEN")
            legacyDashboard = environment.string("YTV2_LEGACY_DASHBOARD")
            (shadowSamplePercent, shadowTimeout, replicaWait, responseCacheBytes, itemCacheBytes, orderCacheBytes) = try checked {
                () throws(ConfigurationError) in
                (
                    try environment.number("YTV2_SHADOW_SAMPLE_PERCENT", default: 100, in: 0...100),
                    .milliseconds(try environment.integer("YTV2_SHADOW_TIMEOUT_MS", default: 500, in: 1...60_000)),
                    .milliseconds(try environment.integer("YTV2_REPLICA_WAIT_MS", default: 1_000, in: 0...30_000)),
                    try environment.integer("YTV2_RESPONSE_CACHE_MB", default: 8, in: 0...4_096) * 1024 * 1024,
                    try environment.integer("YTV2_ITEM_CACHE_MB", default: 24, in: 0...4_096) * 1024 * 1024,
                    try environment.integer("YTV2_ORDER_CACHE_MB", default: 16, in: 0...4_096) * 1024 * 1024
                )
            }
        }
    }

    /// Why the server could not listen, as a sentence with the fix.
    static func bindProblem(_ error: IOError, host: String, port: Int) -> String {
        switch error.errnoCode {
        case EADDRINUSE:
            "port \(port) on \(host) is already in use by another program: stop that program, or choose another port with --port or PORT"
        case EACCES:
            "listening on port \(port) needs privileges this user does not have: choose a port above 1023 with --port or PORT"
        case EADDRNOTAVAIL:
            "\(host) is not an address of this machine: use 127.0.0.1, 0.0.0.0 or one of its addresses with --host or HOST"
        default:
            "cannot listen on \(host):\(port): \(error.description)"
        }
    }

    func run() async throws {
        let logger = try global.makeLogger("ytv2.serve")
        let settings = try Settings(EnvironmentReader(), host: host, port: port)
        let endpoints: DatabaseEndpoints
        do {
            endpoints = try await settings.location.connect(logger: logger)
        } catch let error as StoreError {
            throw CLIError(error.description)
        }
        let store = Store(endpoints: endpoints, logger: logger, replicaWait: settings.replicaWait)
        var configuration = DashboardConfiguration(
            host: settings.host,
            port: settings.port,
            adminToken: settings.adminToken,
            ingestToken: settings.ingestToken
        )
        configuration.responseCacheBytes = settings.responseCacheBytes
        configuration.itemCacheBytes = settings.itemCacheBytes
        configuration.orderCacheBytes = settings.orderCacheBytes
        if let legacy = settings.legacyDashboard {
            // Phase Shadow serves the read routes from this legacy copy and compares PostgreSQL beside them.
            let control: LegacyControlReader
            do { control = try LegacyControlReader(path: legacy) } catch { throw CLIError("YTV2_LEGACY_DASHBOARD: \(error)") }
            configuration.shadow = ShadowConfiguration(
                control: control,
                samplePercent: settings.shadowSamplePercent,
                candidateTimeout: settings.shadowTimeout
            )
        }
        let (host, summary) = (settings.host, settings.location.summary)
        configuration.onServerRunning = { port in
            // Written straight to the descriptor: stdout to a pipe or file is buffered, and this line must show at once.
            FileHandle.standardOutput.write(Data("ytv2 dashboard on http://\(host):\(port) (database: \(summary))\n".utf8))
        }
        let app = buildApplication(configuration: configuration, store: store, logger: logger)
        // SIGTERM: stop accepting, end the live-update streams, let requests in flight finish; within 5 s at most.
        do {
            try await runUntilStopped([app], logger: logger, maximumGrace: .seconds(4))
        } catch is CancellationError {
            // Stopped (SIGTERM) before the database answered: nothing was served, nothing failed.
            logger.notice("dashboard stopped before the database answered")
            return
        } catch let error as IOError {
            throw CLIError(Self.bindProblem(error, host: settings.host, port: settings.port))
        }
        logger.notice("dashboard stopped")
    }
}
