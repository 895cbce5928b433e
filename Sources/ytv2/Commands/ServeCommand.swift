import ArgumentParser
import Foundation
import Hummingbird
import Logging
import YTV2Core
import YTV2Dashboard
import YTV2Migration
import YTV2Store

/// The legacy copy as the control side of the dashboard's shadow reads.
extension LegacyControlReader: ControlReads {}

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the dashboard on the shared database (applies pending migrations first)."
    )

    @Option(help: "Address to listen on.") var host: String = ProcessInfo.processInfo.environment["HOST"] ?? "127.0.0.1"
    @Option(help: "Port to listen on.") var port: Int = Int(ProcessInfo.processInfo.environment["PORT"] ?? "") ?? 10000
    @OptionGroup var global: GlobalOptions

    func run() async throws {
        let logger = try global.makeLogger("ytv2.serve")
        let location = try DatabaseLocation.fromEnvironment()
        let databaseConfiguration: DatabaseConfiguration
        do {
            databaseConfiguration = try await location.connect(logger: logger)
        } catch let error as StoreError {
            throw CLIError(error.description)
        }
        let store = Store(configuration: databaseConfiguration, logger: logger)
        let environment = ProcessInfo.processInfo.environment
        var configuration = DashboardConfiguration(
            host: host,
            port: port,
            adminToken: environment["YTV2_ADMIN_TOKEN"],
            ingestToken: environment["YTV2_INGEST_TOKEN"]
        )
        if let legacy = environment["YTV2_LEGACY_DASHBOARD"], !legacy.isEmpty {
            // Phase Shadow serves the read routes from this legacy copy and compares PostgreSQL beside them.
            let control: LegacyControlReader
            do { control = try LegacyControlReader(path: legacy) } catch { throw CLIError("YTV2_LEGACY_DASHBOARD: \(error)") }
            configuration.shadow = ShadowConfiguration(
                control: control,
                samplePercent: Double(environment["YTV2_SHADOW_SAMPLE_PERCENT"] ?? "") ?? 100,
                candidateTimeout: .milliseconds(Int(environment["YTV2_SHADOW_TIMEOUT_MS"] ?? "") ?? 500)
            )
        }
        configuration.onServerRunning = { port in
            // Written straight to the descriptor: stdout to a pipe or file is buffered, and this line must show at once.
            FileHandle.standardOutput.write(Data("ytv2 dashboard on http://\(host):\(port) (database: \(location.summary))\n".utf8))
        }
        let app = buildApplication(configuration: configuration, store: store, logger: logger)
        try await app.runService()
    }
}
