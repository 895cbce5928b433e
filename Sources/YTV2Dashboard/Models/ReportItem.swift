import Foundation
import NIOCore
import YTV2Core
import YTV2Store

#if canImport(Glibc)
import Glibc
#endif

/// The ITEM shape of the API (docs/api.md), in three forms: the light list item, the full item (every summary text
/// and its HTML) and the single report (the full item plus `language` and `summary`).
/// Every key is written, and a field the legacy always sent keeps the legacy's default where the value is unknown (`""`
/// for texts and an undated `published_at`, `0` for numbers, `"en"` for languages, `"none"` for the summary type of a
/// video without one): legacy clients read every key and never expected `null` there. `null` stays where the legacy sent
/// it (`audio_url` without audio, `analysis.subcategory` without one).
struct ReportItem: Sendable {
    enum Form: Sendable {
        /// `/api/reports`: no summary bodies; `summary_preview` instead, and variants without `text`/`html`.
        case light
        /// The ingest echo: every latest text and its HTML.
        case full
        /// `/api/reports/<id>`, `/<id>.json`: the full item with `language` and `summary` (`content` included, which
        /// the SQLite-era UI reads).
        case single
    }

    let record: ReportRecord
    let form: Form

    init(_ record: ReportRecord, form: Form) {
        self.record = record
        self.form = form
    }

    /// The item as a JSON body of its own.
    func json() -> ByteBuffer {
        var writer = JSONWriter(capacity: form == .light ? 2_048 : 16_384)
        write(to: &writer)
        return writer.buffer
    }

    func write(to json: inout JSONWriter) {
        let r = record
        json.beginObject()
        json.key("id")
        json.string(r.videoID.apiID)
        json.key("video_id")
        json.string(r.videoID.rawValue)
        json.key("file_stem")
        json.string(r.videoID.rawValue)
        json.key("title")
        json.string(r.title)
        json.key("channel")
        json.string(r.channelName ?? "")
        json.key("channel_name")
        json.string(r.channelName ?? "")
        json.key("canonical_url")
        json.string(r.videoID.canonicalURL)
        json.key("thumbnail_url")
        json.string(r.thumbnailURL ?? r.videoID.defaultThumbnailURL)
        json.key("published_at")
        json.string(r.publishedAt.map(APIDate.string) ?? "")
        json.key("indexed_at")
        json.string(APIDate.string(r.indexedAt))
        json.key("duration_seconds")
        json.integer(r.durationSeconds ?? 0)
        json.key("word_count")
        json.integer(r.wordCount ?? 0)
        json.key("content_source")
        json.string(r.contentSource)
        json.key("source_label")
        json.string(Self.sourceLabel(r.contentSource))
        let languages = ItemLanguages(r)
        json.key("original_language")
        json.string(languages.original ?? "en")
        json.key("summary_language")
        json.string(languages.summary ?? "en")
        json.key("audio_language")
        json.string(languages.audio ?? "en")
        let entries = r.categorization?.entries ?? []
        json.key("analysis")
        writeAnalysis(entries, originalLanguage: languages.original, to: &json)
        json.key("subcategories_json")
        json.string(Self.subcategoriesJSON(entries))
        json.key("media")
        json.beginObject()
        json.key("has_audio")
        json.bool(r.hasAudio)
        json.key("audio_url")
        json.string(r.hasAudio ? Self.audioURL(r.videoID) : nil)
        json.key("audio_duration_seconds")
        json.number(r.audio?.durationSeconds ?? 0)
        json.key("has_transcript")
        json.bool(r.hasTranscript)
        json.key("transcript_chars")
        json.integer(r.transcriptChars ?? 0)
        json.endObject()
        json.key("media_metadata")
        json.beginObject()
        json.key("video_duration_seconds")
        json.integer(r.durationSeconds ?? 0)
        json.key("mp3_duration_seconds")
        json.number(r.audio?.durationSeconds ?? 0)
        json.endObject()
        let preferred = r.preferredSummary
        json.key("summary_variant")
        json.string(Self.summaryTypeName(preferred))
        json.key("summary_type")
        json.string(Self.summaryTypeName(preferred))
        switch form {
        case .light:
            json.key("summary_preview")
            json.string(preferred.map { SummaryPreview.make(Self.previewSource($0.text)) } ?? "")
            json.key("summary_variants")
            json.beginArray()
            for summary in r.summaries { writeVariant(summary, html: nil, to: &json) }
            json.endArray()
        case .full, .single:
            let html = r.summaries.map(\.renderedHTML)
            json.key("summary_text")
            json.string(preferred?.text ?? "")
            json.key("summary_html")
            json.string(html.first ?? "")
            json.key("summary_variants")
            json.beginArray()
            for (summary, rendered) in zip(r.summaries, html) { writeVariant(summary, html: rendered, to: &json) }
            json.endArray()
            if form == .single {
                json.key("language")
                json.string(languages.original ?? "en")
                // `content` is the same summary in the form the SQLite-era UI reads.
                json.key("summary")
                json.beginObject()
                json.key("text")
                json.string(preferred?.text ?? "")
                json.key("html")
                json.string(html.first ?? "")
                json.key("type")
                json.string(Self.summaryTypeName(preferred))
                json.key("content")
                json.beginObject()
                json.key("summary")
                json.string(preferred?.text ?? "")
                json.key("summary_type")
                json.string(Self.summaryTypeName(preferred))
                json.endObject()
                json.endObject()
            }
        }
        json.endObject()
    }

    private func writeAnalysis(_ entries: [CategoryEntry], originalLanguage: String?, to json: inout JSONWriter) {
        let r = record
        json.beginObject()
        json.key("category")
        json.strings(entries.map(\.category))
        json.key("categories")
        Self.writeEntries(entries, to: &json)
        json.key("subcategory")
        json.string(entries.first?.subcategories.first)
        json.key("content_type")
        json.string(r.contentType ?? "")
        json.key("complexity_level")
        json.string(r.complexityLevel ?? "")
        json.key("language")
        json.string(ItemLanguages.code(r.language) ?? originalLanguage ?? "en")
        json.key("key_topics")
        json.strings(r.keyTopics)
        json.key("named_entities")
        json.strings(r.namedEntities)
        // The free keys the processor sent (sentiment, target_audience, ...), as they came.
        if r.analysisExtra != "{}", let extra = JSONValue.parse(Array(r.analysisExtra.utf8))?.objectValue {
            for (name, value) in extra.sorted(by: { $0.key < $1.key }) where !Self.analysisColumnKeys.contains(name) {
                json.key(name)
                json.value(value)
            }
        }
        json.endObject()
    }

    private func writeVariant(_ summary: StoredSummary, html: String?, to json: inout JSONWriter) {
        json.beginObject()
        json.key("variant")
        json.string(Self.variantName(summary))
        json.key("summary_type")
        json.string(summary.variant.label)
        json.key("kind")
        json.string(summary.variant.kind.rawValue)
        if let html {
            json.key("text")
            json.string(summary.text)
            json.key("html")
            json.string(html)
        }
        json.key("revision")
        json.integer(summary.revision)
        json.key("generated_at")
        json.string(APIDate.string(summary.generatedAt ?? summary.createdAt))
        if let language = summary.language {
            json.key("language")
            json.string(language)
        }
        if summary.variant.kind == .audio, record.hasAudio {
            json.key("audio_url")
            json.string(Self.audioURL(record.videoID))
            if let duration = record.audio?.durationSeconds {
                json.key("duration")
                json.number(duration)
            }
        }
        json.endObject()
    }

    static func writeEntries(_ entries: [CategoryEntry], to json: inout JSONWriter) {
        json.beginArray()
        for entry in entries {
            json.beginObject()
            json.key("category")
            json.string(entry.category)
            json.key("subcategories")
            json.strings(entry.subcategories)
            json.endObject()
        }
        json.endArray()
    }

    /// `{"categories":[...]}` with sorted keys: the same categories give the same text on every request.
    static func subcategoriesJSON(_ entries: [CategoryEntry]) -> String {
        var json = JSONWriter(capacity: 256)
        json.beginObject()
        json.key("categories")
        writeEntries(entries, to: &json)
        json.endObject()
        return String(buffer: json.buffer)
    }

    static let analysisColumnKeys: Set<String> = [
        "category", "categories", "subcategory", "content_type", "complexity_level", "language", "key_topics", "named_entities",
    ]

    /// The part of a text a preview is made from: the same prefix whether the read fetched the whole text (a single
    /// report, the legacy copy of shadow reads) or only its start (a list page), so both give the same preview.
    static func previewSource(_ text: String) -> Substring {
        // A list read's text is already the prefix (never more bytes than scalars allowed); only whole texts are cut.
        if text.utf8.count <= SummaryPreview.sourcePrefixLength { return text[...] }
        let end = text.unicodeScalars.index(
            text.unicodeScalars.startIndex,
            offsetBy: SummaryPreview.sourcePrefixLength,
            limitedBy: text.unicodeScalars.endIndex
        )
        return text[..<(end ?? text.endIndex)]
    }

    static func sourceLabel(_ source: String) -> String {
        switch source {
        case "youtube": "YouTube"
        case "reddit": "Reddit"
        case "web": "Web"
        default: source
        }
    }

    static func audioURL(_ id: VideoID) -> String { "/exports/by_video/\(id.rawValue).mp3" }

    /// A summary's variant under the name it was sent with: a narration the processor or an ingest client made for a
    /// level carries it (`audio-fr:beginner`), as the legacy stored and returned it; an imported one keeps the name the
    /// legacy dashboard showed.
    static func variantName(_ summary: StoredSummary) -> String {
        guard summary.namedWithLevel, let level = summary.proficiency else { return summary.variant.id }
        return "\(summary.variant.id):\(level.rawValue)"
    }

    /// `summary_type` of an item: its preferred summary's variant, `"none"` without any, as the legacy sent it.
    static func summaryTypeName(_ summary: StoredSummary?) -> String {
        summary.map(variantName) ?? "none"
    }

    /// The three languages of the legacy item: as a report named them, else derived from the analysis language and the
    /// summaries. Two-letter codes.
    struct ItemLanguages {
        let original: String?
        let summary: String?
        let audio: String?

        init(_ record: ReportRecord) {
            original = Self.code(record.originalLanguage) ?? Self.code(record.language)
            summary = Self.code(record.summaryLanguage) ?? Self.code(record.preferredSummary?.language)
            let narration = record.summaries.first { $0.variant.kind == .audio }
            let narrationLanguage: String? =
                switch narration?.variant {
                case SummaryVariant.audioFrench?: "fr"
                case SummaryVariant.audioSpanish?: "es"
                default: Self.code(narration?.language) ?? (narration == nil ? nil : summary)
                }
            audio = record.hasAudio ? (Self.code(record.audioLanguage) ?? narrationLanguage) : Self.code(record.audioLanguage)
        }

        /// `en-US`, `EN_us` → `en`; blank → nil.
        static func code(_ language: String?) -> String? {
            guard let language else { return nil }
            let first = language.trimmingASCIIWhitespace.lowercased().split(whereSeparator: { $0 == "-" || $0 == "_" }).first
            return first.map(String.init)
        }
    }
}

/// ISO-8601 UTC with `Z`, the only timestamp form of the API.
enum APIDate {
    /// `2026-11-21T08:00:00Z`, formatted with gmtime_r: an item carries several timestamps and a page many items, and
    /// Foundation's format styles cost far more per call.
    static func string(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
    }
}
