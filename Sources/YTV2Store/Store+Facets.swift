import PostgresNIO
import YTV2Core

extension Store {
    /// Facet counts for `/api/filters`. Each facet is counted over the videos matching every active filter except its
    /// own, so a facet never hides its own alternatives and its counts add up with ``reports(_:)`` totals.
    public func facets(_ query: ReportQuery) async throws -> ReportFacets {
        try await read { [self] connection in
            func counts(_ facet: ReportQuery.Facet, select: String, from: String = "videos v", extraWhere: String? = nil)
                async throws -> [FacetCount]
            {
                let filter = try ReportFilterSQL(query.removing(facet))
                var clauses = filter.clauses
                if let extraWhere { clauses.append(extraWhere) }
                let whereClause = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
                let sql = "SELECT \(select) AS value, count(DISTINCT v.video_id) FROM \(from) \(whereClause) GROUP BY 1"
                var result: [FacetCount] = []
                let rows = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: filter.binds), logger: logger)
                for try await (value, count) in rows.decode((String?, Int).self) {
                    if let value, !value.isEmpty { result.append(FacetCount(value: value, count: count)) }
                }
                return Self.sortedByCount(result)
            }

            let sources = try await counts(.source, select: "v.content_source")
            let parents = try await counts(
                .category, select: "c.value->>'category'", from: "videos v CROSS JOIN LATERAL jsonb_array_elements(v.categories) c")
            let subFilter = try ReportFilterSQL(query.removing(.category))
            let subWhere = subFilter.clauses.isEmpty ? "" : "WHERE " + subFilter.clauses.joined(separator: " AND ")
            let subRows = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT c.value->>'category', s.value, count(DISTINCT v.video_id)
                        FROM videos v CROSS JOIN LATERAL jsonb_array_elements(v.categories) c
                             CROSS JOIN LATERAL jsonb_array_elements_text(coalesce(c.value->'subcategories', '[]')) s
                        \(subWhere) GROUP BY 1, 2
                        """, binds: subFilter.binds), logger: logger)
            var subcategories: [String: [FacetCount]] = [:]
            for try await (parent, sub, count) in subRows.decode((String?, String, Int).self) {
                guard let parent, !sub.isEmpty else { continue }
                subcategories[parent, default: []].append(FacetCount(value: sub, count: count))
            }
            let categories = parents.map {
                CategoryFacet(value: $0.value, count: $0.count, subcategories: Self.sortedByCount(subcategories[$0.value] ?? []))
            }
            let channels = try await counts(.channel, select: "v.channel_name")
            let languages = try await counts(.language, select: "v.language_code")
            let contentTypes = try await counts(.contentType, select: "v.content_type")
            let complexities = try await counts(.complexity, select: "v.complexity_level")
            let summaryTypes = try await counts(
                .summaryType, select: "s.variant", from: "videos v JOIN summaries s ON s.video_id = v.video_id AND s.is_latest")

            let audioFilter = try ReportFilterSQL(query.removing(.hasAudio))
            let audioRows = try await connection.query(
                PostgresQuery(
                    unsafeSQL: """
                        SELECT EXISTS (SELECT 1 FROM audio a WHERE a.video_id = v.video_id) AS has, count(*)
                        FROM videos v \(audioFilter.whereClause) GROUP BY 1 ORDER BY 2 DESC, 1 DESC
                        """, binds: audioFilter.binds), logger: logger)
            var hasAudio: [(value: Bool, count: Int)] = []
            for try await (value, count) in audioRows.decode((Bool, Int).self) { hasAudio.append((value, count)) }

            return ReportFacets(
                sources: sources, categories: categories, channels: channels, languages: languages, contentTypes: contentTypes,
                complexities: complexities, summaryTypes: summaryTypes, hasAudio: hasAudio)
        }
    }

    /// By count, then value: the order the API promises.
    static func sortedByCount(_ counts: [FacetCount]) -> [FacetCount] {
        counts.sorted { ($1.count, $0.value) < ($0.count, $1.value) }
    }
}
