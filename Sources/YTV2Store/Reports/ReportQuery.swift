import Foundation
import YTV2Core

/// The order of a report list. Every value is a real ordering; ties break by `video_id` so paging is stable.
/// Titles compare by their first ``titleSortLength`` characters, lower-cased (the indexed `title_sort` column).
package enum ReportSort: String, Sendable, CaseIterable {
    case addedDesc = "added_desc"
    case addedAsc = "added_asc"
    case newest
    case oldest
    case titleAZ = "title_az"
    case titleZA = "title_za"
    case durationDesc = "duration_desc"
    case durationAsc = "duration_asc"

    /// Accepts the API's values, including the legacy spellings `video_newest` and `video_oldest`.
    package init?(apiValue: String) {
        switch apiValue {
        case "video_newest": self = .newest
        case "video_oldest": self = .oldest
        default: self.init(rawValue: apiValue)
        }
    }

    package static var apiValues: [String] { allCases.map(\.rawValue) + ["video_newest", "video_oldest"] }

    /// How many characters of a title the title sorts compare (`title_sort` in migration 0004).
    package static let titleSortLength = 200

    /// The key the title sorts compare, as `title_sort` computes it: `left(lower(title), 200)`.
    package static func titleSortKey(_ title: String) -> String {
        String(String.UnicodeScalarView(title.lowercased().unicodeScalars.prefix(titleSortLength)))
    }

    var orderBy: String {
        switch self {
        case .addedDesc: "v.indexed_at DESC, v.video_id DESC"
        case .addedAsc: "v.indexed_at ASC, v.video_id ASC"
        case .newest: "v.published_at DESC NULLS LAST, v.video_id DESC"
        case .oldest: "v.published_at ASC NULLS LAST, v.video_id ASC"
        case .titleAZ: "v.title_sort ASC, v.video_id ASC"
        case .titleZA: "v.title_sort DESC, v.video_id DESC"
        case .durationDesc: "v.duration_seconds DESC NULLS LAST, v.video_id DESC"
        case .durationAsc: "v.duration_seconds ASC NULLS LAST, v.video_id ASC"
        }
    }

    /// The exact reverse of ``orderBy`` (every direction and NULLS placement flipped): the same index scanned backward.
    var reversedOrderBy: String {
        switch self {
        case .addedDesc: ReportSort.addedAsc.orderBy
        case .addedAsc: ReportSort.addedDesc.orderBy
        case .newest: "v.published_at ASC NULLS FIRST, v.video_id ASC"
        case .oldest: "v.published_at DESC NULLS FIRST, v.video_id DESC"
        case .titleAZ: ReportSort.titleZA.orderBy
        case .titleZA: ReportSort.titleAZ.orderBy
        case .durationDesc: "v.duration_seconds ASC NULLS FIRST, v.video_id ASC"
        case .durationAsc: "v.duration_seconds DESC NULLS FIRST, v.video_id DESC"
        }
    }
}

/// A subcategory filter, optionally bound to its parent (`subcategory` + `parentCategory` by position).
package struct SubcategoryFilter: Sendable, Hashable {
    package var subcategory: String
    package var parent: String?

    package init(subcategory: String, parent: String? = nil) {
        self.subcategory = subcategory
        self.parent = parent
    }
}

/// Filters, search, sort and paging of `/api/reports`. Within one field values are OR-ed; across fields AND-ed.
package struct ReportQuery: Sendable, Equatable {
    package var sources: [String] = []
    package var categories: [String] = []
    package var subcategories: [SubcategoryFilter] = []
    package var channels: [String] = []
    /// Two-letter codes; `en-US` is matched as `en`.
    package var languages: [String] = []
    /// The language filter as `videos.language_code` holds languages: the part before `-` or `_`, lower-cased.
    package var languageCodes: [String] {
        languages.map { String($0.lowercased().replacingOccurrences(of: "_", with: "-").split(separator: "-").first ?? "") }
    }
    package var contentTypes: [String] = []
    package var complexities: [String] = []
    package var summaryTypes: [SummaryVariant] = []
    package var hasAudio: Bool?
    /// Words to find in the title, channel and latest summaries: a video matches when it holds every word of the
    /// search as a word or the start of one, case-insensitively (`war` finds "War" and "warfare", not "software").
    /// Punctuation separates words; a search without any word finds nothing.
    package var search: String?
    package var sort: ReportSort = .addedDesc
    /// 1-based.
    package var page: Int = 1
    package var size: Int = 12

    package static let maximumPageSize = 50
    package static let maximumSearchLength = 200

    /// Where the page asked for sits among `total` matches: the page from 1, the size from 1 to ``maximumPageSize``.
    package func pagination(total: Int) -> Pagination {
        Pagination(total: total, page: max(1, page), size: min(max(1, size), Self.maximumPageSize))
    }

    package init() {}

    /// Whether the query has a search to apply (an empty one is none).
    package var searches: Bool { !(search?.isEmpty ?? true) }

    /// Whether the query searches and has no other filter (its sort and page aside).
    package var searchesAlone: Bool {
        guard searches else { return false }
        var bare = ReportQuery()
        bare.search = search
        bare.sort = sort
        bare.page = page
        bare.size = size
        return bare == self
    }

    /// The facets of `/api/filters`; each is counted without its own filter.
    /// A raw value per facet, so a set of them fits in the bits of an integer (the dashboard's facet index).
    package enum Facet: Int, CaseIterable, Sendable {
        case source, category, channel, language, contentType, complexity, summaryType, hasAudio
    }

    /// This query without the filter that `facet` counts.
    package func removing(_ facet: Facet) -> ReportQuery {
        var copy = self
        switch facet {
        case .source: copy.sources = []
        case .category:
            copy.categories = []
            copy.subcategories = []
        case .channel: copy.channels = []
        case .language: copy.languages = []
        case .contentType: copy.contentTypes = []
        case .complexity: copy.complexities = []
        case .summaryType: copy.summaryTypes = []
        case .hasAudio: copy.hasAudio = nil
        }
        return copy
    }
}
