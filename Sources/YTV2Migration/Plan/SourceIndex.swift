import Foundation
import YTV2Core
import YTV2Legacy

/// Pass one over a snapshot: every source row, grouped by the video it belongs to, with only what the decisions need
/// (identity, time, where to find the row again, whether it is readable). Only those columns are read, and small
/// enough for any file size; the rows themselves are read again batch by batch.
struct SourceIndex {
    struct Member: Sendable {
        var source: LegacySource
        /// rowid in its SQLite table; nil for reports.
        var rowid: Int64?
        var isPrimary: Bool
        var isDashboardContent: Bool
        var seenAt: Date?
    }

    struct Group: Sendable {
        var key: String
        var members: [Member] = []
        var exactIDs: [VideoID] = []
        var errors: [LegacyRowError] = []
    }

    var groups: [String: Group] = [:]
    /// Rows per (file, table), the denominator of the ledger's accounting.
    var rowsPerTable: [String: [String: Int]] = [:]
    /// The latest `indexed_at`/`updated_at` of the dashboard copy.
    var dashboardHighWaterMark: Date?
    /// Audio files of the snapshot by the case-exact video id in their name.
    var audioByVideo: [String: [String]] = [:]
    /// Every audio file of the snapshot, for paths named by `content_files`.
    var audioFiles = Set<String>()
    /// Lower-cased legacy ids whose content rows in the two files belong to different videos, with the group of the
    /// dashboard's row: the id stays that video's alias.
    var contestedAliases: [String: String] = [:]

    var sortedKeys: [String] { groups.keys.sorted() }

    /// `files` are the snapshot's SQLite files by name, opened once by the planner.
    static func build(_ snapshot: MigrationSnapshot, files: [(String, LegacySQLiteFile)], progress: ProgressReporter) throws -> SourceIndex {
        var index = SourceIndex()
        // Per file, the group of each content row by its lower-cased legacy id: a child row's `content_id` names a
        // content row of its own file (the same legacy id can name different videos in the two files).
        var contentGroups: [String: [String: String]] = [:]
        let total = files.reduce(snapshot.reportFiles.count) { sum, file in
            sum + (snapshot.manifest.baseline.rowsPerTable[file.0]?.values.reduce(0, +) ?? 0)
        }
        progress.begin("reading", total: total)
        // Content rows and reports first, so child rows can follow their content id to its video.
        for (name, file) in files {
            try LegacySchema.check(file, role: name == SnapshotManifest.dashboardFile ? .dashboard : .nas)
            try file.forEachRow(of: "content", columns: LegacyRecord.identityColumns(of: "content")) { row in
                let read = SourceReader.read(row, file: name, depth: .identity)
                index.add(read, rowid: row.rowid, primary: true, dashboard: name == SnapshotManifest.dashboardFile)
                if let legacyID = read.record.legacyID?.lowercased() {
                    contentGroups[name, default: [:]][legacyID] = read.record.groupKey
                }
                progress.advance()
            }
        }
        if let (first, _) = files.first, let firstGroups = contentGroups[first] {
            for (name, _) in files.dropFirst() {
                for (legacyID, key) in contentGroups[name] ?? [:] {
                    if let owner = firstGroups[legacyID], owner != key { index.contestedAliases[legacyID] = owner }
                }
            }
        }
        for path in snapshot.reportFiles {
            let read = SourceReader.readReport(at: snapshot.directory, path: path)
            index.add(read, rowid: nil, primary: true, dashboard: false)
            progress.advance()
        }
        for (name, file) in files {
            for table in try SourceReader.tables(of: file) where table != "content" {
                try file.forEachRow(of: table, columns: LegacyRecord.identityColumns(of: table)) { row in
                    let read = SourceReader.read(row, file: name, depth: .identity)
                    // Its own file's content row, else the other file's (a child row whose content row is gone).
                    let key = read.record.legacyID.flatMap { legacyID in
                        let id = legacyID.lowercased()
                        return contentGroups[name]?[id] ?? files.lazy.compactMap { contentGroups[$0.0]?[id] }.first
                    }
                    index.add(read, rowid: row.rowid, primary: false, dashboard: false, groupKey: key)
                    progress.advance()
                }
            }
        }
        progress.end()
        index.audioFiles = Set(snapshot.audioFiles)
        for path in snapshot.audioFiles {
            if let id = Self.videoID(inAudioName: (path as NSString).lastPathComponent) {
                index.audioByVideo[id, default: []].append(path)
            }
        }
        return index
    }

    private mutating func add(_ read: SourceReader.Read, rowid: Int64?, primary: Bool, dashboard: Bool, groupKey: String? = nil) {
        let record = read.record
        let key = groupKey ?? record.groupKey
        rowsPerTable[
            record.source.file.hasPrefix(SnapshotManifest.reportsFolder + "/") ? SnapshotManifest.reportsFolder : record.source.file,
            default: [:]
        ][record.source.table, default: 0] += 1
        var group = groups[key] ?? Group(key: key)
        group.members.append(Member(source: record.source, rowid: rowid, isPrimary: primary, isDashboardContent: dashboard, seenAt: record.seenAt))
        if let id = record.exactVideoID, !group.exactIDs.contains(id) { group.exactIDs.append(id) }
        if let error = read.error { group.errors.append(error) }
        groups[key] = group
        if dashboard, let seen = record.seenAt, seen > (dashboardHighWaterMark ?? .distantPast) { dashboardHighWaterMark = seen }
    }

    /// `<id>.mp3` or `audio_<id>_<anything>.mp3`.
    static func videoID(inAudioName name: String) -> String? {
        guard name.lowercased().hasSuffix(".mp3") else { return nil }
        let stem = String(name.dropLast(4))
        if VideoID.isValid(stem) { return stem }
        if stem.hasPrefix("audio_") {
            let rest = stem.dropFirst(6)
            let candidate = String(rest.prefix(11))
            if VideoID.isValid(candidate), rest.count == 11 || rest.dropFirst(11).first == "_" { return candidate }
        }
        return nil
    }
}
