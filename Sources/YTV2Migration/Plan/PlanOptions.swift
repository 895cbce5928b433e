import Foundation
import YTV2Core

/// Operator overrides of the reconciliation rules (docs/legacy.md, "Reconciliation", rule 5).
package struct PlanOptions: Sendable, Codable, Equatable {
    /// Videos to import even where the rules would tombstone them (video ids, `yt:` ids or legacy ids).
    package var keep: [String]
    /// Videos not to import: their rows are quarantined whole.
    package var drop: [String]
    /// Overrides the dashboard's high-water mark: NAS/report rows at or before it count as deleted on the dashboard.
    package var deletedBefore: Date?

    package init(keep: [String] = [], drop: [String] = [], deletedBefore: Date? = nil) {
        self.keep = keep
        self.drop = drop
        self.deletedBefore = deletedBefore
    }

    /// The group key an operator's id names: `yt:` + the lower-cased id, or the legacy id as given, lower-cased.
    static func groupKey(_ id: String) -> String {
        let trimmed = id.trimmingASCIIWhitespace
        // A report file of the snapshot (`reports/<name>.json`) names the rows read from it.
        if trimmed.hasPrefix("reports/") { return "row:" + trimmed }
        if let video = try? VideoID(apiID: trimmed) { return video.legacyID }
        return trimmed.lowercased()
    }

    var keepKeys: Set<String> { Set(keep.map(Self.groupKey)) }
    var dropKeys: Set<String> { Set(drop.map(Self.groupKey)) }
}
