import Foundation
import YTV2Core

/// `manifest.json` of a snapshot: every file with its checksum, and the baseline the later steps are held to.
package struct SnapshotManifest: Codable, Sendable, Equatable {
    package struct File: Codable, Sendable, Equatable {
        package var path: String
        package var sha256: String
        package var bytes: Int
    }

    /// The figures of the legacy data at the moment of the snapshot.
    package struct Baseline: Codable, Sendable, Equatable {
        /// Rows per table per database file (`report` counts the report files).
        package var rowsPerTable: [String: [String: Int]] = [:]
        /// Primary rows per source: content rows of each file, report files.
        package var rowsPerSource: [String: Int] = [:]
        /// Per source, the categorized rows (docs/legacy.md, "Categorized"): row key → its sorted "category / subcategory" pairs.
        package var categorized: [String: [String: [String]]] = [:]
        /// Summary texts per normalized variant per source.
        package var summariesPerVariant: [String: [String: Int]] = [:]

        package var categorizedCount: [String: Int] { categorized.mapValues(\.count) }
    }

    package var formatVersion = 1
    package var createdAt: Date
    /// Where each part was copied from.
    package var sources: [String: String]
    package var files: [File]
    package var integrity: [String: String]
    package var baseline: Baseline

    package static let fileName = "manifest.json"
    package static let dashboardFile = "dashboard.sqlite"
    package static let nasFile = "nas.sqlite"
    package static let reportsFolder = "reports"
    package static let audioFolder = "audio"

    static func pairText(_ pair: CategoryPair) -> String { "\(pair.category) / \(pair.subcategory)" }
}
