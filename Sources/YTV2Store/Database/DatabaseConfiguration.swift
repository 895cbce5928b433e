import Foundation
import Logging
import NIOSSL
import PostgresNIO

/// Where the database is: parsed from a `postgres://` URL, as `DATABASE_URL` gives it.
package struct DatabaseConfiguration: Sendable, CustomStringConvertible {
    package enum TLSMode: String, Sendable {
        case disable, prefer, require
        case verifyFull = "verify-full"
    }

    package var host: String
    package var port: Int
    package var username: String
    package var password: String?
    package var database: String
    package var tlsMode: TLSMode
    /// How long a connection attempt may take before it counts as failed (`DATABASE_CONNECT_TIMEOUT`).
    package var connectTimeout: Duration = .seconds(5)

    package init(host: String, port: Int, username: String, password: String?, database: String, tlsMode: TLSMode) {
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.database = database
        self.tlsMode = tlsMode
    }

    /// Parses `postgres://user:password@host:port/database?sslmode=require` (also `postgresql://`). Errors name
    /// `variable`, the environment variable the URL came from.
    package init(url string: String, variable: String = "DATABASE_URL") throws {
        guard let components = URLComponents(string: string), let scheme = components.scheme,
            scheme == "postgres" || scheme == "postgresql"
        else {
            throw StoreError.invalidInput("\(variable) must look like postgres://user:password@host:port/database")
        }
        guard let host = components.host, !host.isEmpty else {
            throw StoreError.invalidInput("\(variable) has no host")
        }
        if let port = components.port, !(1...65_535).contains(port) {
            throw StoreError.invalidInput("\(variable) port \(port) is not between 1 and 65535")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw StoreError.invalidInput("\(variable) names no database") }
        guard let user = components.user, !user.isEmpty else { throw StoreError.invalidInput("\(variable) names no user") }
        let sslmode = components.queryItems?.first { $0.name == "sslmode" }?.value ?? "prefer"
        let mode: TLSMode
        switch sslmode {
        case "disable": mode = .disable
        case "allow", "prefer": mode = .prefer
        case "require", "verify-ca": mode = .require
        case "verify-full": mode = .verifyFull
        default: throw StoreError.invalidInput("\(variable) sslmode \"\(sslmode)\" is not one of disable, prefer, require, verify-full")
        }
        self.init(
            host: host,
            port: components.port ?? 5432,
            username: user.removingPercentEncoding ?? user,
            password: components.password?.removingPercentEncoding ?? components.password,
            database: database,
            tlsMode: mode
        )
    }

    /// The same server with another database name (the maintenance database, a test database).
    package func with(database: String) -> DatabaseConfiguration {
        var copy = self
        copy.database = database
        return copy
    }

    /// The URL with the password, for handing to a child process's environment only.
    package var url: String {
        var components = URLComponents()
        components.scheme = "postgres"
        components.user = username
        components.password = password
        components.host = host
        components.port = port
        components.path = "/" + database
        if tlsMode != .prefer { components.queryItems = [URLQueryItem(name: "sslmode", value: tlsMode.rawValue)] }
        return components.string ?? ""
    }

    /// Never shows the password.
    package var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)"
    }

    /// libpq's environment for pg_dump and pg_restore: the password travels in the environment, never on a command line.
    package var libpqEnvironment: [String: String] {
        var env = ["PGHOST": host, "PGPORT": String(port), "PGUSER": username, "PGDATABASE": database]
        if let password { env["PGPASSWORD"] = password }
        env["PGSSLMODE"] = tlsMode.rawValue
        return env
    }

    /// The TLS settings of `tlsMode`: nil for `disable`; otherwise the configuration and whether TLS is required.
    /// `prefer` and `require` encrypt without verifying the certificate, as libpq does; `verify-full` verifies.
    private var tlsSettings: (configuration: TLSConfiguration, required: Bool)? {
        var configuration = TLSConfiguration.makeClientConfiguration()
        switch tlsMode {
        case .disable: return nil
        case .prefer, .require:
            configuration.certificateVerification = .none
            return (configuration, tlsMode == .require)
        case .verifyFull: return (configuration, true)
        }
    }

    /// `connectTimeout` in whole seconds, for the pool (a `Duration`) and for single connections (a `TimeAmount`).
    private var connectTimeoutSeconds: Int64 { max(1, connectTimeout.components.seconds) }

    /// The pool's settings: at most 10 connections, each closed once idle for 10 s, without keep-alive queries.
    ///
    /// The short idle time bounds memory. PostgresNIO's pool sets a timer (a sleeping task) each time a connection goes
    /// back to it, for its idle timeout and its keep-alive, and cancels them at the next lease; but a cancelled sleep
    /// keeps its task and timer until the time it was set for (swiftlang/swift#60441). At a few hundred leases a
    /// second, the default 60 s idle timeouts and 30 s keep-alives held about 60,000 of them, some 14 MB of a busy
    /// dashboard's heap (heaptrack, bench/api at 100,000 videos). A connection idle for 10 s is closed, so it needs no
    /// keep-alive, and at most 10 s of idle timers are alive at once. (Keeping connections open instead, with
    /// `minimumConnections`, crashed `ytv2 serve` when the server went away: PostgresNIO 1.33's pool asserts that no
    /// fewer than the minimum are open when a lease asks for one more.)
    package func clientConfiguration() -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS =
            tlsSettings.map { $0.required ? .require($0.configuration) : .prefer($0.configuration) } ?? .disable
        var configuration = PostgresClient.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
        configuration.options.connectTimeout = .seconds(connectTimeoutSeconds)
        configuration.options.maximumConnections = 10
        configuration.options.connectionIdleTimeout = .seconds(10)
        configuration.options.keepAliveBehavior = nil
        return configuration
    }

    /// A single connection (the change-feed listener needs one outside the pool).
    package func connectionConfiguration() throws -> PostgresConnection.Configuration {
        var tls = PostgresConnection.Configuration.TLS.disable
        if let settings = tlsSettings {
            let context = try NIOSSLContext(configuration: settings.configuration)
            tls = settings.required ? .require(context) : .prefer(context)
        }
        var configuration = PostgresConnection.Configuration(
            host: host,
            port: port,
            username: username,
            password: password,
            database: database,
            tls: tls
        )
        configuration.options.connectTimeout = .seconds(connectTimeoutSeconds)
        return configuration
    }
}

extension DatabaseConfiguration {
    /// Creates the configured database through the server's `postgres` maintenance database when it does not exist.
    package func createDatabaseIfMissing(logger: Logger) async throws {
        try await mappingErrors {
            let connection = try await PostgresConnection.connect(
                configuration: try with(database: "postgres").connectionConfiguration(),
                id: 1,
                logger: logger
            )
            do {
                let rows = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(database)", logger: logger)
                var exists = false
                for try await _ in rows { exists = true }
                if !exists {
                    let quoted = database.replacingOccurrences(of: "\"", with: "\"\"")
                    try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(quoted)\""), logger: logger)
                }
                try await connection.close()
            } catch {
                try? await connection.close()
                throw error
            }
        }
    }
}
