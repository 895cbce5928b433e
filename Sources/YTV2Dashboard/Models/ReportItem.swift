import Foundation
import YTV2Core
import YTV2Store

#if canImport(Glibc)
import Glibc
#endif

/// The ITEM shape of the API (docs/api.md), in three forms: the light list item, the full item (every summary text
/// and its HTML) and the single report (the full item plus `language` and `summary`).
/// Optional fields are written as `null`, never omitted: the legacy UI reads every key.
struct ReportItem: Encodable, Sendable {
    enum Form: Sendable {
        /// `/api/reports`: no summary bodies; `summary_preview` instead, and variants without `text`/`html`.
        case light
        /// The ingest echo: every latest text and its HTML.
        case full
        /// `/api/reports/<id>`, `/<id>.json`: the full item with `language` and `summary` (`content` included, which
        /// the SQLite-era UI reads).
        case single
    }

    /// Sorted keys: the same categories give the same `subcategories_json` text on every request.
    static let sortedEncoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    let record: ReportRecord
    let form: Form

    init(_ record: ReportRecord, form: Form) {
        self.record = record
        self.form = form
    }

    enum Key: String, CodingKey {
        case id, video_id, file_stem, title, channel, channel_name, canonical_url, thumbnail_url, published_at, indexed_at
        case duration_seconds, word_count, content_source, source_label, analysis, subcategories_json, media, media_metadata
        case original_language, summary_language, audio_language, language
        case summary_text, summary_html, summary_preview, summary_variant, summary_type, summary_variants, summary
    }

    func encode(to encoder: any Encoder) throws {
        let r = record
        var c = encoder.container(keyedBy: Key.self)
        try c.encode(r.videoID.apiID, forKey: .id)
        try c.encode(r.videoID.rawValue, forKey: .video_id)
        try c.encode(r.videoID.rawValue, forKey: .file_stem)
        try c.encode(r.title, forKey: .title)
        try c.encode(r.channelName, forKey: .channel)
        try c.encode(r.channelName, forKey: .channel_name)
        try c.encode(r.videoID.canonicalURL, forKey: .canonical_url)
        try c.encode(r.thumbnailURL ?? r.videoID.defaultThumbnailURL, forKey: .thumbnail_url)
        try c.encode(r.publishedAt.map(APIDate.string), forKey: .published_at)
        try c.encode(APIDate.string(r.indexedAt), forKey: .indexed_at)
        try c.encode(r.durationSeconds, forKey: .duration_seconds)
        try c.encode(r.wordCount, forKey: .word_count)
        try c.encode(r.contentSource, forKey: .content_source)
        try c.encode(Self.sourceLabel(r.contentSource), forKey: .source_label)
        let languages = ItemLanguages(r)
        try c.encode(languages.original, forKey: .original_language)
        try c.encode(languages.summary, forKey: .summary_language)
        try c.encode(languages.audio, forKey: .audio_language)
        let entries = r.categorization?.entries ?? []
        try c.encode(Analysis(record: r, entries: entries), forKey: .analysis)
        try c.encode(String(decoding: try Self.sortedEncoder.encode(["categories": entries]), as: UTF8.self), forKey: .subcategories_json)
        try c.encode(Media(record: r), forKey: .media)
        try c.encode(
            MediaMetadata(video_duration_seconds: r.durationSeconds, mp3_duration_seconds: r.audio?.durationSeconds),
            forKey: .media_metadata
        )
        let preferred = r.preferredSummary
        try c.encode(preferred?.variant.id, forKey: .summary_variant)
        try c.encode(preferred?.variant.id, forKey: .summary_type)
        switch form {
        case .light:
            try c.encode(preferred.map { SummaryPreview.make(Self.previewSource($0.text)) }, forKey: .summary_preview)
            try c.encode(r.summaries.map { Variant(summary: $0, html: nil, record: r) }, forKey: .summary_variants)
        case .full, .single:
            let html = r.summaries.map(\.renderedHTML)
            try c.encode(preferred?.text, forKey: .summary_text)
            try c.encode(html.first, forKey: .summary_html)
            try c.encode(zip(r.summaries, html).map { Variant(summary: $0, html: $1, record: r) }, forKey: .summary_variants)
            if form == .single {
                try c.encode(languages.original, forKey: .language)
                try c.encode(Summary(text: preferred?.text ?? "", html: html.first ?? "", type: preferred?.variant.id), forKey: .summary)
            }
        }
    }

    /// The part of a text a preview is made from: the same prefix whether the read fetched the whole text (a single
    /// report, the legacy copy of shadow reads) or only its start (a list page), so both give the same preview.
    static func previewSource(_ text: String) -> Substring {
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

    struct Analysis: Encodable {
        let record: ReportRecord
        let entries: [CategoryEntry]

        struct Key: CodingKey {
            let stringValue: String
            init(_ name: String) { stringValue = name }
            init?(stringValue: String) { self.stringValue = stringValue }
            var intValue: Int? { nil }
            init?(intValue: Int) { nil }
        }

        static let columnKeys: Set<String> = [
            "category", "categories", "subcategory", "content_type", "complexity_level", "language", "key_topics", "named_entities",
        ]

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(entries.map(\.category), forKey: Key("category"))
            try c.encode(entries, forKey: Key("categories"))
            try c.encode(entries.first?.subcategories.first, forKey: Key("subcategory"))
            try c.encode(record.contentType, forKey: Key("content_type"))
            try c.encode(record.complexityLevel, forKey: Key("complexity_level"))
            try c.encode(record.language, forKey: Key("language"))
            try c.encode(record.keyTopics, forKey: Key("key_topics"))
            try c.encode(record.namedEntities, forKey: Key("named_entities"))
            // The free keys the processor sent (sentiment, target_audience, ...), as they came.
            if record.analysisExtra != "{}", let extra = JSONValue.parse(Array(record.analysisExtra.utf8))?.objectValue {
                for (name, value) in extra.sorted(by: { $0.key < $1.key }) where !Self.columnKeys.contains(name) {
                    try c.encode(value, forKey: Key(name))
                }
            }
        }
    }

    struct Media: Encodable {
        let record: ReportRecord

        enum Key: String, CodingKey { case has_audio, audio_url, audio_duration_seconds, has_transcript, transcript_chars }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(record.hasAudio, forKey: .has_audio)
            try c.encode(record.hasAudio ? ReportItem.audioURL(record.videoID) : nil, forKey: .audio_url)
            try c.encode(record.audio?.durationSeconds, forKey: .audio_duration_seconds)
            try c.encode(record.hasTranscript, forKey: .has_transcript)
            try c.encode(record.transcriptChars, forKey: .transcript_chars)
        }
    }

    struct MediaMetadata: Encodable {
        let video_duration_seconds: Int?
        let mp3_duration_seconds: Double?

        enum CodingKeys: String, CodingKey { case video_duration_seconds, mp3_duration_seconds }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(video_duration_seconds, forKey: .video_duration_seconds)
            try c.encode(mp3_duration_seconds, forKey: .mp3_duration_seconds)
        }
    }

    /// One latest variant; `html` nil leaves out `text` and `html` (the light list form).
    struct Variant: Encodable {
        let summary: StoredSummary
        let html: String?
        let record: ReportRecord

        enum Key: String, CodingKey { case variant, summary_type, kind, text, html, revision, generated_at, language, audio_url, duration }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: Key.self)
            try c.encode(summary.variant.id, forKey: .variant)
            try c.encode(summary.variant.label, forKey: .summary_type)
            try c.encode(summary.variant.kind.rawValue, forKey: .kind)
            if let html {
                try c.encode(summary.text, forKey: .text)
                try c.encode(html, forKey: .html)
            }
            try c.encode(summary.revision, forKey: .revision)
            try c.encode(APIDate.string(summary.generatedAt ?? summary.createdAt), forKey: .generated_at)
            try c.encodeIfPresent(summary.language, forKey: .language)
            if summary.variant.kind == .audio, record.hasAudio {
                try c.encode(ReportItem.audioURL(record.videoID), forKey: .audio_url)
                try c.encodeIfPresent(record.audio?.durationSeconds, forKey: .duration)
            }
        }
    }

    /// The single report's `summary`: the preferred text, its HTML and type, and `content`, the legacy form of the same.
    struct Summary: Encodable {
        let text: String
        let html: String
        let type: String?

        enum CodingKeys: String, CodingKey { case text, html, type, content }

        struct Content: Encodable {
            let summary: String
            let summary_type: String?
        }

        func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(text, forKey: .text)
            try c.encode(html, forKey: .html)
            try c.encode(type, forKey: .type)
            try c.encode(Content(summary: text, summary_type: type), forKey: .content)
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
