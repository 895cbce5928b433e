import PostgresNIO
import YTV2Core

extension ReportReader {
    /// Facet counts for `/api/filters`. Each facet is counted over the videos matching every active filter except its
    /// own, so a facet never hides its own alternatives and its counts add up with ``reports(_:)`` totals.
    package func facets(_ query: ReportQuery) async throws -> ReportFacets {
        // A search counts from the word index, never by scanning the table and reading every video's word vector
        // (``SearchPlan``): for a common word that is a read of most of the table per facet.
        try await store.dashboardRead(SearchPlan.unordered(query)) { [self] connection in
            /// The rows of the statement `sql` makes of the WHERE clause of every filter but `facet`'s.
            func rows(without facet: ReportQuery.Facet, _ sql: (_ whereClause: String) -> String) async throws -> PostgresRowSequence {
                let filter = try ReportFilterSQL(query.removing(facet))
                return try await connection.query(PostgresQuery(unsafeSQL: sql(filter.whereClause), binds: filter.binds), logger: store.logger)
            }
            /// Each video yields at most one row of `from` per value, so count(*) is exact (and much cheaper than
            /// count(DISTINCT) at 100,000 videos).
            func counts(_ facet: ReportQuery.Facet, select: String, from: String = "videos v") async throws -> [FacetCount] {
                var result: [FacetCount] = []
                let rows = try await rows(without: facet) { "SELECT \(select) AS value, count(*) FROM \(from) \($0) GROUP BY 1" }
                for try await (value, count) in rows.decode((String?, Int).self) {
                    if let value, !value.isEmpty { result.append(FacetCount(value: value, count: count)) }
                }
                return FacetCount.sortedByCount(result)
            }

            let sources = try await counts(.source, select: "v.content_source")
            // The store keeps one entry per parent and unique subcategories per video (Categorization.normalized), so
            // plain counts are exact. Subcategories are counted per distinct categorization, then expanded: far fewer
            // jsonb expansions than one per video.
            let parents = try await counts(
                .category,
                select: "c.value->>'category'",
                from: "videos v CROSS JOIN LATERAL jsonb_array_elements(v.categories) c"
            )
            let subRows = try await rows(without: .category) {
                """
                SELECT c.value->>'category', s.value, sum(g.n)::bigint
                FROM (SELECT v.categories, count(*) AS n FROM videos v \($0) GROUP BY 1) g
                     CROSS JOIN LATERAL jsonb_array_elements(g.categories) c
                     CROSS JOIN LATERAL jsonb_array_elements_text(c.value->'subcategories') s
                GROUP BY 1, 2
                """
            }
            var subcategories: [String: [FacetCount]] = [:]
            for try await (parent, sub, count) in subRows.decode((String?, String, Int).self) {
                guard let parent, !sub.isEmpty else { continue }
                subcategories[parent, default: []].append(FacetCount(value: sub, count: count))
            }
            let categories = parents.map {
                CategoryFacet(value: $0.value, count: $0.count, subcategories: FacetCount.sortedByCount(subcategories[$0.value] ?? []))
            }
            let channels = try await counts(.channel, select: "v.channel_name")
            let languages = try await counts(.language, select: "v.language_code")
            let contentTypes = try await counts(.contentType, select: "v.content_type")
            let complexities = try await counts(.complexity, select: "v.complexity_level")
            // One latest summary per (video, variant): the join yields a video at most once per variant.
            let summaryTypes = try await counts(
                .summaryType,
                select: "s.variant",
                from: "videos v JOIN summaries s ON s.video_id = v.video_id AND s.is_latest"
            )

            let audioRows = try await rows(without: .hasAudio) {
                """
                SELECT a.video_id IS NOT NULL AS has, count(*)
                FROM videos v LEFT JOIN audio a ON a.video_id = v.video_id \($0)
                GROUP BY 1 ORDER BY 2 DESC, 1 DESC
                """
            }
            var hasAudio: [(value: Bool, count: Int)] = []
            for try await (value, count) in audioRows.decode((Bool, Int).self) { hasAudio.append((value, count)) }

            return ReportFacets(
                sources: sources,
                categories: categories,
                channels: channels,
                languages: languages,
                contentTypes: contentTypes,
                complexities: complexities,
                summaryTypes: summaryTypes,
                hasAudio: hasAudio
            )
        }
    }
}
