import Foundation
import YTV2Core

/// A video as the dashboard reads it: its row, its categorization, its audio facts and its latest summaries.
package struct ReportRecord: Sendable, Equatable {
    package var videoID: VideoID
    package var contentSource: String
    package var title: String
    package var channelName: String?
    package var channelID: String?
    package var thumbnailURL: String?
    package var publishedAt: Date?
    package var indexedAt: Date
    package var durationSeconds: Int?
    package var wordCount: Int?
    package var viewCount: Int?
    package var hasTranscript: Bool
    package var transcriptChars: Int?
    package var contentType: String?
    package var complexityLevel: String?
    package var language: String?
    package var keyTopics: [String]
    package var namedEntities: [String]
    package var categorization: Categorization?
    package var audio: AudioInfo?
    /// The latest revision of each variant, in ``SummaryVariant/preferenceOrder`` (unknown variants last, by id).
    package var summaries: [StoredSummary]
    package var updatedAt: Date
    /// The video's, its summaries' and its narration's languages as a report named them (nil where none did).
    package var originalLanguage: String? = nil
    package var summaryLanguage: String? = nil
    package var audioLanguage: String? = nil
    /// Analysis fields without a column of their own, as a JSON object's text (`{}` when there are none).
    package var analysisExtra: String = "{}"
    /// Whether ``summaries`` hold whole texts or, as list reads fetch them, each text's first characters only.
    package var summaryTexts: SummaryTexts = .whole

    /// How much of each summary a read fetched.
    package enum SummaryTexts: Sendable, Equatable {
        /// Every text whole, with its stored HTML.
        case whole
        /// Each text's first ``SummaryPreview/sourcePrefixLength`` characters (Unicode scalars), no HTML: enough for
        /// a list item's preview.
        case prefix
    }

    package var hasAudio: Bool { audio != nil }

    /// The first present of the preferred variants, then any.
    package var preferredSummary: StoredSummary? { summaries.first }
}

extension ReportRecord {
    /// A record from a video's metadata as another source holds it (the legacy copy the shadow reads compare with);
    /// a missing title reads as empty, missing flags as false, missing lists as empty.
    package init(
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
    package var renderedHTML: String { html ?? SummaryHTML.render(text) }
}

/// Facts about stored audio, without its bytes.
package struct AudioInfo: Sendable, Equatable {
    package var sizeBytes: Int
    package var sha256: String
    package var durationSeconds: Double?
    package var mime: String

    package init(sizeBytes: Int, sha256: String, durationSeconds: Double?, mime: String) {
        self.sizeBytes = sizeBytes
        self.sha256 = sha256
        self.durationSeconds = durationSeconds
        self.mime = mime
    }
}

/// One stored summary revision.
package struct StoredSummary: Sendable, Equatable {
    package var variant: SummaryVariant
    package var revision: Int
    package var isLatest: Bool
    package var text: String
    package var html: String?
    package var headline: String?
    package var language: String?
    package var proficiency: ProficiencyLevel?
    package var generatedAt: Date?
    package var createdAt: Date
    /// Whether the summary came as the processor or an ingest client named it (not from the legacy import): its name,
    /// as the legacy stored and returned it, then carries its level (`audio-fr:beginner`).
    package var namedWithLevel: Bool

    package init(
        variant: SummaryVariant,
        revision: Int,
        isLatest: Bool,
        text: String,
        html: String? = nil,
        headline: String? = nil,
        language: String? = nil,
        proficiency: ProficiencyLevel? = nil,
        generatedAt: Date? = nil,
        createdAt: Date,
        namedWithLevel: Bool = false
    ) {
        self.namedWithLevel = namedWithLevel
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

/// Where a page sits among all the matches of a query: what `/api/reports` reports as its pagination.
package struct Pagination: Sendable, Equatable {
    package var total: Int
    package var page: Int
    package var size: Int

    package init(total: Int, page: Int, size: Int) {
        self.total = total
        self.page = page
        self.size = size
    }

    package var pages: Int { total == 0 ? 0 : (total + size - 1) / size }
    /// How many matches come before the page's first.
    package var offset: Int { (page - 1) * size }
    package var hasNext: Bool { page < pages }
    package var hasPrevious: Bool { page > 1 }

    /// How the page is read from all the matches in order: a page in the second half from the last match backward
    /// (then reversed), so that no page passes more than half of the matches to reach its first.
    package var window: PageWindow {
        let length = max(0, min(size, total - offset))
        let fromEnd = offset > total / 2
        return PageWindow(fromEnd: fromEnd, skipped: fromEnd ? total - offset - length : offset, length: length)
    }
}

/// A page's rows as a read in one direction meets them: ``Pagination/window``.
package struct PageWindow: Sendable, Equatable {
    /// Whether the read goes from the last match backward.
    package let fromEnd: Bool
    /// How many matches the read passes before the page's first (in its direction).
    package let skipped: Int
    /// How many matches the page holds: 0 for a page past the end.
    package let length: Int
    /// How many matches the read reaches, the page's included.
    package var reach: Int { skipped + length }
}

/// One page of reports and where it sits among all pages.
package struct ReportPage: Sendable, Equatable {
    package var reports: [ReportRecord]
    package var pagination: Pagination

    package init(reports: [ReportRecord], pagination: Pagination) {
        self.reports = reports
        self.pagination = pagination
    }
}

/// Which videos one page of a query shows, in order, and where the page sits among all pages.
package struct ReportPageIDs: Sendable, Equatable {
    package var ids: [String]
    package var pagination: Pagination

    package init(ids: [String], pagination: Pagination) {
        self.ids = ids
        self.pagination = pagination
    }
}

/// Every video a filter set and search match, in one sort's order. A page of it is a slice, where the database would
/// walk past every row before the page's first (`OFFSET`): the dashboard keeps orders between changes.
package struct ReportOrder: Sendable, Equatable {
    package let ids: [String]
    /// About what the ids take in memory: a string's 16 bytes, and its own allocation when it is too long to be kept
    /// inline (a video id is not).
    package let bytes: Int

    package init(ids: [String]) {
        self.ids = ids
        bytes = ids.reduce(64) { $0 + 16 + ($1.utf8.count > 15 ? 32 + $1.utf8.count : 0) }
    }

    /// The ids of the page `query` asks for (its filters, search and sort are the ones this order was read for).
    package func page(_ query: ReportQuery) -> ReportPageIDs {
        let pagination = query.pagination(total: ids.count)
        let start = pagination.offset
        guard start < ids.count else { return ReportPageIDs(ids: [], pagination: pagination) }
        return ReportPageIDs(ids: Array(ids[start..<min(ids.count, start + pagination.size)]), pagination: pagination)
    }
}

/// A facet value and how many videos have it.
package struct FacetCount: Sendable, Equatable {
    package var value: String
    package var count: Int

    package init(value: String, count: Int) {
        self.value = value
        self.count = count
    }

    /// By count, then value: the order the API promises.
    package static func sortedByCount(_ counts: [FacetCount]) -> [FacetCount] {
        counts.sorted { ($1.count, $0.value) < ($0.count, $1.value) }
    }
}

/// A parent category's count and its subcategories' counts.
package struct CategoryFacet: Sendable, Equatable {
    package var value: String
    package var count: Int
    package var subcategories: [FacetCount]

    package init(value: String, count: Int, subcategories: [FacetCount]) {
        self.value = value
        self.count = count
        self.subcategories = subcategories
    }
}

/// Counts for `/api/filters`: each facet over the videos matching all other active filters.
package struct ReportFacets: Sendable, Equatable {
    package var sources: [FacetCount]
    package var categories: [CategoryFacet]
    package var channels: [FacetCount]
    package var languages: [FacetCount]
    package var contentTypes: [FacetCount]
    package var complexities: [FacetCount]
    package var summaryTypes: [FacetCount]
    package var hasAudio: [(value: Bool, count: Int)]

    package init(
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

    package static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.sources == rhs.sources && lhs.categories == rhs.categories && lhs.channels == rhs.channels
            && lhs.languages == rhs.languages && lhs.contentTypes == rhs.contentTypes && lhs.complexities == rhs.complexities
            && lhs.summaryTypes == rhs.summaryTypes && lhs.hasAudio.map(\.value) == rhs.hasAudio.map(\.value)
            && lhs.hasAudio.map(\.count) == rhs.hasAudio.map(\.count)
    }
}
