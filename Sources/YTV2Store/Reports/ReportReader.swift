import Foundation
import PostgresNIO
import YTV2Core

/// The reads of videos for people and clients: pages, orders, counts, single reports, audio, search matches. The
/// dashboard and the bot get one; it writes nothing.
package struct ReportReader: Sendable {
    let store: Store

    package init(store: Store) { self.store = store }

    /// When the video was deleted, or nil when it has no tombstone.
    package func tombstone(for id: VideoID) async throws -> Date? {
        try await store.read { [self] connection in try await store.tombstoneDate(id, on: connection) }
    }
}

extension ReportReader {
    /// One page of reports with every filter, the search and the sort of ``ReportQuery``. A caller that knows the
    /// total for these filters (a cache kept fresh by the change feed) passes it and saves the count query; the same
    /// for the number of all videos, which a search's plan is chosen by (``SearchPlan``).
    package func reports(_ query: ReportQuery, knownTotal: Int? = nil, knownVideoCount: Int? = nil) async throws -> ReportPage {
        let page = try await reportPageIDs(query, knownTotal: knownTotal, knownVideoCount: knownVideoCount)
        let records = try await listRecords(ids: page.ids)
        return ReportPage(reports: records, pagination: page.pagination)
    }

    /// Which videos one page of `query` shows, in order, and the total, from the sort's index alone (migration 0004):
    /// the rows themselves are read by ``listRecords(ids:)`` (or come from a cache of encoded items).
    package func reportPageIDs(
        _ query: ReportQuery,
        knownTotal: Int? = nil,
        knownVideoCount: Int? = nil
    ) async throws -> ReportPageIDs {
        let total: Int
        if let knownTotal { total = knownTotal } else { total = try await reportCount(query) }
        let pagination = query.pagination(total: total)
        // A page past the end is empty: no need to scan every match to find that out. A page in the second half is
        // read with the sort's index scanned backward.
        let window = pagination.window
        guard window.length > 0 else { return ReportPageIDs(ids: [], pagination: pagination) }
        var paged = try ReportFilterSQL(query)
        let whereClause = paged.whereClause
        let limit = paged.bind(window.length)
        let offset = paged.bind(window.skipped)
        let idsQuery = PostgresQuery(
            unsafeSQL: """
                SELECT v.video_id FROM videos v \(whereClause)
                ORDER BY \(window.fromEnd ? query.sort.reversedOrderBy : query.sort.orderBy) LIMIT \(limit) OFFSET \(offset)
                """,
            binds: paged.binds
        )
        var plan = SearchPlan(query)
        if query.searches {
            let videos: Int
            if let knownVideoCount { videos = knownVideoCount } else { videos = try await reportCount(ReportQuery()) }
            plan.allowWalk(toMatch: window.reach, of: total, videos: videos)
        }
        let ids = try await videoIDs(idsQuery, plan: plan)
        return ReportPageIDs(ids: window.fromEnd ? ids.reversed() : ids, pagination: pagination)
    }

    /// Every video `query` matches, in its sort order, when there are at most `limit` of them; nil when there are more.
    /// Any page is then a slice of it, without walking an offset (``ReportOrder``).
    package func reportOrder(_ query: ReportQuery, limit: Int) async throws -> ReportOrder? {
        var filter = try ReportFilterSQL(query)
        let whereClause = filter.whereClause
        let limitBind = filter.bind(limit + 1)
        // Every match is read (for a search, from the word index with a sort, never walking the sort index).
        let ids = try await videoIDArray(
            "SELECT v.video_id FROM videos v \(whereClause) ORDER BY \(query.sort.orderBy) LIMIT \(limitBind)",
            binds: filter.binds,
            plan: SearchPlan(query)
        )
        return ids.count > limit ? nil : ReportOrder(ids: ids)
    }

    /// The video ids `query` selects, in its order, read with the planner settings of `plan`.
    private func videoIDs(_ query: PostgresQuery, plan: SearchPlan) async throws -> [String] {
        try await store.dashboardRead(plan) { [self] connection in
            var ids: [String] = []
            for try await id in try await connection.query(query, logger: store.logger).decode(String.self) { ids.append(id) }
            return ids
        }
    }

    /// The video ids `select` selects (in its order), read as one array with the planner settings of `plan`: a hundred
    /// thousand ids arrive in about half the time they take as a row each (the first page of a sort after a change
    /// reads its whole order). The aggregate takes the rows in
    /// the order the subquery returns them: an ordered subquery with a `LIMIT` is finished before anything above it runs.
    private func videoIDArray(_ select: String, binds: PostgresBindings, plan: SearchPlan) async throws -> [String] {
        let query = PostgresQuery(unsafeSQL: "SELECT coalesce(array_agg(video_id), '{}') FROM (\(select)) AS selected", binds: binds)
        return try await store.dashboardRead(plan) { [self] connection in
            try await connection.query(query, logger: store.logger).first([String].self) ?? []
        }
    }

    /// The list records of `ids` (summary previews, never whole texts), in the order given; an id no longer stored is
    /// left out.
    package func listRecords(ids: [String]) async throws -> [ReportRecord] {
        guard !ids.isEmpty else { return [] }
        var binds = PostgresBindings()
        binds.append(ids)
        let query = PostgresQuery(unsafeSQL: "\(Self.reportColumns) WHERE v.video_id = ANY($1)", binds: binds)
        let records = try await store.dashboardRead { [self] connection in
            try await fetchReports(query, summaryTexts: .prefix, on: connection)
        }
        let byID = Dictionary(records.map { ($0.videoID.rawValue, $0) }, uniquingKeysWith: { first, _ in first })
        return ids.compactMap { byID[$0] }
    }

    /// The numbers (``VideoNumbering``) of every video the words of `search` match, whatever the filters, in no order:
    /// read from the narrow copy of the search words (`video_search`, migration 0011) through its word index, no row's
    /// vector is checked (``SearchMatches`` keeps them).
    package func searchMatchNumbers(_ search: String) async throws -> [Int32] {
        var query = ReportQuery()
        query.search = search
        var binds = PostgresBindings()
        binds.append(search)
        let select = PostgresQuery(
            unsafeSQL: "SELECT \(Self.packedNumbers(ordered: false)) FROM video_search WHERE words @@ ytv2_search_query($1)",
            binds: binds
        )
        return try await store.dashboardRead(.unordered(query)) { [store] connection in
            try await connection.query(select, logger: store.logger).first(ByteBuffer.self).map(Self.unpackNumbers) ?? []
        }
    }

    /// Every video's id and its number (`video_search.number`, migration 0011), pairwise: what the dashboard numbers
    /// match sets with. Both aggregates take the rows in the order of their numbers, so the n-th id goes with the n-th
    /// number.
    package func videoNumbers() async throws -> (ids: [String], numbers: [Int32]) {
        let select = PostgresQuery(
            unsafeSQL: "SELECT coalesce(array_agg(video_id::text ORDER BY number), '{}'), \(Self.packedNumbers(ordered: true)) FROM video_search"
        )
        return try await store.dashboardRead { [store] connection in
            let (ids, packed) = try await connection.query(select, logger: store.logger).first(([String], ByteBuffer).self) ?? ([], ByteBuffer())
            return (ids, Self.unpackNumbers(packed))
        }
    }

    /// The selected rows' numbers as one `bytea` of 4-byte big-endian integers (`int4send`; ``unpackNumbers(_:)``):
    /// tens of thousands of them are read in a fraction of a millisecond, where PostgresNIO's decode of an `integer[]`
    /// is generic, element by element.
    private static func packedNumbers(ordered: Bool) -> String {
        "coalesce(string_agg(int4send(number), ''::bytea\(ordered ? " ORDER BY number" : "")), ''::bytea)"
    }

    private static func unpackNumbers(_ packed: ByteBuffer) -> [Int32] {
        var packed = packed
        var numbers: [Int32] = []
        numbers.reserveCapacity(packed.readableBytes / 4)
        while let number = packed.readInteger(endianness: .big, as: Int32.self) { numbers.append(number) }
        return numbers
    }

    /// About how many videos the words of `search` match, whatever the filters: the planner's estimate from its
    /// statistics of the search words (`ytv2_search_estimate`, migration 0010; a fraction of a millisecond), where counting a
    /// word most videos hold reads every one of them (tens of milliseconds at 100,000 videos). A hint for choosing how
    /// to read a search, never an answer: without statistics (a table never analyzed) it is a guess.
    package func estimatedSearchMatches(_ search: String) async throws -> Int {
        var binds = PostgresBindings()
        binds.append(search)
        let query = PostgresQuery(unsafeSQL: "SELECT coalesce(ytv2_search_estimate($1), 0)", binds: binds)
        return try await store.dashboardRead { [store] connection in
            try await connection.query(query, logger: store.logger).first(Int.self) ?? 0
        }
    }

    /// How many videos match the filters and search of `query`. A search without filters is counted in the narrow copy
    /// of the search words (`video_search`, migration 0011), whose matching rows are on fewer pages than those of
    /// `videos` (for a word in 80 % of 100,000 real-shaped videos: 4,366 pages against 6,527, 18 against 24 ms).
    package func reportCount(_ query: ReportQuery) async throws -> Int {
        let countQuery: PostgresQuery
        if query.searchesAlone, let search = query.search {
            var binds = PostgresBindings()
            binds.append(search)
            countQuery = PostgresQuery(unsafeSQL: "SELECT count(*) FROM video_search WHERE words @@ ytv2_search_query($1)", binds: binds)
        } else {
            let filter = try ReportFilterSQL(query)
            countQuery = PostgresQuery(unsafeSQL: "SELECT count(*) FROM videos v \(filter.whereClause)", binds: filter.binds)
        }
        return try await store.dashboardRead(SearchPlan.unordered(query)) { [store] connection in
            try await connection.query(countQuery, logger: store.logger).first(Int.self) ?? 0
        }
    }

    /// One report with its whole summaries, by any id ``resolve(_:)`` accepts.
    package func report(id: String) async throws -> ReportRecord? {
        try await store.dashboardRead { [self] connection in
            guard let videoID = try await resolve(id, on: connection) else { return nil }
            var binds = PostgresBindings()
            binds.append(videoID.rawValue)
            return try await fetchReports(
                PostgresQuery(unsafeSQL: "\(Self.reportColumns) WHERE v.video_id = $1", binds: binds),
                summaryTexts: .whole,
                on: connection
            ).first
        }
    }

    /// The video an id refers to, trying in turn: a stored video id (`dQw4w9WgXcQ`, `yt:dQw4w9WgXcQ`); an alias, as
    /// given and lower-cased (legacy `yt:<lower-cased>` and `hash:` ids, report file stems recorded at import and
    /// ingest); and the shapes the legacy processor named its report files with, `<id>_<YYYYMMDD_HHMMSS>` and
    /// `<title slug>_<id>` (with a `_1` copy suffix), when the id they hold is stored.
    package func resolve(_ id: String) async throws -> VideoID? {
        try await store.read { [self] connection in try await resolve(id, on: connection) }
    }

    private func resolve(_ id: String, on connection: PostgresConnection) async throws -> VideoID? {
        guard !id.isEmpty, id.utf8.count <= Store.maximumAliasLength else { return nil }
        if let candidate = try? VideoID(apiID: id), try await videoExists(candidate, on: connection) { return candidate }
        let aliases = [id, id.lowercased()]
        let rows = try await connection.query(
            "SELECT video_id FROM video_aliases WHERE alias = ANY(\(aliases)) ORDER BY alias = \(id) DESC LIMIT 1",
            logger: store.logger
        )
        if let videoID = try await rows.first(String.self) { return try VideoID(videoID) }
        for candidate in VideoID.candidates(inReportStem: id) where try await videoExists(candidate, on: connection) {
            return candidate
        }
        return nil
    }

    private func videoExists(_ id: VideoID, on connection: PostgresConnection) async throws -> Bool {
        let rows = try await connection.query("SELECT 1 FROM videos WHERE video_id = \(id.rawValue)", logger: store.logger)
        return try await rows.first(Int.self) != nil
    }

    /// Every revision of one variant, oldest first (for history views and tests).
    package func revisions(of id: VideoID, variant: SummaryVariant) async throws -> [StoredSummary] {
        try await store.read { [self] connection in
            let rows = try await connection.query(
                """
                SELECT video_id, variant, revision, is_latest, text, html, headline, language, proficiency, generated_at, created_at, source
                FROM summaries WHERE video_id = \(id.rawValue) AND variant = \(variant.id) ORDER BY revision
                """,
                logger: store.logger
            )
            return try await Self.decodeSummaries(rows).map(\.1)
        }
    }

    /// The stored audio bytes between `offset` and `offset + length` (the whole file when `length` is nil).
    package func audioBytes(for id: VideoID, offset: Int = 0, length: Int? = nil) async throws -> [UInt8]? {
        try await store.dashboardRead { [self] connection in
            let rows: PostgresRowSequence
            if let length {
                rows = try await connection.query(
                    "SELECT substring(bytes FROM \(offset + 1)::int FOR \(length)::int) FROM audio WHERE video_id = \(id.rawValue)",
                    logger: store.logger
                )
            } else {
                rows = try await connection.query("SELECT bytes FROM audio WHERE video_id = \(id.rawValue)", logger: store.logger)
            }
            return try await rows.first(ByteBuffer.self).map { Array($0.readableBytesView) }
        }
    }

    /// The columns of a report record, in the order ``fetchReports(_:summaryTexts:on:)`` reads them: this enum is the
    /// one list (its case order is the SELECT's), so a column is added or moved in one place.
    enum ReportColumn: Int, CaseIterable {
        case videoID, source, title, channel, channelID, thumbnail, publishedAt, indexedAt, duration, words, views
        case hasTranscript, transcriptChars, contentType, complexity, language, topics, entities, categories, origin
        case updatedAt, audioSize, audioSHA, audioDuration, audioMime, originalLanguage, summaryLanguage, audioLanguage
        case analysisExtra

        var expression: String {
            switch self {
            case .videoID: "v.video_id"
            case .source: "v.content_source"
            case .title: "v.title"
            case .channel: "v.channel_name"
            case .channelID: "v.channel_id"
            case .thumbnail: "v.thumbnail_url"
            case .publishedAt: "v.published_at"
            case .indexedAt: "v.indexed_at"
            case .duration: "v.duration_seconds"
            case .words: "v.word_count"
            case .views: "v.view_count"
            case .hasTranscript: "v.has_transcript"
            case .transcriptChars: "v.transcript_chars"
            case .contentType: "v.content_type"
            case .complexity: "v.complexity_level"
            case .language: "v.language"
            case .topics: "ARRAY(SELECT jsonb_array_elements_text(v.key_topics))"
            case .entities: "ARRAY(SELECT jsonb_array_elements_text(v.named_entities))"
            case .categories: "v.categories::text"
            case .origin: "v.categorization_origin"
            case .updatedAt: "v.updated_at"
            case .audioSize: "a.size_bytes"
            case .audioSHA: "a.sha256"
            case .audioDuration: "a.duration_seconds"
            case .audioMime: "a.mime"
            case .originalLanguage: "v.original_language"
            case .summaryLanguage: "v.summary_language"
            case .audioLanguage: "v.audio_language"
            case .analysisExtra: "v.analysis_extra::text"
            }
        }
    }

    static let reportColumns =
        "SELECT " + ReportColumn.allCases.map(\.expression).joined(separator: ", ")
        + " FROM videos v LEFT JOIN audio a ON a.video_id = v.video_id"

    /// The records of `query` (which selects ``reportColumns``) with the latest revision of each of their variants:
    /// whole texts and HTML, or for lists only each text's first characters (a list item carries a preview, never a
    /// summary body).
    private func fetchReports(
        _ query: PostgresQuery,
        summaryTexts: ReportRecord.SummaryTexts,
        on connection: PostgresConnection
    ) async throws -> [ReportRecord] {
        var records: [ReportRecord] = []
        let rows = try await connection.query(query, logger: store.logger)
        for try await row in rows {
            let cells = row.makeRandomAccess()
            let videoID = try cells[ReportColumn.videoID.rawValue].decode(String.self)
            let source = try cells[ReportColumn.source.rawValue].decode(String.self)
            let title = try cells[ReportColumn.title.rawValue].decode(String.self)
            let channel = try cells[ReportColumn.channel.rawValue].decode(String?.self)
            let channelID = try cells[ReportColumn.channelID.rawValue].decode(String?.self)
            let thumbnail = try cells[ReportColumn.thumbnail.rawValue].decode(String?.self)
            let publishedAt = try cells[ReportColumn.publishedAt.rawValue].decode(Date?.self)
            let indexedAt = try cells[ReportColumn.indexedAt.rawValue].decode(Date.self)
            let duration = try cells[ReportColumn.duration.rawValue].decode(Int?.self)
            let words = try cells[ReportColumn.words.rawValue].decode(Int?.self)
            let views = try cells[ReportColumn.views.rawValue].decode(Int?.self)
            let hasTranscript = try cells[ReportColumn.hasTranscript.rawValue].decode(Bool.self)
            let transcriptChars = try cells[ReportColumn.transcriptChars.rawValue].decode(Int?.self)
            let contentType = try cells[ReportColumn.contentType.rawValue].decode(String?.self)
            let complexity = try cells[ReportColumn.complexity.rawValue].decode(String?.self)
            let language = try cells[ReportColumn.language.rawValue].decode(String?.self)
            let topics = try cells[ReportColumn.topics.rawValue].decode([String].self)
            let entities = try cells[ReportColumn.entities.rawValue].decode([String].self)
            let categories = try cells[ReportColumn.categories.rawValue].decode(String.self)
            let origin = try cells[ReportColumn.origin.rawValue].decode(String?.self)
            let updatedAt = try cells[ReportColumn.updatedAt.rawValue].decode(Date.self)
            let audioSize = try cells[ReportColumn.audioSize.rawValue].decode(Int?.self)
            let audioSHA = try cells[ReportColumn.audioSHA.rawValue].decode(String?.self)
            let audioDuration = try cells[ReportColumn.audioDuration.rawValue].decode(Double?.self)
            let audioMime = try cells[ReportColumn.audioMime.rawValue].decode(String?.self)
            let originalLanguage = try cells[ReportColumn.originalLanguage.rawValue].decode(String?.self)
            let summaryLanguage = try cells[ReportColumn.summaryLanguage.rawValue].decode(String?.self)
            let audioLanguage = try cells[ReportColumn.audioLanguage.rawValue].decode(String?.self)
            let analysisExtra = try cells[ReportColumn.analysisExtra.rawValue].decode(String.self)

            let entries = categories == "[]" ? [] : try CategoryEntry.list(fromJSON: categories)
            records.append(
                ReportRecord(
                    videoID: try VideoID(videoID),
                    contentSource: source,
                    title: title,
                    channelName: channel,
                    channelID: channelID,
                    thumbnailURL: thumbnail,
                    publishedAt: publishedAt,
                    indexedAt: indexedAt,
                    durationSeconds: duration,
                    wordCount: words,
                    viewCount: views,
                    hasTranscript: hasTranscript,
                    transcriptChars: transcriptChars,
                    contentType: contentType,
                    complexityLevel: complexity,
                    language: language,
                    keyTopics: topics,
                    namedEntities: entities,
                    categorization: origin.flatMap(CategorizationOrigin.init(rawValue:)).map { Categorization(entries: entries, origin: $0) },
                    audio: audioSize.map {
                        AudioInfo(sizeBytes: $0, sha256: audioSHA ?? "", durationSeconds: audioDuration, mime: audioMime ?? "audio/mpeg")
                    },
                    summaries: [],
                    updatedAt: updatedAt,
                    originalLanguage: originalLanguage,
                    summaryLanguage: summaryLanguage,
                    audioLanguage: audioLanguage,
                    analysisExtra: analysisExtra,
                    summaryTexts: summaryTexts
                )
            )
        }
        guard !records.isEmpty else { return records }
        let ids = records.map(\.videoID.rawValue)
        let texts = summaryTexts == .whole ? "text, html" : "preview, NULL::text"
        let summaryRows = try await connection.query(
            PostgresQuery(
                unsafeSQL: """
                    SELECT video_id, variant, revision, is_latest, \(texts), headline, language, proficiency, generated_at, created_at, source
                    FROM summaries WHERE is_latest AND video_id = ANY($1)
                    """,
                binds: {
                    var binds = PostgresBindings()
                    binds.append(ids)
                    return binds
                }()
            ),
            logger: store.logger
        )
        var byVideo: [String: [StoredSummary]] = [:]
        for (videoID, summary) in try await Self.decodeSummaries(summaryRows) { byVideo[videoID, default: []].append(summary) }
        for index in records.indices {
            records[index].summaries = (byVideo[records[index].videoID.rawValue] ?? []).sorted {
                ($0.variant.preferenceRank, $0.variant.id) < ($1.variant.preferenceRank, $1.variant.id)
            }
        }
        return records
    }

    private static func decodeSummaries(_ rows: PostgresRowSequence) async throws -> [(String, StoredSummary)] {
        var result: [(String, StoredSummary)] = []
        for try await (videoID, variant, revision, isLatest, text, html, headline, language, proficiency, generatedAt, createdAt, source)
            in rows.decode((String, String, Int, Bool, String, String?, String?, String?, String?, Date?, Date, String).self)
        {
            result.append(
                (
                    videoID,
                    StoredSummary(
                        variant: try SummaryVariant(variant),
                        revision: revision,
                        isLatest: isLatest,
                        text: text,
                        html: html,
                        headline: headline,
                        language: language,
                        proficiency: proficiency.flatMap(ProficiencyLevel.init(rawValue:)),
                        generatedAt: generatedAt,
                        createdAt: createdAt,
                        namedWithLevel: proficiency != nil && source != "legacy"
                    )
                )
            )
        }
        return result
    }

}

extension ReportReader {
    /// How many videos are stored.
    package func videoCount() async throws -> Int {
        try await store.read { [self] connection in
            try await connection.query("SELECT count(*) FROM videos", logger: store.logger).first(Int.self) ?? 0
        }
    }
}

extension ReportReader {
    /// Size, sha256, duration and mime of a video's audio, without its bytes; nil when none is stored.
    package func audioInfo(for id: VideoID) async throws -> AudioInfo? {
        try await store.dashboardRead { [self] connection in
            let rows = try await connection.query(
                "SELECT size_bytes, sha256, duration_seconds, mime FROM audio WHERE video_id = \(id.rawValue)",
                logger: store.logger
            )
            return try await rows.first((Int, String, Double?, String).self).map { size, sha, duration, mime in
                AudioInfo(sizeBytes: size, sha256: sha, durationSeconds: duration, mime: mime)
            }
        }
    }
}

extension ReportReader {
    /// The variants stored (latest revision) for a video.
    package func storedVariants(_ id: VideoID) async throws -> Set<String> {
        try await store.read { [self] connection in
            var result = Set<String>()
            for try await variant in try await connection.query(
                "SELECT variant FROM summaries WHERE video_id = \(id.rawValue) AND is_latest",
                logger: store.logger
            ).decode(String.self) {
                result.insert(variant)
            }
            return result
        }
    }
}

extension Store {
    /// A read where dashboard reads go (``dashboardRead(_:)``), run with the planner settings of `plan`.
    func dashboardRead<T: Sendable>(
        _ plan: SearchPlan,
        _ body: @escaping @Sendable (PostgresConnection) async throws -> T
    ) async throws -> T {
        try await dashboardRead { [logger] connection in
            try await plan.run(on: connection, logger: logger, body)
        }
    }
}
