import Foundation
import YTV2Core

/// A video as the dashboard reads it: its row, its categorization, its audio facts and its latest summaries.
public struct ReportRecord: Sendable, Equatable {
    public var videoID: VideoID
    public var contentSource: String
    public var title: String
    public var channelName: String?
    public var channelID: String?
    public var thumbnailURL: String?
    public var publishedAt: Date?
    public var indexedAt: Date
    public var durationSeconds: Int?
    public var wordCount: Int?
    public var viewCount: Int?
    public var hasTranscript: Bool
    public var transcriptChars: Int?
    public var contentType: String?
    public var complexityLevel: String?
    public var language: String?
    public var keyTopics: [String]
    public var namedEntities: [String]
    public var categorization: Categorization?
    public var audio: AudioInfo?
    /// The latest revision of each variant, in ``SummaryVariant/preferenceOrder`` (unknown variants last, by id).
    public var summaries: [StoredSummary]
    public var updatedAt: Date
    /// The video's, its summaries' and its narration's languages as a report named them (nil where none did).
    public var originalLanguage: String? = nil
    public var summaryLanguage: String? = nil
    public var audioLanguage: String? = nil
    /// Analysis fields without a column of their own, as a JSON object's text (`{}` when there are none).
    public var analysisExtra: String = "{}"
    /// Whether ``summaries`` hold whole texts or, as list reads fetch them, each text's first characters only.
    public var summaryTexts: SummaryTexts = .whole

    /// How much of each summary a read fetched.
    public enum SummaryTexts: Sendable, Equatable {
        /// Every text whole, with its stored HTML.
        case whole
        /// Each text's first ``SummaryPreview/sourcePrefixLength`` characters (Unicode scalars), no HTML: enough for
        /// a list item's preview.
        case prefix
    }

    public var hasAudio: Bool { audio != nil }

    /// The first present of the preferred variants, then any.
    public var preferredSummary: StoredSummary? { summaries.first }
}

extension ReportRecord {
    /// A record from a video's metadata as another source holds it (the legacy copy the shadow reads compare with);
    /// a missing title reads as empty, missing flags as false, missing lists as empty.
    public init(
        videoID: VideoID,
        metadata m: VideoMetadata,
        indexedAt: Date,
        categorization: Categorization?,
        audio: AudioInfo?,
        summaries: [StoredSummary],
        updatedAt: Date
    ) {
        self.init(
            videoID: videoID,
            contentSource: m.contentSource ?? "youtube",
            title: m.title ?? "",
            channelName: m.channelName,
            channelID: m.channelID,
            thumbnailURL: m.thumbnailURL,
            publishedAt: m.publishedAt,
            indexedAt: indexedAt,
            durationSeconds: m.durationSeconds,
            wordCount: m.wordCount,
            viewCount: m.viewCount,
            hasTranscript: m.hasTranscript ?? false,
            transcriptChars: m.transcriptChars,
            contentType: m.contentType,
            complexityLevel: m.complexityLevel,
            language: m.language,
            keyTopics: m.keyTopics ?? [],
            namedEntities: m.namedEntities ?? [],
            categorization: categorization,
            audio: audio,
            summaries: summaries,
            updatedAt: updatedAt,
            originalLanguage: m.originalLanguage,
            summaryLanguage: m.summaryLanguage,
            audioLanguage: m.audioLanguage,
            analysisExtra: m.analysisExtra ?? "{}"
        )
    }
}

extension StoredSummary {
    /// The HTML the store rendered when it stored this revision, or, for revisions stored before it kept HTML, rendered
    /// now by the same renderer (``SummaryHTML``).
    public var renderedHTML: String { html ?? SummaryHTML.render(text) }
}

/// Facts about stored audio, without its bytes.
public struct AudioInfo: Sendable, Equatable {
    public var sizeBytes: Int
    public var sha256: String
    public var durationSeconds: Double?
    public var mime: String

    public init(sizeBytes: Int, sha256: String, durationSeconds: Double?, mime: String) {
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.durationSeconds = durationSeconds
        self.mime = mime
    }
}

/// One stored summary revision.
public struct StoredSummary: Sendable, Equatable {
    public var variant: SummaryVariant
    public var revision: Int
    public var isLatest: Bool
    public var text: String
    public var html: String?
    public var headline: String?
    public var language: String?
    public var proficiency: ProficiencyLevel?
    public var generatedAt: Date?
    public var createdAt: Date

    public init(
        variant: SummaryVariant,
        revision: Int,
        isLatest: Bool,
        text: String,
        html: String? = nil,
        headline: String? = nil,
        language: String? = nil,
        proficiency: ProficiencyLevel? = nil,
        generatedAt: Date? = nil,
        createdAt: Date
    ) {
        self.variant = variant
        self.revision = revision
        self.isLatest = isLatest
        self.text = text
        self.html = html
        self.headline = headline
        self.language = language
        self.proficiency = proficiency
        self.generatedAt = generatedAt
        self.createdAt = createdAt
    }
}

/// One page of reports and the total over all pages.
public struct ReportPage: Sendable, Equatable {
    public var reports: [ReportRecord]
    public var total: Int
    public var page: Int
    public var size: Int

    public init(reports: [ReportRecord], total: Int, page: Int, size: Int) {
        self.reports = reports
        self.total = total
        self.page = page
        self.size = size
    }

    public var pages: Int { total == 0 ? 0 : (total + size - 1) / size }
    public var hasNext: Bool { page < pages }
    public var hasPrevious: Bool { page > 1 }
}

/// A facet value and how many videos have it.
public struct FacetCount: Sendable, Equatable {
    public var value: String
    public var count: Int

    public init(value: String, count: Int) {
        self.value = value
        self.count = count
    }

    /// By count, then value: the order the API promises.
    public static func sortedByCount(_ counts: [FacetCount]) -> [FacetCount] {
        counts.sorted { ($1.count, $0.value) < ($0.count, $1.value) }
    }
}

/// A parent category's count and its subcategories' counts.
public struct CategoryFacet: Sendable, Equatable {
    public var value: String
    public var count: Int
    public var subcategories: [FacetCount]

    public init(value: String, count: Int, subcategories: [FacetCount]) {
        self.value = value
        self.count = count
        self.subcategories = subcategories
    }
}

/// Counts for `/api/filters`: each facet over the videos matching all other active filters.
public struct ReportFacets: Sendable, Equatable {
    public var sources: [FacetCount]
    public var categories: [CategoryFacet]
    public var channels: [FacetCount]
    public var languages: [FacetCount]
    public var contentTypes: [FacetCount]
    public var complexities: [FacetCount]
    public var summaryTypes: [FacetCount]
    public var hasAudio: [(value: Bool, count: Int)]

    public init(
        sources: [FacetCount],
        categories: [CategoryFacet],
        channels: [FacetCount],
        languages: [FacetCount],
        contentTypes: [FacetCount],
        complexities: [FacetCount],
        summaryTypes: [FacetCount],
        hasAudio: [(value: Bool, count: Int)]
    ) {
        self.sources = sources
        self.categories = categories
        self.channels = channels
        self.languages = languages
        self.contentTypes = contentTypes
        self.complexities = complexities
        self.summaryTypes = summaryTypes
        self.hasAudio = hasAudio
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.sources == rhs.sources && lhs.categories == rhs.categories && lhs.channels == rhs.channels
            && lhs.languages == rhs.languages && lhs.contentTypes == rhs.contentTypes && lhs.complexities == rhs.complexities
            && lhs.summaryTypes == rhs.summaryTypes && lhs.hasAudio.map(\.value) == rhs.hasAudio.map(\.value)
            && lhs.hasAudio.map(\.count) == rhs.hasAudio.map(\.count)
    }
}
