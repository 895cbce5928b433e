import Foundation
import PostgresNIO
import YTV2Core

/// A video as the migration reconciled it: merged metadata, categorization, summary revisions (oldest first), audio.
package struct ImportedVideo: Sendable {
    package var id: VideoID
    package var metadata: VideoMetadata
    package var categorization: Categorization?
    package var revisions: [SummaryDraft]
    package var audio: AudioDraft?
    package var aliases: [String]

    package init(
        id: VideoID,
        metadata: VideoMetadata,
        categorization: Categorization?,
        revisions: [SummaryDraft],
        audio: AudioDraft?,
        aliases: [String]
    ) {
        self.id = id
        self.metadata = metadata
        self.categorization = categorization
        self.revisions = revisions
        self.audio = audio
        self.aliases = aliases
    }
}

// The import's writes of videos: the batch's transaction (``MigrationLedger/importBatch(_:actor:)``) calls them with its
// ledger lines, so the tables of videos keep one writer.
extension VideoStore {
    /// Takes the per-video locks of an import batch's videos and tombstones (serializing with processor commits and
    /// deletes of the same videos; sorted, so two batches never wait on each other in a cycle) and returns which of its
    /// videos have been deleted in YTV2 since an earlier import: those are not written again.
    package func lockForImport(
        _ videos: [ImportedVideo],
        tombstones: [(VideoID, String)],
        on connection: PostgresConnection
    ) async throws -> Set<String> {
        let ids = videos.map(\.id.rawValue)
        try await connection.lockVideos(ids + tombstones.map(\.0.rawValue), logger: store.logger)
        var deleted = Set<String>()
        for try await id in try await connection.query(
            "SELECT video_id::text FROM tombstones WHERE video_id = ANY(\(ids)::text[])",
            logger: store.logger
        ).decode(String.self) {
            deleted.insert(id)
        }
        return deleted
    }

    /// Writes an import batch's videos inside the batch's transaction, which holds their locks (``lockForImport``):
    /// each row merged like a commit, its new revisions, audio and aliases, and the search words of what changed.
    package func importVideos(_ videos: [ImportedVideo], on connection: PostgresConnection) async throws -> (videos: Int, revisions: Int, audio: Int)
    {
        // The revisions each video gets when it has none yet: a video this batch inserts has no summaries, so these are
        // its revisions, and its search words are written with its row instead of by an update after.
        let firstRevisions = RevisionPlan(videos, existing: [:])
        let written = try await upsertVideos(videos, firstRevisions: firstRevisions, on: connection)
        let existed = videos.map(\.id.rawValue).filter { !written.inserted.contains($0) }
        let revisions =
            existed.isEmpty
            ? firstRevisions : RevisionPlan(videos, existing: try await existingRevisions(of: existed, on: connection))
        let revisionsAdded = try await addRevisions(revisions, on: connection)
        // A video that existed keeps its search words unless its row or its latest summaries changed.
        let changed = existed.filter { written.updated.contains($0) || revisions.revisedVideos.contains($0) }
        if !changed.isEmpty { try await store.refreshSearchWords(of: changed, on: connection) }
        let audioStored = try await storeAudio(videos, on: connection)
        try await addAliases(of: videos, on: connection)
        return (written.inserted.count + written.updated.count, revisionsAdded, audioStored)
    }

    /// The legacy ids and report stems of each video, as aliases; an alias already taken stays with its video. Sorted:
    /// two batches written at once that claim the same aliases wait on them in the same order, never on each other.
    private func addAliases(of videos: [ImportedVideo], on connection: PostgresConnection) async throws {
        let aliases = videos.flatMap { video in
            video.aliases.filter { $0 != video.id.rawValue }.map { AliasRecord(alias: $0, video_id: video.id.rawValue) }
        }
        .sorted { $0.alias < $1.alias }
        guard !aliases.isEmpty else { return }
        try await connection.query(
            """
            INSERT INTO video_aliases (alias, video_id)
            SELECT alias, video_id FROM json_to_recordset(\(try batchJSON(aliases))::json) AS t(alias text, video_id text)
            ON CONFLICT (alias) DO NOTHING
            """,
            logger: store.logger
        )
    }

    /// The legacy deletions of an import batch; returns how many were new. A video an earlier import wrote and this plan tombstones (the
    /// operator moved `--deleted-before` later) is removed with its summaries, audio and aliases, as a delete would.
    package func addTombstones(_ tombstones: [(VideoID, String)], actor: String, on connection: PostgresConnection) async throws -> Int {
        guard !tombstones.isEmpty else { return 0 }
        // Sorted, like the aliases, for batches written at once.
        let records = tombstones.map { TombstoneRecord(video_id: $0.0.rawValue, reason: $0.1) }.sorted { $0.video_id < $1.video_id }
        let rows = try await connection.query(
            """
            INSERT INTO tombstones (video_id, deleted_by, reason)
            SELECT video_id, \(actor), reason FROM json_to_recordset(\(try batchJSON(records))::json) AS t(video_id text, reason text)
            ON CONFLICT (video_id) DO NOTHING RETURNING video_id
            """,
            logger: store.logger
        )
        var added: [String] = []
        for try await id in rows.decode(String.self) { added.append(id) }
        if !added.isEmpty { try await connection.query("DELETE FROM videos WHERE video_id = ANY(\(added)::text[])", logger: store.logger) }
        return added.count
    }

    /// Each column of a video the import writes, merged from the incoming row (`t`) and the stored one (`cur`, none for
    /// a new video) by the rules of migration 0012, the ones the processor's commit and ingest use (``VideoStore/commit(_:)``). The
    /// placeholder verdicts come with the rows (``Placeholder``). The batch holds its videos' locks, so `cur` is the row
    /// the statement replaces.
    static let importMerge: [(column: String, merged: String)] = [
        ("title", "coalesce(ytv2_merge_text(t.title, cur.title, t.title_is_placeholder), '')"),
        ("channel_name", "ytv2_merge_text(t.channel_name, cur.channel_name, t.channel_is_placeholder)"),
        ("channel_id", "ytv2_merge_text(t.channel_id, cur.channel_id)"),
        ("thumbnail_url", "ytv2_merge_text(t.thumbnail_url, cur.thumbnail_url)"),
        ("published_at", "coalesce(to_timestamp(t.published_at), cur.published_at)"),
        ("duration_seconds", "ytv2_merge_count(t.duration_seconds, cur.duration_seconds)"),
        ("word_count", "ytv2_merge_count(t.word_count, cur.word_count)"),
        ("view_count", "ytv2_merge_count(t.view_count, cur.view_count)"),
        ("like_count", "ytv2_merge_count(t.like_count, cur.like_count)"),
        ("comment_count", "ytv2_merge_count(t.comment_count, cur.comment_count)"),
        ("has_transcript", "coalesce(ytv2_merge_flag(t.has_transcript, cur.has_transcript), false)"),
        ("transcript_chars", "ytv2_merge_count(t.transcript_chars, cur.transcript_chars)"),
        ("content_type", "ytv2_merge_text(t.content_type, cur.content_type)"),
        ("complexity_level", "ytv2_merge_text(t.complexity_level, cur.complexity_level)"),
        ("language", "ytv2_merge_text(t.language, cur.language)"),
        ("key_topics", "coalesce(ytv2_merge_list(t.key_topics, cur.key_topics), '[]')"),
        ("named_entities", "coalesce(ytv2_merge_list(t.named_entities, cur.named_entities), '[]')"),
        (
            "categories",
            "CASE WHEN cur.video_id IS NULL THEN coalesce(t.categories, '[]') "
                + "WHEN ytv2_categorization_replaces(t.categorization_origin, cur.categories, cur.categorization_origin) THEN t.categories "
                + "ELSE cur.categories END"
        ),
        (
            "categorization_origin",
            "CASE WHEN cur.video_id IS NULL THEN t.categorization_origin "
                + "WHEN ytv2_categorization_replaces(t.categorization_origin, cur.categories, cur.categorization_origin) "
                + "THEN t.categorization_origin ELSE cur.categorization_origin END"
        ),
    ]

    /// Inserts the batch's new videos (with their search words, from `firstRevisions`) and merges the rest into their
    /// rows; returns which were inserted and which existing rows changed.
    private func upsertVideos(
        _ videos: [ImportedVideo],
        firstRevisions: RevisionPlan,
        on connection: PostgresConnection
    ) async throws -> (inserted: Set<String>, updated: Set<String>) {
        let texts = firstRevisions.latestTexts()
        let json = videos.map { $0.recordJSON(latestSummaries: texts[$0.id.rawValue]) }.jsonArray
        let rows = try await connection.query(
            """
            INSERT INTO videos AS v (video_id, indexed_at, search, \(unescaped: Self.importMerge.map(\.column).joined(separator: ", ")))
            SELECT t.video_id, coalesce(cur.indexed_at, to_timestamp(t.indexed_at), now()),
                ytv2_search_words(coalesce(t.title, ''), t.channel_name, t.summaries),
                \(unescaped: Self.importMerge.map(\.merged).joined(separator: ",\n    "))
            FROM json_to_recordset(\(json)::json) AS t(
                video_id text, title text, channel_name text, channel_id text, thumbnail_url text, published_at double precision,
                indexed_at double precision, duration_seconds integer, word_count integer, view_count bigint, like_count bigint,
                comment_count bigint, has_transcript boolean, transcript_chars integer, content_type text, complexity_level text,
                language text, key_topics jsonb, named_entities jsonb, categories jsonb, categorization_origin text, summaries text,
                title_is_placeholder boolean, channel_is_placeholder boolean)
            LEFT JOIN videos cur ON cur.video_id = t.video_id
            ON CONFLICT (video_id) DO UPDATE SET
                \(unescaped: Self.importMerge.map { "\($0.column) = excluded.\($0.column)" }.joined(separator: ", ")), updated_at = now()
            -- Only rows the merge changes: a re-run, or a legacy row whose news are all placeholders, writes nothing.
            WHERE (\(unescaped: Self.importMerge.map { "v.\($0.column)" }.joined(separator: ", ")))
                IS DISTINCT FROM (\(unescaped: Self.importMerge.map { "excluded.\($0.column)" }.joined(separator: ", ")))
            RETURNING video_id::text, xmax = 0
            """,
            logger: store.logger
        )
        // A row the statement inserted has no deleting or locking transaction yet (xmax 0); one it updated has this one.
        var inserted = Set<String>()
        var updated = Set<String>()
        for try await (id, isNew) in rows.decode((String, Bool).self) {
            if isNew { inserted.insert(id) } else { updated.insert(id) }
        }
        return (inserted, updated)
    }

    /// The revisions the given videos have: for each video and variant, the highest revision and the md5 of every text.
    private func existingRevisions(of ids: [String], on connection: PostgresConnection) async throws -> RevisionPlan.Existing {
        var existing: RevisionPlan.Existing = [:]
        let rows = try await connection.query(
            "SELECT video_id::text, variant, revision, md5(text) FROM summaries WHERE video_id = ANY(\(ids)::text[])",
            logger: store.logger
        )
        for try await (id, variant, revision, hash) in rows.decode((String, String, Int, String).self) {
            var entry = existing[id + "/" + variant] ?? (0, [])
            entry.max = max(entry.max, revision)
            entry.hashes.insert(hash)
            existing[id + "/" + variant] = entry
        }
        return existing
    }

    /// Writes the planned revisions; a variant's previous latest stops being latest.
    private func addRevisions(_ plan: RevisionPlan, on connection: PostgresConnection) async throws -> Int {
        guard !plan.records.isEmpty else { return 0 }
        if !plan.replacedLatest.isEmpty {
            try await connection.query(
                """
                UPDATE summaries s SET is_latest = false
                FROM json_to_recordset(\(try batchJSON(plan.replacedLatest))::json) AS t(video_id text, variant text)
                WHERE s.video_id = t.video_id AND s.variant = t.variant AND s.is_latest
                """,
                logger: store.logger
            )
        }
        var rows = CopyTextRows()
        for record in plan.records { record.write(to: &rows) }
        try await connection.copyFrom(table: "summaries", columns: RevisionRecord.columns, logger: store.logger) { writer in
            try await writer.write(rows.buffer)
        }
        return plan.records.count
    }

    private func storeAudio(_ videos: [ImportedVideo], on connection: PostgresConnection) async throws -> Int {
        let records = videos.compactMap { video in
            video.audio.map {
                AudioRecord(
                    video_id: video.id.rawValue,
                    base64: Data($0.bytes).base64EncodedString(),
                    sha256: $0.bytes.sha256Hex,
                    duration_seconds: $0.durationSeconds,
                    mime: $0.mime
                )
            }
        }
        guard !records.isEmpty else { return 0 }
        let rows = try await connection.query(
            """
            INSERT INTO audio AS a (video_id, bytes, size_bytes, sha256, duration_seconds, mime)
            SELECT video_id, decode(base64, 'base64'), octet_length(decode(base64, 'base64')), sha256, duration_seconds, mime
            FROM json_to_recordset(\(try batchJSON(records))::json)
                AS t(video_id text, base64 text, sha256 text, duration_seconds double precision, mime text)
            ON CONFLICT (video_id) DO UPDATE SET bytes = excluded.bytes, size_bytes = excluded.size_bytes, sha256 = excluded.sha256,
                duration_seconds = excluded.duration_seconds, mime = excluded.mime, updated_at = now()
            WHERE a.sha256 <> excluded.sha256
            RETURNING 1
            """,
            logger: store.logger
        )
        return try await rows.collect().count
    }
}

// The rows the batch statements read: JSON for json_to_recordset, COPY text for the summaries (RevisionRecord).

extension ImportedVideo {
    /// The row the batch statement reads, as JSON (timestamps as Unix seconds), with the texts its search words are made
    /// of when it is inserted.
    func recordJSON(latestSummaries: String?) -> String {
        let m = metadata
        var json = JSONObjectWriter()
        json.add("video_id", id.rawValue)
        json.add("title", m.title)
        json.add("title_is_placeholder", m.title.map(Placeholder.isTitle) ?? false)
        json.add("channel_name", m.channelName)
        json.add("channel_is_placeholder", m.channelName.map(Placeholder.isChannelName) ?? false)
        json.add("channel_id", m.channelID)
        json.add("thumbnail_url", m.thumbnailURL)
        json.add("published_at", m.publishedAt?.timeIntervalSince1970)
        json.add("indexed_at", m.indexedAt?.timeIntervalSince1970)
        json.add("duration_seconds", m.durationSeconds)
        json.add("word_count", m.wordCount)
        json.add("view_count", m.viewCount)
        json.add("like_count", m.likeCount)
        json.add("comment_count", m.commentCount)
        json.add("transcript_chars", m.transcriptChars)
        json.add("has_transcript", m.hasTranscript)
        json.add("content_type", m.contentType)
        json.add("complexity_level", m.complexityLevel)
        json.add("language", m.language)
        json.addRaw("key_topics", m.keyTopics?.jsonArrayText)
        json.addRaw("named_entities", m.namedEntities?.jsonArrayText)
        let normalized = categorization?.normalized
        let entries = normalized.flatMap { $0.entries.isEmpty ? nil : $0.entries }
        json.addRaw(
            "categories",
            entries.map { entries in
                "["
                    + entries.map { "{\"category\":" + JSONText.string($0.category) + ",\"subcategories\":" + $0.subcategories.jsonArrayText + "}" }
                    .joined(separator: ",") + "]"
            }
        )
        json.add("categorization_origin", entries == nil ? nil : normalized?.origin.rawValue)
        json.add("summaries", latestSummaries)
        return json.finished()
    }
}

/// The revisions an import batch adds: each video's drafts in order, skipping texts its variant already has; the last
/// added of a variant becomes latest.
struct RevisionPlan {
    /// Per "video/variant": the highest revision and the md5 of each text it has.
    typealias Existing = [String: (max: Int, hashes: Set<String>)]

    fileprivate private(set) var records: [RevisionRecord] = []
    /// Variants whose latest revision (already stored) is replaced by one of `records`.
    fileprivate private(set) var replacedLatest: [VariantKey] = []
    /// Videos that get at least one revision.
    private(set) var revisedVideos = Set<String>()

    init(_ videos: [ImportedVideo], existing: Existing) {
        var existing = existing
        for video in videos {
            var lastIndex: [String: Int] = [:]
            for draft in video.revisions {
                let key = video.id.rawValue + "/" + draft.variant.id
                var entry = existing[key] ?? (0, [])
                let hash = Array(draft.text.utf8).md5Hex
                guard !entry.hashes.contains(hash) else { continue }
                if entry.max > 0, lastIndex[draft.variant.id] == nil {
                    replacedLatest.append(VariantKey(video_id: video.id.rawValue, variant: draft.variant.id))
                }
                entry.max += 1
                entry.hashes.insert(hash)
                existing[key] = entry
                if let previous = lastIndex[draft.variant.id] { records[previous].is_latest = false }
                lastIndex[draft.variant.id] = records.count
                records.append(RevisionRecord(video_id: video.id.rawValue, draft: draft, revision: entry.max))
                revisedVideos.insert(video.id.rawValue)
            }
        }
    }

    /// Per video, the texts of its latest revisions among `records` in variant order (bytewise, as
    /// `ytv2_search_document` orders them) joined by spaces: what its search words are made of when it had none.
    func latestTexts() -> [String: String] {
        let latest = records.filter(\.is_latest).sorted { $0.variant.utf8.lexicographicallyPrecedes($1.variant.utf8) }
        return Dictionary(grouping: latest, by: \.video_id).mapValues { $0.map(\.draft.text).joined(separator: " ") }
    }
}

private struct RevisionRecord {
    let video_id, variant: String
    let revision: Int
    var is_latest = true
    let draft: SummaryDraft

    init(video_id: String, draft: SummaryDraft, revision: Int) {
        self.video_id = video_id
        variant = draft.variant.id
        self.revision = revision
        self.draft = draft
    }

    /// The `summaries` columns ``write(to:)`` fills, in its order.
    static let columns = [
        "video_id", "variant", "revision", "is_latest", "text", "html", "headline", "language", "proficiency", "raw_value", "source",
        "generated_at",
    ]

    func write(to rows: inout CopyTextRows) {
        rows.add(video_id)
        rows.add(variant)
        rows.add(revision)
        rows.add(is_latest)
        rows.add(draft.text)
        rows.add(SummaryHTML.render(draft.text))
        rows.add(draft.headline)
        rows.add(draft.language)
        rows.add(draft.proficiency?.rawValue)
        rows.add(draft.rawValue)
        rows.add("legacy")
        rows.add(timestamp: draft.generatedAt?.timeIntervalSince1970)
        rows.endRow()
    }
}

extension Array where Element == String {
    /// JSON objects joined into an array.
    var jsonArray: String { "[" + joined(separator: ",") + "]" }
}

private struct AliasRecord: Encodable { let alias, video_id: String }
private struct VariantKey: Encodable { let video_id, variant: String }
private struct TombstoneRecord: Encodable { let video_id, reason: String }
private struct AudioRecord: Encodable {
    let video_id, base64, sha256: String
    let duration_seconds: Double?
    let mime: String
}
