import Foundation
import Testing
import YTV2Legacy
import YTV2TestSupport

@Suite struct LegacySQLiteFileTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("ytv2-legacy-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// A small dashboard-like file made with the sqlite3 tool, as the legacy apps made theirs.
    static func makeDatabase(at path: String) throws {
        try SQLiteShell.run(
            path,
            "CREATE TABLE content (id TEXT PRIMARY KEY, title TEXT, video_id TEXT); INSERT INTO content VALUES ('yt:abc', 'T', 'aBc'); ALTER TABLE content ADD COLUMN subcategory TEXT;"
        )
    }

    @Test func readsTablesColumnsAndIntegrity() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let path = folder.appendingPathComponent("dashboard.db").path
        try Self.makeDatabase(at: path)
        let file = try LegacySQLiteFile(path: path)
        #expect(try file.tables() == ["content"])
        #expect(try file.columns(of: "content") == ["id", "title", "video_id", "subcategory"])
        #expect(try file.integrityCheck() == ["ok"])
    }

    @Test func refusesMissingAndNonSQLiteFilesWithoutCreatingAnything() throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(at: folder) }
        let missing = folder.appendingPathComponent("missing.db").path
        #expect(throws: LegacySQLiteFile.OpenError.self) { try LegacySQLiteFile(path: missing) }
        #expect(!FileManager.default.fileExists(atPath: missing))

        let text = folder.appendingPathComponent("report.json").path
        try Data("{\"not\": \"sqlite\"}".utf8).write(to: URL(fileURLWithPath: text))
        do {
            _ = try LegacySQLiteFile(path: text)
            Issue.record("a JSON file must not open as SQLite")
        } catch let error as LegacySQLiteFile.OpenError {
            #expect(error.description.contains("report.json"))
        }
    }
}
