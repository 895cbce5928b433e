import Foundation
import YTV2Core
import YTV2Store

/// Every video's facet values by its number (`video_search.number`, the numbers match sets are read as), so that the
/// facets of `/api/filters` (with a search, filters, or neither) are counted in one pass over the videos, without a
/// statement. Counted exactly as ``ReportReader/facets(_:)`` counts them: each facet over the videos matching every
/// active filter but its own, null and empty values left out, the same order.
///
/// Values are interned: a video holds small indexes into each facet's table of distinct values, and a categorization
/// or a set of summary variants (which many videos share) is parsed once.
struct VideoFacetTable: Sendable {
    /// The distinct values of one column; index 0 stands for no value (SQL null). Keyed by the bytes of the value, as
    /// PostgreSQL compares them (Swift's `==` would merge canonically equivalent texts the database keeps apart).
    struct Values: Sendable {
        private(set) var strings: [String?] = [nil]
        private var indexes: [ExactText: Int32] = [:]

        mutating func intern(_ value: String?) -> Int32 {
            guard let value else { return 0 }
            if let index = indexes[ExactText(value)] { return index }
            strings.append(value)
            let index = Int32(strings.count - 1)
            indexes[ExactText(value)] = index
            return index
        }

        /// For a filter: whether each value is one of `wanted` (nil: the filter is off).
        func allowed(_ wanted: [String]) -> [Bool]? {
            guard !wanted.isEmpty else { return nil }
            let set = Set(wanted.map(ExactText.init))
            return strings.map { $0.map { set.contains(ExactText($0)) } ?? false }
        }
    }

    /// One distinct categorization (`videos.categories`), as the facet statements expand it: each entry's parent
    /// (`->>'category'`, nil when the entry has none) and each of its subcategories.
    struct CategoryEntries: Sendable {
        var entries: [(parent: String?, subcategories: [String])] = []

        init(json: String) {
            guard let array = try? JSONSerialization.jsonObject(with: Data(json.utf8)) as? [Any] else { return }
            for element in array {
                guard let object = element as? [String: Any] else {
                    entries.append((nil, []))
                    continue
                }
                let subcategories = (object["subcategories"] as? [Any] ?? []).compactMap(Self.text)
                entries.append((object["category"].flatMap(Self.text), subcategories))
            }
        }

        /// A JSON value as `->>` gives it: a string's text, a number's or a boolean's spelling, nil for null.
        private static func text(_ value: Any) -> String? {
            if let string = value as? String { return string }
            if value is NSNull { return nil }
            if let number = value as? NSNumber { return number.stringValue }
            return nil
        }

        /// `categories @> [{"category": c}]` for any of `parents`.
        func hasParent(in parents: Set<ExactText>) -> Bool {
            entries.contains { $0.parent.map { parents.contains(ExactText($0)) } ?? false }
        }

        /// `categories @> [{"category": parent, "subcategories": [sub]}]` (no parent: any entry) for any of `filters`.
        func hasSubcategory(in filters: [SubcategoryFilter]) -> Bool {
            filters.contains { filter in
                entries.contains { entry in
                    let parentMatches = filter.parent.map { parent in entry.parent.map { ExactText($0) == ExactText(parent) } ?? false }
                    return (parentMatches ?? true) && entry.subcategories.contains { ExactText($0) == ExactText(filter.subcategory) }
                }
            }
        }
    }

    /// One video's values, as indexes into the tables below.
    struct Entry: Sendable {
        var source: Int32
        var channel: Int32
        var language: Int32
        var contentType: Int32
        var complexity: Int32
        var categories: Int32
        var summaryTypes: Int32
        var hasAudio: Bool
    }

    /// By number; nil for a number no stored video has.
    private(set) var entries: [Entry?] = []
    /// Each video's id by its number. An id is looked up only for a change: a pass over the ids (a fraction of a
    /// millisecond at 100,000 videos) costs less than a hash table of them takes in memory (some 5 MB).
    private var ids: [String?] = []
    private var sources = Values()
    private var channels = Values()
    private var languages = Values()
    private var contentTypes = Values()
    private var complexities = Values()
    private var categoryTexts = Values()
    private var categoryEntries: [CategoryEntries] = [CategoryEntries(json: "[]")]
    private var summaryTypeTexts = Values()
    private var summaryTypeSets: [[String]] = [[]]

    /// How many videos it holds.
    private(set) var count = 0

    /// The number of the video `id`, when it holds it.
    func number(of id: String) -> Int32? { ids.firstIndex { $0 == id }.map { Int32($0) } }

    /// Whether it holds the video numbered `number`.
    func holds(number: Int32) -> Bool { number >= 0 && Int(number) < entries.count && entries[Int(number)] != nil }

    /// Whether the video numbered `number` (which it holds) passes every filter of `filters`.
    func passes(number: Int32, _ filters: Filters) -> Bool {
        entries[Int(number)].map { filters.failing($0) == 0 } ?? false
    }

    /// An estimate of what it takes in memory, from the layout of what it holds: an entry and an id (kept inline: 11
    /// characters) per number, and some 64 bytes per distinct value.
    var bytes: Int {
        let distinct =
            sources.strings.count + channels.strings.count + languages.strings.count + contentTypes.strings.count
            + complexities.strings.count + categoryTexts.strings.count + summaryTypeTexts.strings.count
        return entries.capacity * MemoryLayout<Entry?>.stride + ids.capacity * MemoryLayout<String?>.stride + distinct * 64
    }

    init() {}

    /// The rows read again for `ids` after a change: each replaces its video's values; an id without a row (deleted)
    /// is removed. Returns the numbers the ids held before.
    @discardableResult
    mutating func replace(ids changed: [String], with rows: [VideoIndexRow]) -> [Int32] {
        let old = changed.compactMap(number(of:))
        for number in old {
            entries[Int(number)] = nil
            ids[Int(number)] = nil
            count -= 1
        }
        for row in rows { store(row) }
        return old
    }

    private mutating func store(_ row: VideoIndexRow) {
        guard row.number >= 0 else { return }
        let categories = categoryTexts.intern(row.categories)
        if Int(categories) >= categoryEntries.count { categoryEntries.append(CategoryEntries(json: row.categories)) }
        let summaryTypes = summaryTypeTexts.intern(row.summaryTypes)
        if Int(summaryTypes) >= summaryTypeSets.count {
            summaryTypeSets.append(row.summaryTypes.split(separator: "\u{1F}").map(String.init))
        }
        let entry = Entry(
            source: sources.intern(row.source),
            channel: channels.intern(row.channel),
            language: languages.intern(row.language),
            contentType: contentTypes.intern(row.contentType),
            complexity: complexities.intern(row.complexity),
            categories: categories,
            summaryTypes: summaryTypes,
            hasAudio: row.hasAudio
        )
        let position = Int(row.number)
        if position >= entries.count {
            entries.reserveGrowingByAnEighth(position + 1 - entries.count)
            ids.reserveGrowingByAnEighth(position + 1 - ids.count)
            entries.append(contentsOf: repeatElement(nil, count: position + 1 - entries.count))
            ids.append(contentsOf: repeatElement(nil, count: position + 1 - ids.count))
        }
        if ids[position] == nil { count += 1 }
        ids[position] = row.videoID
        entries[position] = entry
    }

    /// The facets of `query` over the videos numbered `matches` (its search's matches; nil: every video). Nil when a
    /// match is a video this table does not hold yet (stored after it was read, its change not heard yet): the caller
    /// asks the database.
    func facets(_ query: ReportQuery, matches: MatchBits?) -> ReportFacets? {
        let filters = Filters(query, table: self)
        var counts = Counts(table: self)
        if let matches {
            for number in matches {
                guard number >= 0, Int(number) < entries.count, let entry = entries[Int(number)] else { return nil }
                counts.add(entry, failing: filters.failing(entry))
            }
        } else {
            for case let entry? in entries { counts.add(entry, failing: filters.failing(entry)) }
        }
        return counts.facets(table: self)
    }

    /// A query's filters evaluated once per distinct value.
    struct Filters {
        let sources: [Bool]?
        let categories: [Bool]?
        let channels: [Bool]?
        let languages: [Bool]?
        let contentTypes: [Bool]?
        let complexities: [Bool]?
        let summaryTypes: [Bool]?
        let hasAudio: Bool?

        init(_ query: ReportQuery, table: VideoFacetTable) {
            sources = table.sources.allowed(query.sources)
            if query.categories.isEmpty && query.subcategories.isEmpty {
                categories = nil
            } else {
                // Both clauses belong to the category facet (``ReportQuery/removing(_:)``); each that is on must hold.
                let parents = Set(query.categories.map(ExactText.init))
                categories = table.categoryEntries.map { entries in
                    (query.categories.isEmpty || entries.hasParent(in: parents))
                        && (query.subcategories.isEmpty || entries.hasSubcategory(in: query.subcategories))
                }
            }
            channels = table.channels.allowed(query.channels)
            languages = table.languages.allowed(query.languageCodes)
            contentTypes = table.contentTypes.allowed(query.contentTypes)
            complexities = table.complexities.allowed(query.complexities)
            if query.summaryTypes.isEmpty {
                summaryTypes = nil
            } else {
                let wanted = Set(query.summaryTypes.map { ExactText($0.id) })
                summaryTypes = table.summaryTypeSets.map { $0.contains { wanted.contains(ExactText($0)) } }
            }
            hasAudio = query.hasAudio
        }

        /// Whether no filter is on: every video passes.
        var passAll: Bool {
            sources == nil && categories == nil && channels == nil && languages == nil && contentTypes == nil
                && complexities == nil && summaryTypes == nil && hasAudio == nil
        }

        /// The filters `entry` fails, a bit per ``ReportQuery/Facet``: a video failing none counts in every facet, one
        /// failing exactly one counts only in that filter's facet (a facet is counted without its own filter), any
        /// other in none.
        func failing(_ entry: Entry) -> UInt8 {
            var failing: UInt8 = 0
            func check(_ allowed: [Bool]?, _ index: Int32, _ facet: ReportQuery.Facet) {
                if let allowed, !allowed[Int(index)] { failing |= 1 << facet.rawValue }
            }
            check(sources, entry.source, .source)
            check(categories, entry.categories, .category)
            check(channels, entry.channel, .channel)
            check(languages, entry.language, .language)
            check(contentTypes, entry.contentType, .contentType)
            check(complexities, entry.complexity, .complexity)
            check(summaryTypes, entry.summaryTypes, .summaryType)
            if let hasAudio, entry.hasAudio != hasAudio { failing |= 1 << ReportQuery.Facet.hasAudio.rawValue }
            return failing
        }
    }

    /// Counts per distinct value, per facet.
    private struct Counts {
        var sources: [Int]
        var categories: [Int]
        var channels: [Int]
        var languages: [Int]
        var contentTypes: [Int]
        var complexities: [Int]
        var summaryTypes: [Int]
        var withAudio = 0
        var withoutAudio = 0

        init(table: VideoFacetTable) {
            sources = Array(repeating: 0, count: table.sources.strings.count)
            categories = Array(repeating: 0, count: table.categoryEntries.count)
            channels = Array(repeating: 0, count: table.channels.strings.count)
            languages = Array(repeating: 0, count: table.languages.strings.count)
            contentTypes = Array(repeating: 0, count: table.contentTypes.strings.count)
            complexities = Array(repeating: 0, count: table.complexities.strings.count)
            summaryTypes = Array(repeating: 0, count: table.summaryTypeSets.count)
        }

        mutating func add(_ entry: Entry, failing: UInt8) {
            guard failing & (failing &- 1) == 0 else { return }  // more than one filter failed
            func counts(_ facet: ReportQuery.Facet) -> Bool { failing == 0 || failing == 1 << facet.rawValue }
            if counts(.source) { sources[Int(entry.source)] += 1 }
            if counts(.category) { categories[Int(entry.categories)] += 1 }
            if counts(.channel) { channels[Int(entry.channel)] += 1 }
            if counts(.language) { languages[Int(entry.language)] += 1 }
            if counts(.contentType) { contentTypes[Int(entry.contentType)] += 1 }
            if counts(.complexity) { complexities[Int(entry.complexity)] += 1 }
            if counts(.summaryType) { summaryTypes[Int(entry.summaryTypes)] += 1 }
            if counts(.hasAudio) {
                if entry.hasAudio { withAudio += 1 } else { withoutAudio += 1 }
            }
        }

        func facets(table: VideoFacetTable) -> ReportFacets {
            /// The counts of one column's values, null and empty values left out, as the statements leave them out.
            func column(_ values: Values, _ counts: [Int]) -> [FacetCount] {
                var result: [FacetCount] = []
                for (index, count) in counts.enumerated() where count > 0 {
                    if let value = values.strings[index], !value.isEmpty { result.append(FacetCount(value: value, count: count)) }
                }
                return FacetCount.sortedByCount(result)
            }
            // Categories and summary types count per element of each video's list (each distinct list counted once,
            // then spread over its elements), as the statements count the rows of their expansion.
            var parents: [String: Int] = [:]
            var subcategories: [String: [String: Int]] = [:]
            for (index, count) in categories.enumerated() where count > 0 {
                for entry in table.categoryEntries[index].entries {
                    if let parent = entry.parent {
                        if !parent.isEmpty { parents[parent, default: 0] += count }
                        for sub in entry.subcategories where !sub.isEmpty { subcategories[parent, default: [:]][sub, default: 0] += count }
                    }
                }
            }
            var variants: [String: Int] = [:]
            for (index, count) in summaryTypes.enumerated() where count > 0 {
                for variant in table.summaryTypeSets[index] where !variant.isEmpty { variants[variant, default: 0] += count }
            }
            func sorted(_ counts: [String: Int]) -> [FacetCount] {
                FacetCount.sortedByCount(counts.map { FacetCount(value: $0.key, count: $0.value) })
            }
            var hasAudio: [(value: Bool, count: Int)] = []
            if withAudio > 0 { hasAudio.append((true, withAudio)) }
            if withoutAudio > 0 { hasAudio.append((false, withoutAudio)) }
            // As `ORDER BY count DESC, value DESC`.
            hasAudio.sort { ($0.count, $0.value ? 1 : 0) > ($1.count, $1.value ? 1 : 0) }
            return ReportFacets(
                sources: column(table.sources, sources),
                categories: sorted(parents).map {
                    CategoryFacet(value: $0.value, count: $0.count, subcategories: sorted(subcategories[$0.value] ?? [:]))
                },
                channels: column(table.channels, channels),
                languages: column(table.languages, languages),
                contentTypes: column(table.contentTypes, contentTypes),
                complexities: column(table.complexities, complexities),
                summaryTypes: sorted(variants),
                hasAudio: hasAudio
            )
        }
    }
}

extension VideoFacetTable: VideoIndexSink {
    mutating func reserve(numbers: Int, titleBytes: Int) {
        entries.reserveCapacity(numbers)
        ids.reserveCapacity(numbers)
    }

    /// A video's values as the whole table is read (``ReportReader/indexRows(into:)``).
    mutating func add(_ row: VideoIndexRow) { store(row) }
}

/// A text compared and hashed by its UTF-8 bytes, as PostgreSQL compares texts for equality.
struct ExactText: Hashable, Sendable {
    let text: String

    init(_ text: String) { self.text = text }

    static func == (lhs: ExactText, rhs: ExactText) -> Bool { lhs.text.utf8.elementsEqual(rhs.text.utf8) }

    func hash(into hasher: inout Hasher) {
        for byte in text.utf8 { hasher.combine(byte) }
    }
}
