import Foundation
import YTV2Core
import YTV2Store

/// Lists, filters, search and facet counts over the legacy copy, evaluated in memory over every video of the file as
/// the legacy dashboard did. This is deliberately a second implementation of ``ReportQuery``'s meaning, independent of
/// the SQL the store runs: the shadow reads compare the two, so a difference in either shows up as a mismatch.
extension LegacyControlReader {
    /// One page of `/api/reports` from the legacy copy.
    package func reports(_ query: ReportQuery) throws -> ReportPage {
        let page = max(1, query.page)
        let size = min(max(1, query.size), ReportQuery.maximumPageSize)
        let matching = try allReports().filter { Self.matches($0, query) }.sorted(by: Self.ordering(query.sort))
        let start = min((page - 1) * size, matching.count)
        return ReportPage(
            reports: Array(matching[start..<min(start + size, matching.count)]),
            pagination: Pagination(total: matching.count, page: page, size: size)
        )
    }

    /// `/api/filters` from the legacy copy: each facet counted over the videos matching every other active filter.
    package func facets(_ query: ReportQuery) throws -> ReportFacets {
        let all = try allReports()
        func counting(_ facet: ReportQuery.Facet, _ values: (ReportRecord) -> [String?]) -> [FacetCount] {
            let without = query.removing(facet)
            var counts: [String: Int] = [:]
            for record in all where Self.matches(record, without) {
                // A video counts once per value, whatever its rows repeat.
                for value in Set(values(record).compactMap { $0 }) where !value.isEmpty { counts[value, default: 0] += 1 }
            }
            return FacetCount.sortedByCount(counts.map { FacetCount(value: $0.key, count: $0.value) })
        }
        let parents = counting(.category) { ($0.categorization?.entries ?? []).map(\.category) }
        var subcategories: [String: [String: Int]] = [:]
        for record in all where Self.matches(record, query.removing(.category)) {
            for entry in record.categorization?.entries ?? [] {
                for sub in Set(entry.subcategories) where !sub.isEmpty { subcategories[entry.category, default: [:]][sub, default: 0] += 1 }
            }
        }
        let categories = parents.map { parent in
            CategoryFacet(
                value: parent.value,
                count: parent.count,
                subcategories: FacetCount.sortedByCount((subcategories[parent.value] ?? [:]).map { FacetCount(value: $0.key, count: $0.value) })
            )
        }
        var audio: [Bool: Int] = [:]
        for record in all where Self.matches(record, query.removing(.hasAudio)) { audio[record.hasAudio, default: 0] += 1 }
        return ReportFacets(
            sources: counting(.source) { [$0.contentSource] },
            categories: categories,
            channels: counting(.channel) { [$0.channelName] },
            languages: counting(.language) { [Self.languageCode($0.language)] },
            contentTypes: counting(.contentType) { [$0.contentType] },
            complexities: counting(.complexity) { [$0.complexityLevel] },
            summaryTypes: counting(.summaryType) { $0.summaries.map(\.variant.id) },
            // By count, then `true` first: the order of the API.
            hasAudio: audio.sorted { ($0.value, $0.key ? 1 : 0) > ($1.value, $1.key ? 1 : 0) }.map { (value: $0.key, count: $0.value) }
        )
    }

    /// Whether `record` passes every filter and the search of `query`: values of one field OR-ed, fields AND-ed.
    static func matches(_ record: ReportRecord, _ query: ReportQuery) -> Bool {
        let entries = record.categorization?.entries ?? []
        if !query.sources.isEmpty, !query.sources.contains(record.contentSource) { return false }
        if !query.categories.isEmpty, !entries.contains(where: { query.categories.contains($0.category) }) { return false }
        if !query.subcategories.isEmpty {
            let found = query.subcategories.contains { filter in
                entries.contains { ($0.category == filter.parent || filter.parent == nil) && $0.subcategories.contains(filter.subcategory) }
            }
            if !found { return false }
        }
        if !query.channels.isEmpty, !query.channels.contains(where: { $0 == record.channelName }) { return false }
        if !query.languages.isEmpty {
            guard let code = languageCode(record.language), query.languages.contains(where: { queriedLanguage($0) == code }) else { return false }
        }
        if !query.contentTypes.isEmpty, !query.contentTypes.contains(where: { $0 == record.contentType }) { return false }
        if !query.complexities.isEmpty, !query.complexities.contains(where: { $0 == record.complexityLevel }) { return false }
        if !query.summaryTypes.isEmpty, !record.summaries.contains(where: { query.summaryTypes.contains($0.variant) }) { return false }
        if let hasAudio = query.hasAudio, record.hasAudio != hasAudio { return false }
        if let search = query.search, !search.isEmpty {
            let documents = [record.title, record.channelName ?? ""] + record.summaries.map(\.text)
            if !SearchWords.matches(search, in: documents) { return false }
        }
        return true
    }

    /// A `language` filter value as the API reads it: `en-US`, `en_us` and `EN` all mean `en`.
    static func queriedLanguage(_ value: String) -> String {
        String(value.lowercased().replacingOccurrences(of: "_", with: "-").split(separator: "-").first ?? "")
    }

    /// A video's language code: what precedes the first `-` or `_`, lower-cased; nil when nothing does.
    static func languageCode(_ language: String?) -> String? {
        guard let language else { return nil }
        let code = String(language.replacingOccurrences(of: "_", with: "-").split(separator: "-", omittingEmptySubsequences: false).first ?? "")
            .lowercased()
        return code.isEmpty ? nil : code
    }

    /// The order of `sort`, ties broken by video id; missing dates and durations last in both directions.
    static func ordering(_ sort: ReportSort) -> (ReportRecord, ReportRecord) -> Bool {
        func byID(_ a: ReportRecord, _ b: ReportRecord, ascending: Bool) -> Bool {
            ascending ? codePointsPrecede(a.videoID.rawValue, b.videoID.rawValue) : codePointsPrecede(b.videoID.rawValue, a.videoID.rawValue)
        }
        func nullsLast<T: Comparable>(_ a: T?, _ b: T?, ascending: Bool, tie: () -> Bool) -> Bool {
            switch (a, b) {
            case (nil, nil): return tie()
            case (nil, _): return false
            case (_, nil): return true
            case (let x?, let y?): return x == y ? tie() : (ascending ? x < y : x > y)
            }
        }
        switch sort {
        case .addedDesc, .addedAsc:
            let ascending = sort == .addedAsc
            return { a, b in
                a.indexedAt == b.indexedAt ? byID(a, b, ascending: ascending) : (ascending ? a.indexedAt < b.indexedAt : a.indexedAt > b.indexedAt)
            }
        case .newest, .oldest:
            let ascending = sort == .oldest
            return { a, b in nullsLast(a.publishedAt, b.publishedAt, ascending: ascending) { byID(a, b, ascending: ascending) } }
        case .titleAZ, .titleZA:
            let ascending = sort == .titleAZ
            return { a, b in
                let (x, y) = (ReportSort.titleSortKey(a.title), ReportSort.titleSortKey(b.title))
                if x == y { return byID(a, b, ascending: ascending) }
                return ascending ? codePointsPrecede(x, y) : codePointsPrecede(y, x)
            }
        case .durationDesc, .durationAsc:
            let ascending = sort == .durationAsc
            return { a, b in nullsLast(a.durationSeconds, b.durationSeconds, ascending: ascending) { byID(a, b, ascending: ascending) } }
        }
    }

    /// Text order by code point, as PostgreSQL compares text under the C.UTF-8 collation the store's cluster uses.
    static func codePointsPrecede(_ a: String, _ b: String) -> Bool {
        a.unicodeScalars.lexicographicallyPrecedes(b.unicodeScalars)
    }
}
