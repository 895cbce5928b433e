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

/// One video's values the dashboard keeps in memory (its video index): every facet `/api/filters` counts, as
/// ``ReportReader/facets(_:)`` reads them, and every key a list sorts by (``ReportSort``), so that facets and pages are
/// answered without a statement.
package struct VideoIndexRow: Sendable, Equatable {
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
    /// `indexed_at` in microseconds since 1970 (an infinite date at an end of the range), as the sorts compare it.
    package let indexedAt: Int64
    /// `published_at` the same way; nil when unknown.
    package let publishedAt: Int64?
    package let durationSeconds: Int32?
    /// `title_sort`, the key the title sorts compare (by its bytes when the database's collation does).
    package let titleSort: String
    /// Of the searches ``ReportReader/indexRows(ids:searches:)`` was given, the positions (from 0) of those this video
    /// matches.
    package let matchedSearches: [Int32]

    package init(
        number: Int32,
        videoID: String,
        source: String? = "youtube",
        channel: String? = nil,
        language: String? = nil,
        contentType: String? = nil,
        complexity: String? = nil,
        categories: String = "[]",
        summaryTypes: String = "",
        hasAudio: Bool = false,
        indexedAt: Int64,
        publishedAt: Int64? = nil,
        durationSeconds: Int32? = nil,
        titleSort: String,
        matchedSearches: [Int32] = []
    ) {
        self.number = number
        self.videoID = videoID
        self.source = source
        self.channel = channel
        self.language = language
        self.contentType = contentType
        self.complexity = complexity
        self.categories = categories
        self.summaryTypes = summaryTypes
        self.hasAudio = hasAudio
        self.indexedAt = indexedAt
        self.publishedAt = publishedAt
        self.durationSeconds = durationSeconds
        self.titleSort = titleSort
        self.matchedSearches = matchedSearches
    }
}

/// What receives every video's row as they are read (``ReportReader/indexRows(into:)``): the dashboard's video index,
/// filled row by row rather than from an array of all the rows first.
package protocol VideoIndexSink: Sendable {
    /// Told before the first row how many videos come (their highest number, plus one) and how many bytes their
    /// `title_sort` take in all, so that what holds them is allocated once.
    mutating func reserve(numbers: Int, titleBytes: Int)
    mutating func add(_ row: VideoIndexRow)
}

extension ReportReader {
    /// Every video's row, added to `sink` as they are read (for the dashboard's video index), from the replica when
    /// one is fresh enough. The latest summaries and the audio are joined, not looked up per video.
    package func indexRows<Sink: VideoIndexSink>(into sink: Sink) async throws -> Sink {
        let select = PostgresQuery(
            unsafeSQL: Self.indexColumns + """
                , coalesce(s.variants, ''), a.video_id IS NOT NULL, '{}'::int4[]
                FROM videos v
                JOIN video_search vs ON vs.video_id = v.video_id
                LEFT JOIN (SELECT video_id, string_agg(variant, chr(31) ORDER BY variant) AS variants
                           FROM summaries WHERE is_latest GROUP BY video_id) s ON s.video_id = v.video_id
                LEFT JOIN audio a ON a.video_id = v.video_id
                """
        )
        let sizes = PostgresQuery(
            unsafeSQL: """
                SELECT coalesce(max(vs.number) + 1, 0)::int8, coalesce(sum(octet_length(v.title_sort)), 0)::int8
                FROM videos v JOIN video_search vs ON vs.video_id = v.video_id
                """
        )
        return try await store.dashboardRead { [store] connection in
            var sink = sink
            if let (numbers, titleBytes) = try await connection.query(sizes, logger: store.logger).first((Int, Int).self) {
                sink.reserve(numbers: numbers, titleBytes: titleBytes)
            }
            try await Self.decodeIndexRows(try await connection.query(select, logger: store.logger)) { sink.add($0) }
            return sink
        }
    }

    /// The rows of the given videos that exist (a deleted one has none), from the primary: called when the change feed
    /// reports them changed, the row must be the one the change left. With each, which of `searches` it matches now
    /// (the searches whose matches the index keeps). Summaries and audio are looked up per video: a join would
    /// aggregate every video's summaries for a few rows.
    package func indexRows(ids: [String], searches: [String] = []) async throws -> [VideoIndexRow] {
        var binds = PostgresBindings()
        binds.append(ids)
        binds.append(searches)
        let select = PostgresQuery(
            unsafeSQL: Self.indexColumns + """
                ,
                    coalesce((SELECT string_agg(s.variant, chr(31) ORDER BY s.variant) FROM summaries s
                              WHERE s.video_id = v.video_id AND s.is_latest), ''),
                    EXISTS (SELECT 1 FROM audio a WHERE a.video_id = v.video_id),
                    ARRAY(SELECT (q.position - 1)::int4 FROM unnest($2::text[]) WITH ORDINALITY AS q(search, position)
                          WHERE vs.words @@ ytv2_search_query(q.search))
                FROM videos v JOIN video_search vs ON vs.video_id = v.video_id
                WHERE v.video_id = ANY($1::text[])
                """,
            binds: binds
        )
        return try await store.read { [store] connection in
            var rows: [VideoIndexRow] = []
            try await Self.decodeIndexRows(try await connection.query(select, logger: store.logger)) { rows.append($0) }
            return rows
        }
    }

    /// Whether the database orders texts by their bytes (a `C` or `C.UTF-8` collation, as `ytv2 db start` creates its
    /// private cluster): then the dashboard can put a changed video in its place in a kept order by comparing keys itself.
    /// Under a linguistic collation (`en_US.UTF-8`: case and punctuation weighed apart) only the database can, and
    /// orders are read from it. Asked by sorting texts whose byte order every linguistic collation disagrees with.
    package func sortsTextsByBytes() async throws -> Bool {
        let probe = [
            "a", "B", "b", "A", "_a", "-a", "a-b", "ab", "a b", "aB", "Ab", "0", "~", "\u{E9}", "e\u{301}", "z", "\u{E4}", "\u{DF}", "\u{65E5}",
        ]
        var binds = PostgresBindings()
        binds.append(probe)
        let select = PostgresQuery(unsafeSQL: "SELECT array_agg(t ORDER BY t) FROM unnest($1::text[]) AS t", binds: binds)
        let sorted = try await store.dashboardRead { [store] connection in
            try await connection.query(select, logger: store.logger).first([String].self) ?? []
        }
        return sorted.map { Array($0.utf8) } == probe.map { Array($0.utf8) }.sorted { $0.lexicographicallyPrecedes($1) }
    }

    /// A `timestamptz` as microseconds since 1970, infinite dates at the ends of the range (the order they sort in).
    private static func microseconds(_ column: String) -> String {
        """
        CASE WHEN \(column) = 'infinity' THEN 9223372036854775807 WHEN \(column) = '-infinity' THEN -9223372036854775808
        ELSE (extract(epoch FROM \(column)) * 1000000)::int8 END
        """
    }

    /// The columns of ``VideoIndexRow`` before its summary variants, its audio and its matched searches.
    private static let indexColumns = """
        SELECT vs.number, v.video_id::text, v.content_source, v.channel_name, v.language_code, v.content_type,
            v.complexity_level, v.categories::text, \(microseconds("v.indexed_at")), \(microseconds("v.published_at")),
            v.duration_seconds, v.title_sort
        """

    private static func decodeIndexRows(_ rows: PostgresRowSequence, _ body: (VideoIndexRow) -> Void) async throws {
        for try await row in rows {
            let columns = try row.decode(
                (Int32, String, String?, String?, String?, String?, String?, String, Int64, Int64?, Int32?, String, String, Bool, [Int32]).self
            )
            body(
                VideoIndexRow(
                    number: columns.0,
                    videoID: columns.1,
                    source: columns.2,
                    channel: columns.3,
                    language: columns.4,
                    contentType: columns.5,
                    complexity: columns.6,
                    categories: columns.7,
                    summaryTypes: columns.12,
                    hasAudio: columns.13,
                    indexedAt: columns.8,
                    publishedAt: columns.9,
                    durationSeconds: columns.10,
                    titleSort: columns.11,
                    matchedSearches: columns.14
                )
            )
        }
    }
}
