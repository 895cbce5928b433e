import Foundation
import YTV2Core
import YTV2Legacy

/// Turns the rows of a snapshot's legacy files and reports into ``LegacyRecord``s, table by table.
enum SourceReader {
    /// A record, or the row error that made it unreadable (the record then holds only the row's identity).
    struct Read {
        var record: LegacyRecord
        var error: LegacyRowError?
    }

    /// The tables of a legacy file in reading order: content first, then the tables that hang off it.
    static func tables(of file: LegacySQLiteFile) throws -> [String] {
        let all = try file.tables().filter { !$0.hasPrefix("sqlite_") }
        let known = ["content", "content_summaries", "summary_variants", "content_files", "migration_log"].filter(all.contains)
        return known + all.filter { !known.contains($0) }
    }

    /// Reads one row, whole or (pass one of a plan) only its identity, time and readability.
    static func read(_ row: LegacyRow, file: String, depth: LegacyReadDepth = .whole) -> Read {
        do {
            switch row.table {
            case "content": return Read(record: try LegacyRecord(contentRow: row, file: file, depth: depth))
            case "content_summaries": return Read(record: LegacyRecord(summaryRow: row, file: file, depth: depth))
            case "summary_variants": return Read(record: LegacyRecord(variantRow: row, file: file, depth: depth))
            case "content_files", "migration_log": return Read(record: LegacyRecord(fileRow: row, file: file, depth: depth))
            default:
                let record = LegacyRecord(unreadableRow: row, file: file)
                return Read(
                    record: record,
                    error: LegacyRowError(source: record.source, problem: "table \(row.table) is not part of the legacy format")
                )
            }
        } catch {
            return Read(record: LegacyRecord(unreadableRow: row, file: file), error: error)
        }
    }

    /// Every readable row of every table (the baseline counts what can be read; the plan reports the rest).
    static func forEachReadableRecord(in file: LegacySQLiteFile, name: String, _ body: (LegacyRecord) throws -> Void) throws {
        for table in try tables(of: file) {
            try file.forEachRow(of: table) { row in
                let read = read(row, file: name)
                if read.error == nil { try body(read.record) }
            }
        }
    }

    /// A report file of the snapshot, read once; a file that is not a JSON object gives its row error.
    static func readReport(at directory: URL, path: String) -> Read {
        readReport(reportBytes(at: directory, path: path), path: path)
    }

    /// The bytes of a report file of the snapshot.
    static func reportBytes(at directory: URL, path: String) -> Result<[UInt8], any Error> {
        Result { Array(try Data(contentsOf: directory.appendingPathComponent(path))) }
    }

    /// A report from its bytes (or the error reading them).
    static func readReport(_ read: Result<[UInt8], any Error>, path: String) -> Read {
        let bytes: [UInt8]
        switch read {
        case .success(let read): bytes = read
        case .failure(let error):
            let record = LegacyRecord(unreadableReport: [], file: path)
            return Read(record: record, error: LegacyRowError(source: record.source, problem: "cannot read the file: \(error)"))
        }
        do { return Read(record: try LegacyRecord(report: bytes, file: path)) } catch {
            return Read(record: LegacyRecord(unreadableReport: bytes, file: path), error: error)
        }
    }
}
