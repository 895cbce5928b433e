import Foundation
import Logging
import PostgresNIO
import YTV2Core

/// Builds the WHERE clause of a report query. Every value is a bind parameter; the SQL text holds only
/// placeholders, so hostile filter values are data.
struct ReportFilterSQL {
    private(set) var clauses: [String] = []
    private(set) var binds = PostgresBindings()

    init(_ query: ReportQuery) throws {
        if !query.sources.isEmpty { clauses.append("v.content_source = ANY(\(bind(query.sources)))") }
        var categoryTerms: [String] = []
        for category in query.categories {
            categoryTerms.append("v.categories @> \(try bindJSON([CategoryEntryFilter(category: category, subcategories: nil)]))::jsonb")
        }
        if !categoryTerms.isEmpty { clauses.append("(" + categoryTerms.joined(separator: " OR ") + ")") }
        var subTerms: [String] = []
        for filter in query.subcategories {
            let pattern = CategoryEntryFilter(category: filter.parent, subcategories: [filter.subcategory])
            subTerms.append("v.categories @> \(try bindJSON([pattern]))::jsonb")
        }
        if !subTerms.isEmpty { clauses.append("(" + subTerms.joined(separator: " OR ") + ")") }
        if !query.channels.isEmpty { clauses.append("v.channel_name = ANY(\(bind(query.channels)))") }
        if !query.languages.isEmpty { clauses.append("v.language_code = ANY(\(bind(query.languageCodes)))") }
        if !query.contentTypes.isEmpty { clauses.append("v.content_type = ANY(\(bind(query.contentTypes)))") }
        if !query.complexities.isEmpty { clauses.append("v.complexity_level = ANY(\(bind(query.complexities)))") }
        if !query.summaryTypes.isEmpty {
            clauses.append(
                "EXISTS (SELECT 1 FROM summaries s WHERE s.video_id = v.video_id AND s.is_latest AND s.variant = ANY(\(bind(query.summaryTypes.map(\.id)))))"
            )
        }
        if let hasAudio = query.hasAudio {
            clauses.append((hasAudio ? "" : "NOT ") + "EXISTS (SELECT 1 FROM audio a WHERE a.video_id = v.video_id)")
        }
        if let search = query.search, !search.isEmpty {
            // Every word of the search as a word or the start of one, from the GIN index over `search` (migration 0006).
            clauses.append("v.search @@ ytv2_search_query(\(bind(search)))")
        }
    }

    var whereClause: String { clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ") }

    /// Appends a bind and returns its placeholder.
    mutating func bind(_ value: some PostgresDynamicTypeEncodable) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    private mutating func bindJSON(_ value: some Encodable) throws -> String {
        bind(try jsonText(value))
    }

}

/// A containment pattern for `categories @> ...`: a nil field matches anything.
private struct CategoryEntryFilter: Encodable {
    let category: String?
    let subcategories: [String]?
}

/// The planner settings a query that searches runs with. PostgreSQL does not count the cost of reading each row's
/// `search` vector (kept compressed out of line, several KB at real summary sizes) when it checks a match during a
/// table scan or while walking a sort index, and it guesses how many videos a word matches (a few hundred of 100,000,
/// whatever the word). So it walks a sort index for a page of a common word although the GIN index answers the match
/// without reading a vector, and, worse, walks the whole index for a word only one video holds, expecting the next
/// match at every step: measured at 100,000 real-shaped videos, the first page of a word in one video took 826 ms
/// walking the title index and under 1 ms from the word index with a sort. A search therefore never scans the table,
/// and walks a sort index only when ``allowWalk(toMatch:of:videos:)`` finds the walk short, from the count of matches
/// the caller already has. Queries without a search are planned as usual.
package struct SearchPlan {
    /// How many times more rows the word index and a sort may read than a walk of the sort index before the walk is
    /// cheaper. Measured at 100,000 real-shaped videos for a word in 80 % of them: a walk costs about 12 µs per row it
    /// visits (each row's vector is read), the index and a sort about 1 µs per match (80 ms for 80,000).
    static let walkCostRatio = 12

    /// Whether the query searches; the other fields matter only then.
    let searches: Bool
    /// Whether index scans are on: for an ordered statement, whether it may walk a sort index, checking each row's
    /// vector (off unless allowed).
    private(set) var indexScans = false

    init(_ query: ReportQuery) {
        searches = query.searches
    }

    /// The plan of a statement without an order (a count, facet counts): no sort index can be walked, so index scans
    /// stay on for what they still serve (a filter's lookups by video id in `audio` and `summaries`); only the table
    /// scan is ruled out.
    static func unordered(_ query: ReportQuery) -> SearchPlan {
        var plan = SearchPlan(query)
        plan.indexScans = true
        return plan
    }

    /// Allows a walk of the sort index when it is cheaper than reading every match from the word index and sorting
    /// them: the walk reaches `rows` matches of `matches` among `videos` after visiting about `rows × videos /
    /// matches` rows (matches spread evenly through the sort), each costing ``walkCostRatio`` times a match read from
    /// the index.
    mutating func allowWalk(toMatch rows: Int, of matches: Int, videos: Int) {
        guard matches > 0 else { return }
        let visited = Double(rows) * Double(max(videos, matches)) / Double(matches)
        indexScans = visited * Double(Self.walkCostRatio) <= Double(matches)
    }

    /// Runs `body` with the settings in force for its transaction only (`SET LOCAL`, which a transaction pooler keeps
    /// on the one server connection), or directly when there are none.
    func run<T: Sendable>(
        on connection: PostgresConnection,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        guard searches else { return try await body(connection) }
        return try await connection.withTransaction(logger: logger) { connection in
            try await connection.query(
                "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', \(indexScans ? "on" : "off"), true)",
                logger: logger
            )
            return try await body(connection)
        }
    }
}
