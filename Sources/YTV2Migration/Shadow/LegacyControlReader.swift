import Foundation
import Synchronization
import YTV2Core
import YTV2Legacy
import YTV2Store

/// Reads the legacy dashboard file the way the legacy dashboard served it, into the records the new dashboard
/// renders: the control side of the shadow reads (phase Shadow), read with the migration's own readers. One report
/// is looked up by id; lists, filters and search run over every video of the file (see `+Lists`), which is read once
/// and kept until another process (the mirror, the legacy app) commits to the file.
package struct LegacyControlReader: Sendable {
    package let file: LegacySQLiteFile
    private let everything = AllReports()

    /// The whole file as records, with the data version it was read at.
    private final class AllReports: Sendable {
        let cached = Mutex<(version: Int, records: [ReportRecord])?>(nil)
    }

    package init(path: String) throws { file = try LegacySQLiteFile(path: path) }

    /// The video as the legacy file holds it; nil when the file has no row for it.
    package func report(_ id: VideoID) throws -> ReportRecord? {
        let path = file.path
        guard let rowid = try file.rowids(of: "content", where: "id", equals: id.legacyID).first else { return nil }
        var record: LegacyRecord?
        try file.forEachRow(of: "content", rowids: [rowid]) { row in record = try LegacyRecord(contentRow: row, file: path) }
        guard let content = record else { return nil }
        var variants: [LegacyRecord] = []
        let variantRows = try file.rowids(of: "summary_variants", where: "video_id", equals: id.rawValue)
        try file.forEachRow(of: "summary_variants", rowids: variantRows) { row in variants.append(LegacyRecord(variantRow: row, file: path)) }
        var summaries: [LegacyRecord] = []
        let summaryRows = try file.rowids(of: "content_summaries", where: "content_id", equals: id.legacyID)
        try file.forEachRow(of: "content_summaries", rowids: summaryRows) { row in summaries.append(LegacyRecord(summaryRow: row, file: path)) }
        return Self.reportRecord(id, content: content, variantRows: variants, summaryRows: summaries)
    }

    /// Every video of the file with a usable id, read again only when the file changed since the last call.
    package func allReports() throws -> [ReportRecord] {
        let version = try file.dataVersion()
        if let cached = everything.cached.withLock({ $0 }), cached.version == version { return cached.records }
        let path = file.path
        var variantsByVideo: [String: [LegacyRecord]] = [:]
        try file.forEachRow(of: "summary_variants") { row in
            guard let key = row["video_id"].text else { return }
            variantsByVideo[key, default: []].append(LegacyRecord(variantRow: row, file: path))
        }
        var summariesByContent: [String: [LegacyRecord]] = [:]
        try file.forEachRow(of: "content_summaries") { row in
            guard let key = row["content_id"].text else { return }
            summariesByContent[key, default: []].append(LegacyRecord(summaryRow: row, file: path))
        }
        var records: [ReportRecord] = []
        try file.forEachRow(of: "content") { row in
            let content = try LegacyRecord(contentRow: row, file: path)
            guard let id = content.exactVideoID else { return }
            records.append(
                Self.reportRecord(
                    id,
                    content: content,
                    variantRows: variantsByVideo[id.rawValue] ?? [],
                    summaryRows: summariesByContent[id.legacyID] ?? []
                )
            )
        }
        everything.cached.withLock { $0 = (version, records) }
        return records
    }

    /// One record from the video's `content` row and its summary rows (each in rowid order).
    static func reportRecord(_ id: VideoID, content: LegacyRecord, variantRows: [LegacyRecord], summaryRows: [LegacyRecord]) -> ReportRecord {
        // The latest text per variant: summary_variants first, then content_summaries, then content.summary.
        var texts: [SummaryVariant: LegacySummary] = [:]
        for summary in variantRows.flatMap(\.summaries) { texts[summary.variant] = summary }
        for summary in summaryRows.flatMap(\.summaries) where texts[summary.variant] == nil { texts[summary.variant] = summary }
        for summary in content.summaries where texts[summary.variant] == nil { texts[summary.variant] = summary }

        let m = content.fields
        let indexed = content.indexedAt ?? m.indexedAt ?? Date(timeIntervalSince1970: 0)
        let summaries = texts.values
            .sorted { ($0.variant.preferenceRank, $0.variant.id) < ($1.variant.preferenceRank, $1.variant.id) }
            .map {
                StoredSummary(
                    variant: $0.variant,
                    revision: 1,
                    isLatest: true,
                    text: $0.text,
                    headline: $0.headline,
                    language: $0.language,
                    createdAt: indexed
                )
            }
        return ReportRecord(
            videoID: id,
            metadata: m,
            indexedAt: indexed,
            categorization: content.categories.map { Categorization(entries: $0, origin: .legacyDashboard) },
            audio: content.hasAudio == true
                ? AudioInfo(sizeBytes: 0, sha256: "", durationSeconds: content.audioDurationSeconds, mime: "audio/mpeg") : nil,
            summaries: summaries,
            updatedAt: content.updatedAt ?? indexed
        )
    }
}
