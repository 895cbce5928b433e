import Foundation
import YTV2Core

/// `manifest.json` of a snapshot: every file with its checksum, and the baseline the later steps are held to.
public struct SnapshotManifest: Codable, Sendable, Equatable {
    public struct File: Codable, Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var bytes: Int
    }

    /// The figures of the legacy data at the moment of the snapshot.
    public struct Baseline: Codable, Sendable, Equatable {
        /// Rows per table per database file (`report` counts the report files).
        public var rowsPerTable: [String: [String: Int]] = [:]
        /// Primary rows per source: content rows of each file, report files.
        public var rowsPerSource: [String: Int] = [:]
        /// Per source, the categorized rows (docs/legacy.md, "Categorized"): row key → its sorted "category / subcategory" pairs.
        public var categorized: [String: [String: [String]]] = [:]
        /// Summary texts per normalized variant per source.
        public var summariesPerVariant: [String: [String: Int]] = [:]

        public var categorizedCount: [String: Int] { categorized.mapValues(\.count) }
    }

    public var formatVersion = 1
    public var createdAt: Date
    /// Where each part was copied from.
    public var sources: [String: String]
    public var files: [File]
    public var integrity: [String: String]
    public var baseline: Baseline

    public static let fileName = "manifest.json"
    public static let dashboardFile = "dashboard.sqlite"
    public static let nasFile = "nas.sqlite"
    public static let reportsFolder = "reports"
    public static let audioFolder = "audio"

    static func pairText(_ pair: CategoryPair) -> String { "\(pair.category) / \(pair.subcategory)" }
}
