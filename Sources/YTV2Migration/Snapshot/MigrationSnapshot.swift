import Foundation
import YTV2Core
import YTV2Legacy
import YTV2Store

/// A frozen, checksummed copy of the legacy data. The later steps read only a snapshot, never the live files, and
/// refuse one whose files no longer match their recorded checksums.
package struct MigrationSnapshot: Sendable {
    package let directory: URL
    package let manifest: SnapshotManifest
    /// sha256 of `manifest.json`: names this snapshot in the ledger and the audit log.
    package let id: String

    package var dashboardPath: String? { path(of: SnapshotManifest.dashboardFile) }
    package var nasPath: String? { path(of: SnapshotManifest.nasFile) }
    package var reportFiles: [String] { manifest.files.map(\.path).filter { $0.hasPrefix(SnapshotManifest.reportsFolder + "/") } }
    package var audioFiles: [String] { manifest.files.map(\.path).filter { $0.hasPrefix(SnapshotManifest.audioFolder + "/") } }

    package func url(of relative: String) -> URL { directory.appendingPathComponent(relative) }

    private func path(of name: String) -> String? {
        manifest.files.contains { $0.path == name } ? directory.appendingPathComponent(name).path : nil
    }

    package struct Problem: Error, CustomStringConvertible {
        package let description: String
        init(_ description: String) { self.description = description }
    }

    /// Opens a snapshot after checking every file against the manifest.
    package static func open(_ directory: URL) throws -> MigrationSnapshot {
        let manifestURL = directory.appendingPathComponent(SnapshotManifest.fileName)
        guard let data = try? Data(contentsOf: manifestURL) else {
            throw Problem("\(manifestURL.path) is missing: not a snapshot folder (make one with `ytv2 migrate snapshot`)")
        }
        let snapshot = try MigrationSnapshot(directory: directory, manifestData: data)
        for file in snapshot.manifest.files {
            let url = directory.appendingPathComponent(file.path)
            guard let (sha, bytes) = try? FileChecksum.sha256(of: url) else { throw Problem("snapshot file \(file.path) is missing") }
            guard sha == file.sha256, bytes == file.bytes else {
                throw Problem(
                    "snapshot file \(file.path) changed since the snapshot (sha256 \(sha.prefix(12))…, expected \(file.sha256.prefix(12))…); make a new snapshot"
                )
            }
        }
        return snapshot
    }

    /// A snapshot from its manifest's bytes, without checking the files.
    private init(directory: URL, manifestData data: Data) throws {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        do { manifest = try decoder.decode(SnapshotManifest.self, from: data) } catch {
            throw Problem("\(directory.appendingPathComponent(SnapshotManifest.fileName).path) is not a valid snapshot manifest: \(error)")
        }
        self.directory = directory
        id = Array(data).sha256Hex
    }

    /// Copies the legacy data into `out` (which must not exist or be empty) and writes the manifest and baseline.
    package static func create(
        dashboard: String,
        nas: String?,
        reports: String?,
        audio: String?,
        out: URL,
        progress: ProgressReporter = .silent
    ) throws -> MigrationSnapshot {
        let manager = FileManager.default
        if let existing = try? manager.contentsOfDirectory(atPath: out.path), !existing.isEmpty {
            throw Problem("\(out.path) is not empty; a snapshot needs an empty folder")
        }
        let existed = manager.fileExists(atPath: out.path)
        try manager.createDirectory(at: out, withIntermediateDirectories: true)
        do {
            return try fill(out, dashboard: dashboard, nas: nas, reports: reports, audio: audio, progress: progress)
        } catch {
            // Nothing half-made stays behind: the folder as it was (absent, or empty).
            if existed {
                for name in (try? manager.contentsOfDirectory(atPath: out.path)) ?? [] {
                    try? manager.removeItem(at: out.appendingPathComponent(name))
                }
            } else {
                try? manager.removeItem(at: out)
            }
            throw error
        }
    }

    private static func fill(
        _ out: URL,
        dashboard: String,
        nas: String?,
        reports: String?,
        audio: String?,
        progress: ProgressReporter
    ) throws -> MigrationSnapshot {
        let manager = FileManager.default
        var sources = ["dashboard": dashboard]
        var integrity: [String: String] = [:]
        var copied: [String] = []
        for (name, source) in [(SnapshotManifest.dashboardFile, dashboard), (SnapshotManifest.nasFile, nas)] {
            guard let source else { continue }
            progress.stage("copying \(source)")
            let file = try LegacySQLiteFile(path: source)
            try LegacySchema.check(file, role: name == SnapshotManifest.dashboardFile ? .dashboard : .nas)
            let target = out.appendingPathComponent(name).path
            try file.backup(to: target)
            let problems = try LegacySQLiteFile(path: target).integrityCheck()
            guard problems == ["ok"] else {
                throw Problem("\(source): PRAGMA integrity_check failed on the copy: \(problems.prefix(5).joined(separator: "; "))")
            }
            integrity[name] = "ok"
            copied.append(name)
        }
        if let nas { sources["nas"] = nas }
        for (folder, source, suffix) in [(SnapshotManifest.reportsFolder, reports, ".json"), (SnapshotManifest.audioFolder, audio, ".mp3")] {
            guard let source else { continue }
            sources[folder] = source
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: source, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw Problem("\(source) is not a folder")
            }
            progress.stage("copying \(folder) from \(source)")
            try manager.createDirectory(at: out.appendingPathComponent(folder), withIntermediateDirectories: true)
            let names = try manager.contentsOfDirectory(atPath: source).filter { $0.lowercased().hasSuffix(suffix) }.sorted()
            for name in names {
                try manager.copyItem(
                    atPath: (source as NSString).appendingPathComponent(name),
                    toPath: out.appendingPathComponent(folder).appendingPathComponent(name).path
                )
                copied.append(folder + "/" + name)
            }
        }
        progress.stage("checksumming \(copied.count) files")
        var files: [SnapshotManifest.File] = []
        for path in copied {
            let (sha, bytes) = try FileChecksum.sha256(of: out.appendingPathComponent(path))
            files.append(SnapshotManifest.File(path: path, sha256: sha, bytes: bytes))
        }
        progress.stage("computing the baseline")
        let baseline = try Baseline.compute(in: out, files: copied, progress: progress)
        let manifest = SnapshotManifest(createdAt: Date(), sources: sources, files: files, integrity: integrity, baseline: baseline)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        let data = try encoder.encode(manifest)
        try data.write(to: out.appendingPathComponent(SnapshotManifest.fileName))
        // The files were checksummed just above; reading them all again would double the snapshot's I/O.
        return try MigrationSnapshot(directory: out, manifestData: data)
    }
}

/// Computes the snapshot baseline by reading every source row once.
enum Baseline {
    static func compute(in directory: URL, files: [String], progress: ProgressReporter) throws -> SnapshotManifest.Baseline {
        var baseline = SnapshotManifest.Baseline()
        for name in [SnapshotManifest.dashboardFile, SnapshotManifest.nasFile] where files.contains(name) {
            let file = try LegacySQLiteFile(path: directory.appendingPathComponent(name).path)
            var tables: [String: Int] = [:]
            for table in try file.tables() where !table.hasPrefix("sqlite_") { tables[table] = try file.rowCount(of: table) }
            baseline.rowsPerTable[name] = tables
            baseline.rowsPerSource[name] = tables["content"] ?? 0
            var categorized: [String: [String]] = [:]
            var variants: [String: Int] = [:]
            try SourceReader.forEachReadableRecord(in: file, name: name) { record in
                if record.isCategorized, let categories = record.categories {
                    categorized[record.source.key] = Categorization(entries: categories, origin: .legacyDashboard).pairs.sorted()
                        .map(SnapshotManifest.pairText)
                }
                for summary in record.summaries { variants[summary.variant.id, default: 0] += 1 }
            }
            baseline.categorized[name] = categorized
            baseline.summariesPerVariant[name] = variants
        }
        let reports = files.filter { $0.hasPrefix(SnapshotManifest.reportsFolder + "/") }
        if !reports.isEmpty {
            baseline.rowsPerSource[SnapshotManifest.reportsFolder] = reports.count
            baseline.rowsPerTable[SnapshotManifest.reportsFolder] = ["report": reports.count]
            var categorized: [String: [String]] = [:]
            var variants: [String: Int] = [:]
            for path in reports {
                let read = SourceReader.readReport(at: directory, path: path)
                guard read.error == nil else { continue }
                let record = read.record
                if record.isCategorized, let categories = record.categories {
                    categorized[path] = Categorization(entries: categories, origin: .processor).pairs.sorted().map(SnapshotManifest.pairText)
                }
                for summary in record.summaries { variants[summary.variant.id, default: 0] += 1 }
            }
            baseline.categorized[SnapshotManifest.reportsFolder] = categorized
            baseline.summariesPerVariant[SnapshotManifest.reportsFolder] = variants
        }
        return baseline
    }
}
