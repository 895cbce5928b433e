import Foundation
import YTV2Store

/// What the migration records about itself (an import, a verify, an archive, a rollback drill): a JSON setting under
/// its key, written with an audit entry, read back with the time it was written. The one encoding of those records.
package struct MigrationRecords: Sendable {
    package let store: Store

    package init(store: Store) { self.store = store }

    /// The record under `key` decoded, with when it was written; nil when unset or not readable as `T`.
    package func read<T: Decodable>(_ type: T.Type, _ key: String) async throws -> (value: T, at: Date)? {
        guard let setting = try await store.settingRecord(key) else { return nil }
        guard let value = try? MigrationRecordJSON.decoder.decode(T.self, from: Data(setting.json.utf8)) else { return nil }
        return (value, setting.updatedAt)
    }

    /// Stores `value` under `key`, with an audit entry `action` by `actor` in the same transaction.
    func write<T: Encodable & Sendable>(_ value: T, as key: String, actor: String, action: String) async throws {
        try await store.recordSetting(key, json: try MigrationRecordJSON.text(value), actor: actor, auditAction: action, details: value)
    }
}

/// Migration records as JSON: sorted keys, ISO 8601 dates.
enum MigrationRecordJSON {
    static func text(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
