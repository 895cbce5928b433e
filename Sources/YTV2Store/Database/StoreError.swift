import Foundation
import PostgresNIO
import YTV2Core

/// Errors of the store. Each names what went wrong in a sentence fit for a user; none carries SQL text or secrets.
package enum StoreError: Error, CustomStringConvertible, Sendable {
    /// A value the store was asked to write is invalid (the message names the field).
    case invalidInput(String)
    /// The video does not exist. `deletedAt` is set when a tombstone says it was deleted.
    case videoNotFound(VideoID, deletedAt: Date?)
    /// A write for a deleted video was refused; only an explicit re-request may bring it back.
    case videoDeleted(VideoID, deletedAt: Date)
    /// The database server reported an error: its SQLSTATE and message.
    case database(sqlState: String, message: String)
    /// The database cannot be reached (connection refused, closed, pool shut down).
    case unavailable(String)
    /// A connection to the database failed: where to (password masked), why, and what to check (``DatabaseProbe``).
    case unreachable(endpoint: String, cause: String, advice: String)
    /// A migration file changed after it was applied, or the schema history is inconsistent.
    case migration(String)
    /// Backup or restore failed verification.
    case backup(String)

    package var description: String {
        switch self {
        case .invalidInput(let message): "invalid input: \(message)"
        case .videoNotFound(let id, let deletedAt):
            if let deletedAt { "video \(id) was deleted at \(ISO8601DateFormatter().string(from: deletedAt))" } else { "video \(id) not found" }
        case .videoDeleted(let id, let deletedAt):
            "video \(id) was deleted at \(ISO8601DateFormatter().string(from: deletedAt)); request it explicitly to bring it back"
        case .database(let state, let message): "database error \(state): \(message)"
        case .unavailable(let message): "database unavailable: \(message)"
        case .unreachable(let endpoint, let cause, let advice): "cannot reach the database at \(endpoint): \(cause); \(advice)"
        case .migration(let message): "migration error: \(message)"
        case .backup(let message): "backup error: \(message)"
        }
    }

    /// Wraps any error thrown by PostgresNIO into a ``StoreError`` that keeps the SQLSTATE.
    package static func wrap(_ error: any Error) -> any Error {
        switch error {
        case let error as StoreError:
            return error
        case let error as PostgresTransactionError:
            if let inner = error.closureError { return wrap(inner) }
            if let commit = error.commitError { return wrap(commit) }
            if let begin = error.beginError { return wrap(begin) }
            if let rollback = error.rollbackError { return wrap(rollback) }
            return StoreError.unavailable("transaction failed")
        case let error as PSQLError:
            if let info = error.serverInfo, let state = info[.sqlState] {
                let message = info[.message] ?? "unknown server error"
                if state.hasPrefix("08") || state == "57P01" || state == "57P02" || state == "57P03" {
                    return StoreError.unavailable("\(message) (\(state))")
                }
                return StoreError.database(sqlState: state, message: message)
            }
            // Without server information the error is about the connection itself (refused, closed, pool shut down).
            return StoreError.unavailable(String(describing: error.code))
        case is CancellationError:
            return error
        default:
            // Pool errors (connect timeout, shutdown) are not PSQLError in every path.
            let text = String(describing: error)
            if text.localizedCaseInsensitiveContains("connect") || text.localizedCaseInsensitiveContains("pool") {
                return StoreError.unavailable(text)
            }
            return error
        }
    }
}

/// Runs `body`, turning PostgresNIO errors into ``StoreError``.
func mappingErrors<T>(_ body: () async throws -> T) async throws -> T {
    do {
        return try await body()
    } catch {
        throw StoreError.wrap(error)
    }
}
