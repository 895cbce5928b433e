/// The phases of the move from the legacy SQLite files to PostgreSQL, in order. Stored in the settings table
/// under ``settingsKey``; each advance is gated and audited.
package enum MigrationPhase: String, Sendable, CaseIterable, Codable {
    case off = "Off"
    case imported = "Imported"
    case dualWrite = "DualWrite"
    case shadow = "Shadow"
    case live = "Live"
    case complete = "Complete"

    package static let settingsKey = "migration.phase"

    /// The phase an advance leads to, nil at the end.
    package var next: MigrationPhase? {
        let all = Self.allCases
        guard let index = all.firstIndex(of: self), index + 1 < all.count else { return nil }
        return all[index + 1]
    }
}
