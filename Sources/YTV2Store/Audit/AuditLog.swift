import Crypto
import Foundation
import PostgresNIO
import YTV2Core

/// One audit-log entry as stored.
package struct AuditEntry: Sendable, Equatable {
    package var seq: Int
    package var at: String
    package var actor: String
    package var action: String
    package var subject: String?
    package var details: String
    package var prevHash: String
    package var hash: String
}

/// The result of walking the audit log's hash chain.
package struct AuditVerification: Sendable, Equatable {
    package var entries: Int
    /// The first entry whose hash or link does not verify, with what is wrong; nil when the chain is intact.
    package var firstBroken: (seq: Int, problem: String)?

    package var isIntact: Bool { firstBroken == nil }

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.entries == rhs.entries && lhs.firstBroken?.seq == rhs.firstBroken?.seq && lhs.firstBroken?.problem == rhs.firstBroken?.problem
    }
}

extension Store {
    /// Appends inside the caller's transaction; the database trigger links the entry into the hash chain.
    func appendAudit(
        actor: String,
        action: String,
        subject: String?,
        details: some Encodable,
        on connection: PostgresConnection
    )
        async throws
    {
        let detailsJSON = try jsonText(details)
        try await connection.query(
            "INSERT INTO audit_log (actor, action, subject, details) VALUES (\(actor), \(action), \(subject), \(detailsJSON)::jsonb)",
            logger: logger
        )
    }
}

/// The audit log (`audit_log`): appended to by every audited write, inside its transaction (``Store/appendAudit``);
/// this type is for the callers that add a fact of their own, list the entries or check the hash chain.
package struct AuditLog: Sendable {
    let store: Store

    package init(store: Store) { self.store = store }

    /// Appends an audited fact in its own transaction (imports, flag changes, backups).
    package func append(actor: String, action: String, subject: String? = nil, details: some Encodable & Sendable) async throws {
        try await store.transaction { connection in
            try await store.appendAudit(actor: actor, action: action, subject: subject, details: details, on: connection)
        }
    }

    /// The most recent entries, newest first.
    package func entries(limit: Int = 100) async throws -> [AuditEntry] {
        try await store.read { [self] connection in
            try await fetchAudit(on: connection, newestFirst: true, limit: limit)
        }
    }

    /// Recomputes every entry's sha256 from its fields and its predecessor's hash, in Swift, independently of the
    /// trigger that wrote it: an edited field, a removed entry or a forged hash breaks the chain at that entry.
    package func verifyChain() async throws -> AuditVerification {
        let entries = try await store.read { [self] connection in try await fetchAudit(on: connection, newestFirst: false, limit: nil) }
        var previous = String(repeating: "0", count: 64)
        for entry in entries {
            if entry.prevHash != previous {
                return AuditVerification(entries: entries.count, firstBroken: (entry.seq, "its link does not match the previous entry's hash"))
            }
            let text = [entry.prevHash, String(entry.seq), entry.at, entry.actor, entry.action, entry.subject ?? "", entry.details]
                .joined(separator: "|")
            let hash = text.utf8.sha256Hex
            if hash != entry.hash {
                return AuditVerification(entries: entries.count, firstBroken: (entry.seq, "its content does not match its hash"))
            }
            previous = entry.hash
        }
        return AuditVerification(entries: entries.count, firstBroken: nil)
    }

    private func fetchAudit(on connection: PostgresConnection, newestFirst: Bool, limit: Int?) async throws -> [AuditEntry] {
        let order = newestFirst ? "DESC" : "ASC"
        let limitClause = limit.map { " LIMIT \($0)" } ?? ""
        let rows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT seq, to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), actor, action, subject,
                           details::text, prev_hash, hash
                    FROM audit_log ORDER BY seq \(order)\(limitClause)
                    """
            ),
            logger: store.logger
        )
        var entries: [AuditEntry] = []
        for try await (seq, at, actor, action, subject, details, prev, hash) in rows.decode(
            (Int, String, String, String, String?, String, String, String).self
        ) {
            entries.append(AuditEntry(seq: seq, at: at, actor: actor, action: action, subject: subject, details: details, prevHash: prev, hash: hash))
        }
        return entries
    }
}
