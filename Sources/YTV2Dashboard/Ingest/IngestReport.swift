import Foundation
import HTTPTypes
import YTV2Core
import YTV2Store

/// Reads an ingested report into one store write. Accepted shapes (docs/api.md, "Ingest"): the universal report, the
/// flat payload of the legacy processor's ingest client, and the older v1 and processor report shapes when they carry
/// a video id. Every field is stored or named in ``Parsed/ignored``; invalid fields are all listed in one 400 and
/// nothing is written.
enum IngestReport {
    /// The largest values a report may carry, in bytes of UTF-8.
    enum Limits {
        static let text = 10_000
        static let title = VideoWrite.maximumTitleBytes
        static let url = 2_000
        static let shortText = 200
        static let language = 35
        static let summary = 1_000_000
        static let headline = 2_000
        static let categories = 20
    }

    struct Parsed {
        var write: VideoWrite
        /// Fields received but not stored (unknown keys, HTML the server renders itself, transcript text, ...).
        var ignored: [String]
        /// Repairs made on the way in (NUL characters).
        var warnings: [String]
    }

    /// Keys of an analysis object that have columns; every other key is kept in `analysis_extra`.
    static let analysisColumns: Set<String> = [
        "category", "categories", "subcategory", "content_type", "complexity_level", "language", "key_topics", "named_entities",
    ]

    static func parse(_ body: [UInt8]) throws(APIError) -> Parsed {
        guard let root = JSONValue.parse(body) else {
            throw APIError(.badRequest, code: "invalid_json", message: "the body is not valid JSON")
        }
        guard root.objectValue != nil else {
            throw APIError(.badRequest, code: "invalid_json", message: "the body must be a JSON object")
        }
        var reader = PayloadReader(root: root)
        let (videoID, aliases) = try identity(&reader)
        var metadata = Self.metadata(&reader)
        let categorization = analysis(&reader, into: &metadata)
        let summaries = Self.summaries(&reader, metadata: metadata)
        guard reader.problems.isEmpty else {
            throw APIError(.badRequest, code: "invalid_fields", message: "invalid fields: " + reader.problems.joined(separator: "; "))
        }
        let write = VideoWrite(
            videoID: videoID,
            metadata: metadata,
            categorization: categorization,
            summaries: summaries,
            aliases: aliases,
            actor: "dashboard:ingest"
        )
        guard metadata != VideoMetadata() || categorization != nil || !summaries.isEmpty else {
            throw APIError(
                .badRequest,
                code: "nothing_to_store",
                message: "the report carries nothing to store besides its id (no title, metadata, analysis or summary)"
            )
        }
        return Parsed(write: write, ignored: reader.ignored, warnings: reader.warnings)
    }

    // MARK: - Identity

    /// The video id, from the first field that names one, and the legacy ids that must resolve to it: its lower-cased
    /// `yt:` form, and the payload's `id` or `file_stem` when it is a report file stem or another legacy id.
    static func identity(_ reader: inout PayloadReader) throws(APIError) -> (VideoID, [String]) {
        var found: [(String, VideoID)] = []
        for path in ["video_id", "source_metadata.youtube.video_id", "video.video_id", "metadata.video_id"] {
            guard let value = reader.value(path) else { continue }
            guard let text = value.stringValue, let id = try? VideoID(apiID: text.trimmingASCIIWhitespace) else {
                throw APIError(
                    .badRequest,
                    code: "invalid_fields",
                    message: "invalid fields: \(path) (\(VideoIDError(input: value.stringValue ?? value.text)))"
                )
            }
            reader.take(path)
            found.append((path, id))
        }
        for path in ["canonical_url", "url", "video.url"] {
            if let text = reader.value(path)?.stringValue, let id = try? VideoID(url: text) {
                reader.take(path)
                found.append((path, id))
            }
        }
        var aliases: [String] = []
        for path in ["id", "file_stem"] {
            guard let text = reader.value(path)?.stringValue?.trimmingASCIIWhitespace, !text.isEmpty else { continue }
            reader.take(path)
            if let id = try? VideoID(apiID: text) {
                found.append((path, id))
            } else if text.utf8.count <= Store.maximumAliasLength {
                // A report file stem (`<id>_<YYYYMMDD_HHMMSS>`, `<slug>_<id>`), a lower-cased `yt:` id or a `hash:` id.
                aliases.append(text)
                if let id = VideoID.candidates(inReportStem: text).first, !text.hasPrefix("yt:") { found.append((path, id)) }
            }
        }
        guard let (_, videoID) = found.first else {
            throw APIError(
                .badRequest,
                code: "invalid_fields",
                message: "invalid fields: video_id (the report names no video: send video_id, or id as yt:<video_id>)"
            )
        }
        if let other = found.first(where: { $0.1 != videoID }) {
            throw APIError(
                .badRequest,
                code: "invalid_fields",
                message: "invalid fields: \(other.0) names video \(other.1), but \(found[0].0) names \(videoID)"
            )
        }
        for alias in aliases where alias.hasPrefix("yt:") && alias.lowercased() != videoID.legacyID {
            throw APIError(.badRequest, code: "invalid_fields", message: "invalid fields: id \(alias.prefix(40)) names another video than \(videoID)")
        }
        let legacy = [videoID.legacyID] + aliases.filter { $0 != videoID.legacyID }
        return (videoID, legacy)
    }

    // MARK: - Metadata

    /// The scalar fields, in every spelling the shapes use (flat and universal at the top, v1 under `video`, the
    /// processor shape under `metadata`).
    static func metadata(_ reader: inout PayloadReader) -> VideoMetadata {
        var m = VideoMetadata()
        m.title = reader.string("title", "video.title", "metadata.title", maxBytes: Limits.title)
        m.contentSource = reader.string("content_source", maxBytes: Limits.shortText)
        if let source = m.contentSource, !["youtube", "reddit", "web"].contains(source) {
            reader.problem("content_source must be youtube, reddit or web")
        }
        m.channelName = reader.string("channel_name", "source_metadata.youtube.channel_name", "channel", "video.channel", "metadata.uploader")
        m.channelID = reader.string("channel_id", "video.channel_id", maxBytes: Limits.shortText)
        m.thumbnailURL = reader.string("thumbnail_url", "video.thumbnail", "thumbnail", maxBytes: Limits.url)
        m.publishedAt = reader.date("published_at", "video.upload_date", "metadata.upload_date", "upload_date")
        m.indexedAt = reader.date("indexed_at", "processed_at")
        m.durationSeconds = reader.integer("duration_seconds", "video.duration", "metadata.duration", "duration")
        if let duration = m.durationSeconds, duration > Int(Int32.max) { reader.problem("duration_seconds is too large") }
        m.wordCount = reader.integer("word_count", "summary.word_count")
        m.viewCount = reader.integer("view_count", "source_metadata.youtube.view_count", "video.view_count", "metadata.view_count")
        m.likeCount = reader.integer("like_count", "video.like_count")
        m.commentCount = reader.integer("comment_count")
        m.hasTranscript = reader.bool("has_transcript", "media.has_transcript")
        m.transcriptChars = reader.integer("transcript_chars", "media.transcript_chars")
        if let transcript = reader.value("transcript")?.stringValue {
            // The transcript's text is not kept (it is not shown anywhere); its facts are.
            m.hasTranscript = m.hasTranscript ?? !transcript.isEmpty
            m.transcriptChars = m.transcriptChars ?? transcript.count
        }
        m.originalLanguage = reader.string("original_language", maxBytes: Limits.language)
        m.summaryLanguage = reader.string("summary_language", maxBytes: Limits.language)
        m.audioLanguage = reader.string("audio_language", maxBytes: Limits.language)
        return m
    }

    // MARK: - Analysis and categorization

    /// The analysis object (`analysis_json` of the flat payload, `analysis`, or v1's `summary.analysis`, as an object
    /// or a JSON string) into its columns and `analysis_extra`; the categorization from `subcategories_json`, else the
    /// analysis's `categories`, else its `category` list (with `subcategory` under the first parent).
    static func analysis(_ reader: inout PayloadReader, into m: inout VideoMetadata) -> Categorization? {
        let path = ["analysis_json", "analysis", "summary.analysis"].first { reader.has($0) }
        let analysis = path.flatMap { reader.object($0) }
        if let path, analysis != nil { reader.take(path) }
        let fields = analysis?.objectValue ?? [:]
        let prefix = path.map { $0 + "." } ?? ""
        func field(_ key: String) -> String { fields[key] == nil ? key : prefix + key }
        // Columns: the analysis object's values first, then the same keys at the top (the flat legacy row shape).
        var scratch = PayloadReader(root: .object(fields.merging(reader.root.objectValue ?? [:]) { analysisValue, _ in analysisValue }))
        m.contentType = scratch.string("content_type", maxBytes: Limits.shortText)
        m.complexityLevel = scratch.string("complexity_level", "complexity", maxBytes: Limits.shortText)
        m.language = scratch.string("language", maxBytes: Limits.language)
        m.keyTopics = scratch.strings("key_topics")
        m.namedEntities = scratch.strings("named_entities")
        for key in ["content_type", "complexity_level", "complexity", "language", "key_topics", "named_entities"] where scratch.has(key) {
            if fields[key] == nil { reader.take(key) }
        }
        for problem in scratch.problems { reader.problem(problem) }
        for warning in scratch.warnings { reader.warn(warning) }
        // Free keys (sentiment, target_audience, educational_value, schema_version, ...) are kept as they came.
        var extra: [String: JSONValue] = [:]
        for (key, value) in fields where !analysisColumns.contains(key) && !value.isNull {
            extra[key] = reader.repaired(value, at: prefix + key)
        }
        if !extra.isEmpty { m.analysisExtra = JSONValue.object(extra).text }

        let categories = categorization(&reader, analysis: fields, field: field)
        return categories.map { Categorization(entries: $0, origin: .processor) }
    }

    static func categorization(
        _ reader: inout PayloadReader,
        analysis fields: [String: JSONValue],
        field: (String) -> String
    ) -> [CategoryEntry]? {
        if reader.has("subcategories_json"), let value = reader.object("subcategories_json") {
            reader.take("subcategories_json")
            if let entries = entries(in: value, path: "subcategories_json", reader: &reader) {
                if let other = fields["categories"], let theirs = Self.entries(in: other, path: field("categories"), reader: &reader),
                    Categorization(entries: theirs, origin: .processor).normalized.entries
                        != Categorization(entries: entries, origin: .processor).normalized.entries
                {
                    reader.warn("\(field("categories")) differs from subcategories_json, which was stored")
                }
                return entries
            }
        }
        if let value = fields["categories"] ?? reader.value("categories"), !value.isNull {
            reader.take(field("categories"))
            if let entries = entries(in: value, path: field("categories"), reader: &reader) { return entries }
        }
        var scratch = PayloadReader(root: .object(fields.merging(reader.root.objectValue ?? [:]) { analysisValue, _ in analysisValue }))
        if let parents = scratch.strings("category"), !parents.isEmpty {
            reader.take(field("category"))
            var entries = parents.map { CategoryEntry(category: $0) }
            if let sub = scratch.string("subcategory", maxBytes: Limits.shortText) {
                reader.take(field("subcategory"))
                entries[0].subcategories = [sub]
            }
            return entries
        }
        for problem in scratch.problems { reader.problem(problem) }
        return nil
    }

    /// `{"categories": [...]}`, a bare list of `{category|name, subcategories}`, or plain strings.
    static func entries(in value: JSONValue, path: String, reader: inout PayloadReader) -> [CategoryEntry]? {
        let list = value["categories"] ?? value
        guard let items = list.arrayValue, items.count <= Limits.categories else {
            reader.problem("\(path) must be a list of at most \(Limits.categories) categories")
            return nil
        }
        var entries: [CategoryEntry] = []
        for item in items {
            if let name = item.stringValue {
                entries.append(CategoryEntry(category: reader.repaired(name, at: path)))
            } else if let name = (item["category"] ?? item["name"])?.stringValue {
                var subcategories = (item["subcategories"]?.arrayValue ?? []).compactMap(\.stringValue)
                if let single = item["subcategory"]?.stringValue { subcategories.append(single) }
                entries.append(
                    CategoryEntry(
                        category: reader.repaired(name, at: path),
                        subcategories: subcategories.map { reader.repaired($0, at: path) }
                    )
                )
            } else {
                reader.problem("\(path) holds an entry without a category name")
                return nil
            }
        }
        return entries
    }

    // MARK: - Summaries

    /// Every summary text of the payload as drafts, in the order they become revisions (the last of a variant is its
    /// latest): the single summary (`summary_text`/`summary_variant`, or the report shapes' `summary`), then each of
    /// the variants. Identical (variant, text) pairs are stored once; legacy variant names and `:level` suffixes are
    /// normalized; texts serialized as dicts are unwrapped with the raw value kept.
    static func summaries(_ reader: inout PayloadReader, metadata: VideoMetadata) -> [SummaryDraft] {
        var drafts: [SummaryDraft] = []
        func add(name: String, text: String, headline: String?, language: String?, generatedAt: Date?, at path: String) {
            let parsed: (SummaryVariant, ProficiencyLevel?)
            do { parsed = try SummaryVariant.parse(name.isEmpty ? "comprehensive" : name) } catch {
                reader.problem("\(path) names \"\(name.prefix(40))\", which is not a summary variant")
                return
            }
            if text.utf8.count > Limits.summary { reader.problem("\(path) text is longer than \(Limits.summary) bytes") }
            let normalized = LegacySummaryText.normalize(text, variant: parsed.0)
            guard !normalized.normalized.isEmpty else { return }
            let kindLanguage = parsed.0.kind == .audio ? metadata.audioLanguage : metadata.summaryLanguage
            let draft = SummaryDraft(
                variant: parsed.0,
                text: normalized.normalized,
                headline: headline,
                language: language ?? kindLanguage,
                proficiency: parsed.1,
                rawValue: normalized.normalized == text ? nil : text,
                generatedAt: generatedAt
            )
            if !drafts.contains(where: { $0.variant == draft.variant && $0.text == draft.text }) { drafts.append(draft) }
        }

        let summaryLanguage = reader.string("summary.language", maxBytes: Limits.language)
        let generatedAt = reader.date("summary.generated_at", "summary.content.generated_at")
        // The single summary, in the flat payload's or a report shape's spelling.
        if let text = reader.string("summary_text", maxBytes: Limits.summary) {
            let name = reader.string("summary_variant", "summary_type", maxBytes: Limits.shortText) ?? "comprehensive"
            add(name: name, text: text, headline: nil, language: nil, generatedAt: nil, at: "summary_text")
        } else if reader.value("summary")?.stringValue != nil, let text = reader.string("summary", maxBytes: Limits.summary) {
            let name = reader.string("summary_variant", "summary_type", maxBytes: Limits.shortText) ?? "comprehensive"
            add(name: name, text: text, headline: nil, language: nil, generatedAt: nil, at: "summary")
        } else if let text = reader.string("summary.summary", "summary.content.summary", maxBytes: Limits.summary) {
            let name =
                reader.string("summary.summary_type", "summary.content.summary_type", "summary.type", maxBytes: Limits.shortText) ?? "comprehensive"
            let headline = reader.string("summary.headline", "summary.content.headline", maxBytes: Limits.headline)
            add(name: name, text: text, headline: headline, language: summaryLanguage, generatedAt: generatedAt, at: "summary")
        }
        // The variants: the flat payload's `summary_variants`, the universal report's `summary.variants`.
        for listPath in ["summary_variants", "summary.variants"] {
            guard let value = reader.value(listPath) else { continue }
            guard let items = value.arrayValue else {
                reader.problem("\(listPath) must be a list")
                continue
            }
            for key in ["variant", "text", "headline", "language", "generated_at", "kind"] { reader.take(listPath + "[]." + key) }
            for (index, item) in items.enumerated() {
                let path = "\(listPath)[\(index)]"
                guard let name = item["variant"]?.stringValue, let text = item["text"]?.stringValue, !text.isEmpty else {
                    reader.problem("\(path) needs a variant and a non-empty text")
                    continue
                }
                var itemGenerated = generatedAt
                if let stamp = item["generated_at"]?.stringValue { itemGenerated = Timestamp.parse(stamp) ?? generatedAt }
                add(
                    name: name,
                    text: reader.repaired(text, at: path + ".text"),
                    headline: item["headline"]?.stringValue.map { reader.repaired($0, at: path + ".headline") },
                    language: item["language"]?.stringValue ?? summaryLanguage,
                    generatedAt: itemGenerated,
                    at: path
                )
            }
        }
        return drafts
    }
}
