/// The connections one process uses: the pool for every statement (`DATABASE_URL`, which may be a transaction-mode
/// pooler such as PgBouncer), a direct session for what a pooler cannot carry (`DATABASE_DIRECT_URL`: the change
/// feed's LISTEN), and optionally a streaming read replica for the dashboard's reads (`DATABASE_READ_URL`).
package struct DatabaseEndpoints: Sendable {
    package var primary: DatabaseConfiguration
    /// Nil: sessions go to `primary` too (right when `primary` is the server itself or a session-mode pooler).
    package var direct: DatabaseConfiguration?
    package var readReplica: DatabaseConfiguration?

    package init(primary: DatabaseConfiguration, direct: DatabaseConfiguration? = nil, readReplica: DatabaseConfiguration? = nil) {
        self.primary = primary
        self.direct = direct
        self.readReplica = readReplica
    }

    /// Where sessions (LISTEN) go.
    package var session: DatabaseConfiguration { direct ?? primary }
}
