import Crypto
import Foundation
import NIOCore
import PostgresNIO
import YTV2Core

/// The videos and what belongs to them (summary revisions, audio, aliases, tombstones): the one writer of those tables,
/// for the processor's results, ingest and deletes. Reads of them are ``ReportReader``'s.
package struct VideoStore: Sendable {
    let store: Store

    package init(store: Store) { self.store = store }

    /// Commits one result for one video in a single transaction: metadata merge, categorization (never replacing a
    /// higher-ranked origin), summary revisions, audio and aliases. Refused with ``StoreError/videoDeleted(_:deletedAt:)``
    /// when the video is tombstoned, unless the write is an explicit re-request (`revive`).
    @discardableResult
    package func commit(_ write: VideoWrite) async throws -> WriteOutcome {
        try validate(write)
        var outcome = try await store.transaction { [self] connection in
            try await connection.lockVideo(write.videoID, logger: store.logger)
            let revived = try await checkTombstone(write, on: connection)
            let (created, categorizationWritten) = try await upsertVideo(write, on: connection)
            var revisions: [SummaryVariant: Int] = [:]
            for draft in write.summaries {
                if let revision = try await addRevision(draft, for: write.videoID, on: connection) {
                    revisions[draft.variant] = revision
                }
            }
            var audioStored = false
            if let audio = write.audio {
                audioStored = try await storeAudio(audio, for: write.videoID, on: connection)
            }
            let audioSHA256 = write.audio?.bytes.sha256Hex
            try await store.refreshSearchWords(of: [write.videoID.rawValue], on: connection)
            for alias in write.aliases where alias != write.videoID.rawValue {
                try await connection.query(
                    "INSERT INTO video_aliases (alias, video_id) VALUES (\(alias), \(write.videoID.rawValue)) ON CONFLICT (alias) DO NOTHING",
                    logger: store.logger
                )
            }
            let outcome = WriteOutcome(
                videoID: write.videoID,
                created: created,
                revisionsAdded: revisions,
                audioStored: audioStored,
                audioSHA256: audioSHA256,
                categorizationWritten: categorizationWritten,
                revived: revived
            )
            try await connection.notifyChange(
                ChangeEvent(videoID: write.videoID, op: created ? .added : .updated, summaryTypes: revisions.keys.map(\.id).sorted()),
                logger: store.logger
            )
            return outcome
        }
        outcome.commitPosition = await store.noteOwnCommit()
        return outcome
    }

    /// Clears a tombstone on an explicit re-request, so the next write for the video is accepted. Audited.
    /// Returns whether there was a tombstone.
    @discardableResult
    package func clearTombstone(_ id: VideoID, actor: String, reason: String = "explicit re-request") async throws -> Bool {
        try await store.transaction { [self] connection in
            try await connection.lockVideo(id, logger: store.logger)
            return try await store.clearTombstone(id, actor: actor, reason: reason, on: connection)
        }
    }

    private func validate(_ write: VideoWrite) throws {
        if let title = write.metadata.title, title.utf8.count > VideoWrite.maximumTitleBytes {
            throw StoreError.invalidInput("title is longer than \(VideoWrite.maximumTitleBytes) bytes")
        }
        for (name, value) in [
            ("duration_seconds", write.metadata.durationSeconds), ("word_count", write.metadata.wordCount),
            ("view_count", write.metadata.viewCount), ("like_count", write.metadata.likeCount),
            ("comment_count", write.metadata.commentCount), ("transcript_chars", write.metadata.transcriptChars),
        ] {
            if let value, value < 0 { throw StoreError.invalidInput("\(name) must not be negative (got \(value))") }
        }
        if let duration = write.metadata.durationSeconds, duration > Int(Int32.max) {
            throw StoreError.invalidInput("duration_seconds \(duration) is too large")
        }
        if let source = write.metadata.contentSource, !["youtube", "reddit", "web"].contains(source) {
            throw StoreError.invalidInput("content_source must be youtube, reddit or web (got \"\(source.prefix(40))\")")
        }
        for draft in write.summaries where draft.text.isEmpty {
            throw StoreError.invalidInput("summary text for \(draft.variant) is empty")
        }
        if let audio = write.audio, audio.bytes.isEmpty { throw StoreError.invalidInput("audio is empty") }
        for alias in write.aliases where alias.isEmpty || alias.utf8.count > Store.maximumAliasLength {
            throw StoreError.invalidInput("alias must be 1 to \(Store.maximumAliasLength) bytes")
        }
    }

    private func checkTombstone(_ write: VideoWrite, on connection: PostgresConnection) async throws -> Bool {
        guard let deletedAt = try await store.tombstoneDate(write.videoID, on: connection) else { return false }
        guard write.revive else { throw StoreError.videoDeleted(write.videoID, deletedAt: deletedAt) }
        return try await store.clearTombstone(write.videoID, actor: write.actor, reason: "explicit re-request", on: connection)
    }

    /// Inserts or merges the video row. Returns (created, categorization written).
    ///
    /// Every column merges by the rules of migration 0012 (`ytv2_merge_text`, `_count`, `_flag`, `_list`), the ones the
    /// import uses too: fields the write does not carry stay as they are, and a placeholder (``Placeholder``:
    /// `Untitled`, `Unknown`, a lower-cased handle, `0`, a blank text, an empty list) fills an empty field but never
    /// replaces a stored value. Analysis fields without a column merge key by key into `analysis_extra`.
    private func upsertVideo(_ write: VideoWrite, on connection: PostgresConnection) async throws -> (Bool, Bool) {
        let m = write.metadata
        let id = write.videoID.rawValue
        let topics = try m.keyTopics.map(jsonText)
        let entities = try m.namedEntities.map(jsonText)
        let categories = try write.categorization.map { try jsonText($0.normalized.entries) }
        let origin = write.categorization?.origin.rawValue
        let titleIsPlaceholder = m.title.map(Placeholder.isTitle) ?? false
        let channelIsPlaceholder = m.channelName.map(Placeholder.isChannelName) ?? false
        // Categorization is replaced only as ytv2_categorization_replaces says (migration 0007): never by a lower origin.
        let rows = try await connection.query(
            """
            INSERT INTO videos AS v (
                video_id, content_source, title, channel_name, channel_id, thumbnail_url, published_at, indexed_at,
                duration_seconds, word_count, view_count, like_count, comment_count, has_transcript, transcript_chars,
                content_type, complexity_level, language, key_topics, named_entities, categories, categorization_origin,
                original_language, summary_language, audio_language, analysis_extra)
            VALUES (
                \(id), coalesce(\(m.contentSource), 'youtube'), coalesce(\(m.title), ''), \(m.channelName), \(m.channelID),
                \(m.thumbnailURL), \(m.publishedAt), coalesce(\(m.indexedAt), now()), \(m.durationSeconds), \(m.wordCount),
                \(m.viewCount), \(m.likeCount), \(m.commentCount), coalesce(\(m.hasTranscript), false), \(m.transcriptChars),
                \(m.contentType), \(m.complexityLevel), \(m.language), coalesce(\(topics)::jsonb, '[]'),
                coalesce(\(entities)::jsonb, '[]'), coalesce(\(categories)::jsonb, '[]'), \(origin),
                \(m.originalLanguage), \(m.summaryLanguage), \(m.audioLanguage), coalesce(\(m.analysisExtra)::jsonb, '{}'))
            ON CONFLICT (video_id) DO UPDATE SET
                content_source = coalesce(\(m.contentSource), v.content_source),
                title = ytv2_merge_text(\(m.title), v.title, \(titleIsPlaceholder)),
                channel_name = ytv2_merge_text(\(m.channelName), v.channel_name, \(channelIsPlaceholder)),
                channel_id = ytv2_merge_text(\(m.channelID), v.channel_id),
                thumbnail_url = ytv2_merge_text(\(m.thumbnailURL), v.thumbnail_url),
                published_at = coalesce(\(m.publishedAt), v.published_at),
                indexed_at = coalesce(\(m.indexedAt), v.indexed_at),
                duration_seconds = ytv2_merge_count(\(m.durationSeconds), v.duration_seconds),
                word_count = ytv2_merge_count(\(m.wordCount), v.word_count),
                view_count = ytv2_merge_count(\(m.viewCount), v.view_count),
                like_count = ytv2_merge_count(\(m.likeCount), v.like_count),
                comment_count = ytv2_merge_count(\(m.commentCount), v.comment_count),
                has_transcript = ytv2_merge_flag(\(m.hasTranscript), v.has_transcript),
                transcript_chars = ytv2_merge_count(\(m.transcriptChars), v.transcript_chars),
                content_type = ytv2_merge_text(\(m.contentType), v.content_type),
                complexity_level = ytv2_merge_text(\(m.complexityLevel), v.complexity_level),
                language = ytv2_merge_text(\(m.language), v.language),
                key_topics = ytv2_merge_list(\(topics)::jsonb, v.key_topics),
                named_entities = ytv2_merge_list(\(entities)::jsonb, v.named_entities),
                categories = CASE WHEN \(categories)::jsonb IS NOT NULL
                        AND ytv2_categorization_replaces(\(origin)::text, v.categories, v.categorization_origin)
                    THEN \(categories)::jsonb ELSE v.categories END,
                categorization_origin = CASE WHEN \(categories)::jsonb IS NOT NULL
                        AND ytv2_categorization_replaces(\(origin)::text, v.categories, v.categorization_origin)
                    THEN \(origin)::text ELSE v.categorization_origin END,
                original_language = ytv2_merge_text(\(m.originalLanguage), v.original_language),
                summary_language = ytv2_merge_text(\(m.summaryLanguage), v.summary_language),
                audio_language = ytv2_merge_text(\(m.audioLanguage), v.audio_language),
                analysis_extra = v.analysis_extra || coalesce(\(m.analysisExtra)::jsonb, '{}'),
                updated_at = now()
            RETURNING (xmax = 0) AS created, categories = coalesce(\(categories)::jsonb, 'null'::jsonb) AND categorization_origin IS NOT DISTINCT FROM \(origin)::text
            """,
            logger: store.logger
        )
        guard let (created, written) = try await rows.first((Bool, Bool).self) else { throw StoreError.unavailable("upsert returned no row") }
        return (created, written)
    }

    /// Adds the next revision for (video, variant) and makes it the only latest, unless the text equals the latest.
    /// Returns the new revision number, or nil when nothing changed. The caller holds the video lock.
    private func addRevision(_ draft: SummaryDraft, for id: VideoID, on connection: PostgresConnection) async throws -> Int? {
        let latest = try await connection.query(
            "SELECT text FROM summaries WHERE video_id = \(id.rawValue) AND variant = \(draft.variant.id) AND is_latest",
            logger: store.logger
        )
        for try await text in latest.decode(String.self) where text == draft.text { return nil }
        try await connection.query(
            "UPDATE summaries SET is_latest = false WHERE video_id = \(id.rawValue) AND variant = \(draft.variant.id) AND is_latest",
            logger: store.logger
        )
        let rows = try await connection.query(
            """
            INSERT INTO summaries (video_id, variant, revision, is_latest, text, html, headline, language, proficiency,
                                   raw_value, generated_at)
            SELECT \(id.rawValue), \(draft.variant.id), coalesce(max(revision), 0) + 1, true, \(draft.text), \(SummaryHTML.render(draft.text)),
                   \(draft.headline), \(draft.language), \(draft.proficiency?.rawValue), \(draft.rawValue), \(draft.generatedAt)
            FROM summaries WHERE video_id = \(id.rawValue) AND variant = \(draft.variant.id)
            RETURNING revision
            """,
            logger: store.logger
        )
        guard let revision = try await rows.first(Int.self) else { throw StoreError.unavailable("revision insert returned no row") }
        return revision
    }

    /// Stores (or replaces) the video's audio. Returns false when the same bytes were already stored.
    private func storeAudio(_ audio: AudioDraft, for id: VideoID, on connection: PostgresConnection) async throws -> Bool {
        let sha = audio.bytes.sha256Hex
        // Every stored MP3 has a duration when its frames can be walked (the legacy UI reads mp3_duration_seconds).
        let duration = audio.durationSeconds ?? MP3.durationSeconds(audio.bytes)
        let rows = try await connection.query(
            """
            INSERT INTO audio AS a (video_id, bytes, size_bytes, sha256, duration_seconds, mime)
            VALUES (\(id.rawValue), \(ByteBuffer(bytes: audio.bytes)), \(audio.bytes.count), \(sha), \(duration), \(audio.mime))
            ON CONFLICT (video_id) DO UPDATE SET
                bytes = EXCLUDED.bytes, size_bytes = EXCLUDED.size_bytes, sha256 = EXCLUDED.sha256,
                duration_seconds = coalesce(EXCLUDED.duration_seconds, a.duration_seconds), mime = EXCLUDED.mime, updated_at = now()
            WHERE a.sha256 <> EXCLUDED.sha256 OR a.duration_seconds IS DISTINCT FROM coalesce(EXCLUDED.duration_seconds, a.duration_seconds)
            RETURNING 1
            """,
            logger: store.logger
        )
        return try await rows.first(Int.self) != nil
    }
}

/// Compact JSON text for a jsonb bind.
func jsonText<T: Encodable>(_ value: T) throws -> String {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return String(decoding: try encoder.encode(value), as: UTF8.self)
}
