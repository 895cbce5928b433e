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

/// One video's values of every facet `/api/filters` counts, as ``ReportReader/facets(_:)`` reads them: what the
/// dashboard keeps per video so that it can count facets without a statement.
package struct VideoFacetRow: Sendable, Equatable {
    /// The video's number (`video_search.number`, migration 0011), what match sets refer to.
    package let number: Int32
    package let videoID: String
    package let source: String?
    package let channel: String?
    /// `language_code`, the column both the language filter and its facet use.
    package let language: String?
    package let contentType: String?
    package let complexity: String?
    /// `categories` as PostgreSQL writes the stored `jsonb` (one text per distinct categorization).
    package let categories: String
    /// The variants of its latest summaries, sorted, joined by U+001F (which no variant name holds): one text per
    /// distinct set, split once by whoever keeps it.
    package let summaryTypes: String
    package let hasAudio: Bool
}

/// What receives every video's facet values as they are read (``ReportReader/facetRows(into:)``): the dashboard's
/// facet index, filled row by row rather than from an array of all the rows first.
package protocol VideoFacetSink: Sendable {
    mutating func add(_ row: VideoFacetRow)
}

extension ReportReader {
    /// Every video's facet values, added to `sink` as they are read (for the dashboard's facet index), from the replica
    /// when one is fresh enough. The latest summaries and the audio are joined, not looked up per video.
    package func facetRows<Sink: VideoFacetSink>(into sink: Sink) async throws -> Sink {
        let select = PostgresQuery(
            unsafeSQL: Self.facetColumns + """
                , coalesce(s.variants, ''), a.video_id IS NOT NULL
                FROM videos v
                JOIN video_search vs ON vs.video_id = v.video_id
                LEFT JOIN (SELECT video_id, string_agg(variant, chr(31) ORDER BY variant) AS variants
                           FROM summaries WHERE is_latest GROUP BY video_id) s ON s.video_id = v.video_id
                LEFT JOIN audio a ON a.video_id = v.video_id
                """
        )
        return try await store.dashboardRead { [store] connection in
            var sink = sink
            try await Self.decodeFacetRows(try await connection.query(select, logger: store.logger)) { sink.add($0) }
            return sink
        }
    }

    /// The facet values of the given videos that exist (a deleted one has no row), from the primary: called when the
    /// change feed reports them changed, the row must be the one the change left. Their summaries and audio are looked
    /// up per video: a join would aggregate every video's summaries for a few rows.
    package func facetRows(ids: [String]) async throws -> [VideoFacetRow] {
        var binds = PostgresBindings()
        binds.append(ids)
        let select = PostgresQuery(
            unsafeSQL: Self.facetColumns + """
                ,
                    coalesce((SELECT string_agg(s.variant, chr(31) ORDER BY s.variant) FROM summaries s
                              WHERE s.video_id = v.video_id AND s.is_latest), ''),
                    EXISTS (SELECT 1 FROM audio a WHERE a.video_id = v.video_id)
                FROM videos v JOIN video_search vs ON vs.video_id = v.video_id
                WHERE v.video_id = ANY($1::text[])
                """,
            binds: binds
        )
        return try await store.read { [store] connection in
            var rows: [VideoFacetRow] = []
            try await Self.decodeFacetRows(try await connection.query(select, logger: store.logger)) { rows.append($0) }
            return rows
        }
    }

    /// The columns of ``VideoFacetRow`` before its summary variants and its audio.
    private static let facetColumns = """
        SELECT vs.number, v.video_id::text, v.content_source, v.channel_name, v.language_code, v.content_type,
            v.complexity_level, v.categories::text
        """

    private static func decodeFacetRows(_ rows: PostgresRowSequence, _ body: (VideoFacetRow) -> Void) async throws {
        let decoded = rows.decode((Int32, String, String?, String?, String?, String?, String?, String, String, Bool).self)
        for try await (number, id, source, channel, language, contentType, complexity, categories, variants, hasAudio) in decoded {
            body(
                VideoFacetRow(
                    number: number,
                    videoID: id,
                    source: source,
                    channel: channel,
                    language: language,
                    contentType: contentType,
                    complexity: complexity,
                    categories: categories,
                    summaryTypes: variants,
                    hasAudio: hasAudio
                )
            )
        }
    }
}
