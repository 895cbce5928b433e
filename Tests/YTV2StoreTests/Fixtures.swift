import Foundation
import PostgresNIO
import YTV2Core
import YTV2Store

/// Small builders for store tests.
enum Fixture {
    static func id(_ raw: String) -> VideoID { try! VideoID(raw) }

    static func write(
        _ raw: String,
        title: String = "A title",
        categories: [CategoryEntry]? = nil,
        origin: CategorizationOrigin = .processor,
        summaries: [(SummaryVariant, String)] = [(.comprehensive, "A summary.")],
        audio: [UInt8]? = nil,
        metadata: VideoMetadata? = nil,
        actor: String = "processor",
        revive: Bool = false
    ) -> VideoWrite {
        var meta = metadata ?? VideoMetadata()
        if meta.title == nil { meta.title = title }
        return VideoWrite(
            videoID: id(raw),
            metadata: meta,
            categorization: categories.map { Categorization(entries: $0, origin: origin) },
            summaries: summaries.map { SummaryDraft(variant: $0.0, text: $0.1) },
            audio: audio.map { AudioDraft(bytes: $0, durationSeconds: 12.5) },
            revive: revive,
            actor: actor
        )
    }

}

extension Store {
    /// A single integer from raw SQL, for checks that must not go through the API under test.
    func scalar(_ sql: String) async throws -> Int {
        let rows = try await client.query(PostgresQuery(unsafeSQL: sql))
        for try await value in rows.decode(Int.self) { return value }
        return 0
    }

    /// Raw SQL; errors come out as ``StoreError`` with their SQLSTATE.
    func execute(_ sql: String) async throws {
        do {
            try await client.query(PostgresQuery(unsafeSQL: sql))
        } catch {
            throw StoreError.wrap(error)
        }
    }
}
