import Foundation
import YTV2Legacy
import YTV2Store

/// `migrate archive`: moves the legacy files (and report and audio folders) into one archive folder, makes them
/// read-only, writes their checksums beside them, and records it all (settings `migration.archive` and the audit
/// log). Only in phase Live: before that, the legacy copy is still the way back.
package struct LegacyArchiver: Sendable {
    package let phases: MigrationPhases

    package init(phases: MigrationPhases) { self.phases = phases }

    package enum Problem: Error, CustomStringConvertible, Equatable {
        case wrongPhase(String)
        case alreadyArchived(String)
        case missing(String)
        case nothingToArchive

        package var description: String {
            switch self {
            case .wrongPhase(let phase):
                "archive runs in phase Live only (now \(phase)): until reads are served from PostgreSQL the legacy files are the way back"
            case .alreadyArchived(let folder): "the legacy files are already archived in \(folder)"
            case .missing(let path): "\(path) does not exist"
            case .nothingToArchive: "name at least one legacy file or folder to archive"
            }
        }
    }

    /// The file names written into the archive folder beside the archived items.
    package static let checksumFile = "SHA256SUMS"

    package func archive(_ items: [URL], into parent: URL, actor: String) async throws -> ArchiveRecord {
        let phase = try await MigrationLedger(store: phases.store).phaseRecord().phase
        guard phase == MigrationPhase.live.rawValue else { throw Problem.wrongPhase(phase) }
        if let existing = try await phases.record(ArchiveRecord.self, ArchiveRecord.settingsKey) {
            throw Problem.alreadyArchived(existing.value.folder)
        }
        guard !items.isEmpty else { throw Problem.nothingToArchive }
        let manager = FileManager.default
        for item in items where !manager.fileExists(atPath: item.path) { throw Problem.missing(item.path) }

        let stamp = Date().formatted(.iso8601.year().month().day().time(includingFractionalSeconds: false))
            .replacingOccurrences(of: ":", with: "")
        let folder = parent.appendingPathComponent("legacy-\(stamp)")
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        var files: [ArchiveRecord.ArchivedFile] = []
        for item in items {
            let target = folder.appendingPathComponent(item.lastPathComponent)
            try manager.moveItem(at: item, to: target)
            for file in try Self.regularFiles(under: target) {
                let (sha, bytes) = try FileChecksum.sha256(of: file)
                let relative = String(file.path.dropFirst(target.path.count))
                files.append(.init(original: item.path + relative, archived: file.path, sha256: sha, bytes: bytes))
            }
        }
        let sums = files.map { "\($0.sha256)  \(String($0.archived.dropFirst(folder.path.count + 1)))" }.joined(separator: "\n") + "\n"
        try sums.write(to: folder.appendingPathComponent(Self.checksumFile), atomically: true, encoding: .utf8)
        try Self.makeReadOnly(folder)
        let record = ArchiveRecord(folder: folder.path, files: files, archivedAt: Date())
        try await phases.remember(record, as: ArchiveRecord.settingsKey, actor: actor, action: "migration.archive")
        return record
    }

    /// Checks every archived file against its recorded checksum; returns one line per problem.
    package static func check(_ record: ArchiveRecord) -> [String] {
        record.files.compactMap { file in
            guard let (sha, _) = try? FileChecksum.sha256(of: URL(fileURLWithPath: file.archived)) else { return "\(file.archived): missing" }
            if sha != file.sha256 { return "\(file.archived): checksum changed" }
            let mode = (try? FileManager.default.attributesOfItem(atPath: file.archived)[.posixPermissions] as? Int) ?? 0
            return mode & 0o222 != 0 ? "\(file.archived): has write permission bits (\(String(mode, radix: 8)))" : nil
        }
    }

    static func regularFiles(under url: URL) throws -> [URL] {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), isDirectory.boolValue else { return [url] }
        let names = try FileManager.default.subpathsOfDirectory(atPath: url.path).sorted()
        return names.map { url.appendingPathComponent($0) }.filter { candidate in
            var directory: ObjCBool = false
            return FileManager.default.fileExists(atPath: candidate.path, isDirectory: &directory) && !directory.boolValue
        }
    }

    /// Files 0444, folders 0555, deepest first so the folders can still be walked while changing.
    static func makeReadOnly(_ folder: URL) throws {
        let manager = FileManager.default
        let paths = try manager.subpathsOfDirectory(atPath: folder.path).sorted { $0.count > $1.count }.map { folder.appendingPathComponent($0).path }
        for path in paths + [folder.path] {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else { continue }
            try manager.setAttributes([.posixPermissions: isDirectory.boolValue ? 0o555 : 0o444], ofItemAtPath: path)
        }
    }
}

extension MigrationPhases {
    /// Why legacy files may no longer be written (the migration is Complete), nil while they may.
    package func legacyWriteSeal() async throws -> String? {
        guard try await MigrationLedger(store: store).phaseRecord().phase == MigrationPhase.complete.rawValue else { return nil }
        let folder = try await record(ArchiveRecord.self, ArchiveRecord.settingsKey)?.value.folder
        return "the migration is Complete; the legacy files are archived" + (folder.map { " in \($0)" } ?? "") + " and read-only"
    }

    /// Seals the legacy-write guard of this process when the migration is Complete.
    package func sealLegacyWritesIfComplete() async throws {
        if let reason = try await legacyWriteSeal() { LegacyWriteGuard.seal(reason: reason) }
    }
}
