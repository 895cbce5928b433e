import Foundation
import Logging
import NIOCore
import NIOPosix
import PostgresNIO

/// One connection attempt to a database, within a time limit, and what its failure means to a person: the endpoint
/// (password masked), the cause (refused, name not found, timed out, authentication failed, TLS required or refused,
/// database missing) and what to check. Commands ask it before they start work, so an unreachable database is one
/// clear line and exit status 2 after a few seconds, not a long silence (the pool retries forever by design).
package enum DatabaseProbe {
    /// Connects once to `configuration`; throws ``StoreError/unreachable(endpoint:cause:advice:)`` when that fails.
    package static func check(_ configuration: DatabaseConfiguration, logger: Logger) async throws {
        let timeout = configuration.connectTimeout
        let options = try configuration.connectionConfiguration()
        let attempt: Result<PostgresConnection, any Error> = await withTaskGroup(of: Result<PostgresConnection, any Error>?.self) { group in
            group.addTask {
                do { return .success(try await PostgresConnection.connect(configuration: options, id: 0, logger: logger)) } catch {
                    return .failure(error)
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout + .seconds(1))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? .failure(TimedOut())
        }
        switch attempt {
        case .success(let connection):
            try? await connection.close()
        case .failure(let error):
            let (cause, advice) = explain(error, configuration: configuration, timeout: timeout)
            throw StoreError.unreachable(endpoint: configuration.description, cause: cause, advice: advice)
        }
    }

    struct TimedOut: Error {}

    /// The cause of a failed connection and what to check, in words.
    static func explain(_ error: any Error, configuration: DatabaseConfiguration, timeout: Duration) -> (cause: String, advice: String) {
        let variable = "DATABASE_URL"
        let text = String(reflecting: error).lowercased()
        if let psql = error as? PSQLError {
            if let state = psql.serverInfo?[.sqlState] {
                let message = psql.serverInfo?[.message] ?? ""
                switch state {
                case "28P01",
                    "28000" where message.lowercased().contains("password"):
                    return ("authentication failed for user \(configuration.username)", "check the user and password in \(variable)")
                case "28000" where message.lowercased().contains("ssl off") || message.lowercased().contains("no encryption"):
                    return ("the server accepts only encrypted connections (\(message))", "add ?sslmode=require to \(variable)")
                case "28000":
                    return ("the server refused the connection (\(message))", "check pg_hba.conf on the server, and the user in \(variable)")
                case "3D000":
                    return (
                        "the database \(configuration.database) does not exist",
                        "create it (createdb \(configuration.database)) or name an existing one in \(variable)"
                    )
                case "53300":
                    return ("the server has no connection slot left (\(message))", "close idle clients or raise max_connections")
                case "57P03":
                    return ("the server is starting up or shutting down", "try again in a few seconds")
                default:
                    return ("the server answered \(state): \(message)", "check \(variable)")
                }
            }
            if psql.code == .sslUnsupported {
                return (
                    "the server does not offer TLS, and sslmode=\(configuration.tlsMode.rawValue) requires it",
                    "use sslmode=disable or prefer, or enable ssl on the server"
                )
            }
            if psql.code == .failedToAddSSLHandler {
                return ("the TLS handshake could not start", "check sslmode in \(variable)")
            }
            if let underlying = psql.underlying { return explain(underlying, configuration: configuration, timeout: timeout) }
            if psql.code == .serverClosedConnection {
                return (
                    "the other end closed the connection before answering",
                    "check the host and port in \(variable) (is it a PostgreSQL server?) and its sslmode"
                )
            }
        }
        if error is TimedOut || text.contains("timeout") || text.contains("timed out") {
            return (
                "no answer within \(timeout.components.seconds) s",
                "check the host and port in \(variable), and that no firewall drops the connection (DATABASE_CONNECT_TIMEOUT sets the wait)"
            )
        }
        if text.contains("refused") || text.contains("errno: 111") {
            return (
                "connection refused: nothing listens at \(configuration.host):\(configuration.port)",
                "check that PostgreSQL runs, and the host and port in \(variable)"
            )
        }
        if text.contains("unknown") || text.contains("could not resolve") || text.contains("name or service not known") || text.contains("nodename") {
            return ("the host name \(configuration.host) does not resolve", "check the host in \(variable)")
        }
        if text.contains("certificate") || text.contains("ssl") || text.contains("tls") || text.contains("handshake") {
            return ("TLS failed: \(String(describing: error).prefix(160))", "check sslmode in \(variable) and the server's certificate")
        }
        if text.contains("unreachable") || text.contains("no route") {
            return ("the network cannot reach \(configuration.host)", "check the host in \(variable) and the network")
        }
        return ("\(String(reflecting: error).prefix(300))", "check \(variable)")
    }
}
