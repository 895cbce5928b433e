import YTV2Core
import YTV2Store

/// The body of `/api/filters`: every facet with its counts, sorted by count then value. Categories, channels and
/// languages are answered under the plural keys the current UIs read and the singular keys (`category`, `channel`,
/// `language`) the SQLite-era UI reads.
struct FiltersResponse: ResponseEncodableJSON {
    struct Value: Encodable {
        let value: String
        var label: String?
        let count: Int
    }

    struct Category: Encodable {
        let value: String
        let count: Int
        let subcategories: [Value]
    }

    struct AudioValue: Encodable {
        let value: Bool
        let count: Int
    }

    let source: [Value]
    let categories: [Category]
    let channels: [Value]
    let languages: [Value]
    let content_type: [Value]
    let complexity_level: [Value]
    let summary_type: [Value]
    let has_audio: [AudioValue]

    init(_ facets: ReportFacets) {
        source = facets.sources.map { Value(value: $0.value, label: ReportItem.sourceLabel($0.value), count: $0.count) }
        categories = facets.categories.map { category in
            Category(
                value: category.value,
                count: category.count,
                subcategories: category.subcategories.map { Value(value: $0.value, count: $0.count) }
            )
        }
        channels = facets.channels.map { Value(value: $0.value, count: $0.count) }
        languages = facets.languages.map { Value(value: $0.value, label: LanguageNames.name(of: $0.value), count: $0.count) }
        content_type = facets.contentTypes.map { Value(value: $0.value, count: $0.count) }
        complexity_level = facets.complexities.map { Value(value: $0.value, count: $0.count) }
        summary_type = facets.summaryTypes.map { facet in
            Value(value: facet.value, label: (try? SummaryVariant(facet.value))?.label ?? facet.value, count: facet.count)
        }
        has_audio = facets.hasAudio.map { AudioValue(value: $0.value, count: $0.count) }
    }

    enum CodingKeys: String, CodingKey {
        case source, categories, channels, languages, content_type, complexity_level, summary_type, has_audio
        case category, channel, language
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(source, forKey: .source)
        try c.encode(categories, forKey: .categories)
        try c.encode(categories, forKey: .category)
        try c.encode(channels, forKey: .channels)
        try c.encode(channels, forKey: .channel)
        try c.encode(languages, forKey: .languages)
        try c.encode(languages, forKey: .language)
        try c.encode(content_type, forKey: .content_type)
        try c.encode(complexity_level, forKey: .complexity_level)
        try c.encode(summary_type, forKey: .summary_type)
        try c.encode(has_audio, forKey: .has_audio)
    }
}

/// English names of the languages summaries come in; unknown codes show as themselves.
enum LanguageNames {
    static let names: [String: String] = [
        "en": "English", "fr": "French", "es": "Spanish", "de": "German", "it": "Italian", "pt": "Portuguese",
        "nl": "Dutch", "ru": "Russian", "ja": "Japanese", "zh": "Chinese", "ko": "Korean", "ar": "Arabic", "hi": "Hindi",
        "pl": "Polish", "sv": "Swedish", "tr": "Turkish", "uk": "Ukrainian", "el": "Greek", "he": "Hebrew", "cs": "Czech",
    ]

    static func name(of code: String) -> String { names[code] ?? code }
}
