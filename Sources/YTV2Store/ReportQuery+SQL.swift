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
