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
        if !query.languages.isEmpty {
            let codes = query.languages.map { language in
                String(language.lowercased().replacingOccurrences(of: "_", with: "-").split(separator: "-").first ?? "")
            }
            clauses.append("v.language_code = ANY(\(bind(codes)))")
        }
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
/// table scan or while walking a sort index, so for common words it picks those plans although the GIN index answers
/// the match without reading a vector: measured at 10,000 real-shaped videos, a count for a word in 80% of them took
/// 53 ms as a table scan and 5 ms from the index, a page at offset 3,000 took 27 ms walking the sort index and 8 ms
/// from the index with a sort. So a search never scans the table, and a page whose sort-index walk would pass more
/// than ``walkLimit`` matches takes its rows from the index and sorts them. Queries without a search are planned as
/// usual.
struct SearchPlan {
    /// How many matches a page may walk past in sort order before the index and a sort are cheaper.
    static let walkLimit = 300

    /// Whether the plan may walk a sort index (checking each row's vector), or nil when the query does not search.
    let sortIndexWalk: Bool?

    /// `rowsToWalk`: how many matches the page's sort-order walk reaches (nil for a count, which never walks).
    init(_ query: ReportQuery, rowsToWalk: Int?) {
        guard let search = query.search, !search.isEmpty else {
            sortIndexWalk = nil
            return
        }
        sortIndexWalk = rowsToWalk.map { $0 <= Self.walkLimit } ?? true
    }

    /// Runs `body` with the settings in force for its transaction only (`SET LOCAL`, which a transaction pooler keeps
    /// on the one server connection), or directly when there are none.
    func run<T: Sendable>(
        on connection: PostgresConnection,
        logger: Logger,
        _ body: (PostgresConnection) async throws -> T
    ) async throws -> T {
        guard let sortIndexWalk else { return try await body(connection) }
        return try await connection.withTransaction(logger: logger) { connection in
            try await connection.query(
                "SELECT set_config('enable_seqscan', 'off', true), set_config('enable_indexscan', \(sortIndexWalk ? "on" : "off"), true)",
                logger: logger
            )
            return try await body(connection)
        }
    }
}
