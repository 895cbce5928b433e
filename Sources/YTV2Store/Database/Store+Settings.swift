import Foundation
import PostgresNIO

/// A setting's JSON value and when it was last written.
package struct SettingRecord: Sendable, Equatable {
    package var json: String
    package var updatedAt: Date
    package var updatedBy: String
}

extension Store {
    /// A setting (runtime flags and what the migration records), nil when unset.
    package func settingRecord(_ key: String) async throws -> SettingRecord? {
        try await read { [self] connection in
            let rows = try await connection.query(
                "SELECT value::text, updated_at, updated_by FROM settings WHERE key = \(key)",
                logger: logger
            )
            return try await rows.first((String, Date, String).self).map { json, at, by in
                SettingRecord(json: json, updatedAt: at, updatedBy: by)
            }
        }
    }

    /// Records a setting (JSON value) and, in the same transaction, an audit entry.
    package func recordSetting(_ key: String, json: String, actor: String, auditAction: String, details: some Encodable & Sendable) async throws {
        try await transaction { [self] connection in
            try await upsertSetting(key, json: json, actor: actor, on: connection)
            try await appendAudit(actor: actor, action: auditAction, subject: key, details: details, on: connection)
        }
    }

    func upsertSetting(_ key: String, json: String, actor: String, on connection: PostgresConnection) async throws {
        try await connection.query(
            """
            INSERT INTO settings (key, value, updated_by) VALUES (\(key), \(json)::jsonb, \(actor))
            ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_by = excluded.updated_by, updated_at = now()
            """,
            logger: logger
        )
    }
}
