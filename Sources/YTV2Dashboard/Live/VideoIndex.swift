import Metrics
import YTV2Core
import YTV2Store

/// The dashboard's ``VideoIndexTable`` (every video's facet values and place in every sort) and the matches of the
/// searches asked lately (``MatchBits``), kept up to date by the change feed instead of being dropped by it: a change
/// reads the changed videos' rows again, with which kept searches each matches (one statement, by id), and puts them
/// in place, so pages and facets after a write cost no more than before it. Read whole in the background when first
/// asked for (the database answers meanwhile); dropped (and read again when next needed) when the feed cannot say what
/// changed (it connects, loses its connection or comes back), when a read of changed rows fails, and when it keeps
/// holding another number of videos than the database (writes the feed does not report, such as a migration's import).
///
/// Changes are applied in the order the feed delivers them (its listener waits for each), and before the caches of
/// answers are dropped for the same change, so an answer computed after that drop counts the change.
actor VideoIndex {
    private let reports: ReportReader
    private var table: VideoIndexTable?
    /// The read of the whole table, while one runs.
    private var loadingTask: Task<Void, Never>?
    /// Videos changed while the table was being read: read again before it is used.
    private var changedDuringLoad: Set<String> = []
    /// Raised by every drop: a read or an update started before it is not kept.
    private var generation = 0
    /// Answers in a row that found the table holding another number of videos than the database. One is a race (a
    /// change put in place a moment before the count was dropped); a few in a row mean writes the feed did not report.
    private var countMismatches = 0

    /// How often the table's number of videos is compared with the database's: the count is a statement, and writes
    /// the feed does not report are rare.
    private let countCheckInterval: Duration
    private var countCheckedAt: ContinuousClock.Instant?

    /// The kept searches' matches, the least recently asked dropped first beyond ``searchBytes``.
    private var searches: [String: MatchBits] = [:]
    private var searchesByUse: [String] = []
    private let searchBytes: Int
    /// Raised when a change is heard and again when it is put in place: matches read across a change are used for
    /// their request but not kept (the change may or may not be in them, and is not put in them).
    private var changeSequence = 0

    /// Told each time a table is read and kept (what was kept for answering without it can go).
    private let loaded: @Sendable () async -> Void

    /// - Parameter searchBytes: what the kept searches' matches may take (a bit per video each: 12.5 KB at 100,000).
    init(
        reports: ReportReader,
        countCheckInterval: Duration = .seconds(2),
        searchBytes: Int = 4 * 1024 * 1024,
        loaded: @escaping @Sendable () async -> Void = {}
    ) {
        self.reports = reports
        self.loaded = loaded
        self.countCheckInterval = countCheckInterval
        self.searchBytes = searchBytes
    }

    /// The page `query` asks for, from the table; nil when the database answers (see ``answerable(_:)``, and when the
    /// database's collation keeps the orders from being kept here).
    func page(_ query: ReportQuery) async throws -> ReportPageIDs? {
        try await answer(query, counted: VideoIndexMetrics.pages) { table, matches in table.page(query, matches: matches) }
    }

    /// The facets of `query` counted from the table over its search's matches; nil when the database answers.
    func facets(_ query: ReportQuery) async throws -> ReportFacets? {
        try await answer(query, counted: VideoIndexMetrics.facets) { table, matches in
            table.facets.facets(query, matches: matches)
        }
    }

    /// `compute` on the table and the videos `query` is answered over, counted in `counted` when it answers. Computed
    /// here, on the table as it is: a copy taken to compute outside would make the next change copy the whole table
    /// while it is held.
    private func answer<Answer>(
        _ query: ReportQuery,
        counted: Counter,
        _ compute: (VideoIndexTable, MatchBits?) -> Answer?
    ) async throws -> Answer? {
        guard let answerable = try await answerable(query), let table, let answer = compute(table, answerable.matches) else {
            return nil
        }
        counted.increment()
        return answer
    }

    /// Whether the table can answer `query`, and over which videos: all, or its search's matches (kept, or read and
    /// kept when no change overlapped the read). Nil when it cannot, and the caller asks the database: there is no
    /// table yet (the first request starts reading it in the background, so no request waits for the whole table), or,
    /// when its count is due for a check (``countCheckInterval``), it holds another number of videos than the database.
    private func answerable(_ query: ReportQuery) async throws -> Answerable? {
        guard table != nil else {
            startLoading()
            return nil
        }
        let now = ContinuousClock.now
        let countDue = countCheckedAt.map { now - $0 >= countCheckInterval } ?? true
        if countDue { countCheckedAt = now }
        // Counted beside the read of the matches, not before it: both are statements.
        async let counted = countDue ? reports.reportCount(ReportQuery()) : nil
        var answerable = Answerable.everyVideo
        if let search = query.search, query.searches {
            if let kept = searches[search] {
                markUsed(search)
                answerable = .matches(kept)
            } else {
                let (sequence, started) = (changeSequence, generation)
                let read = MatchBits(numbers: try await reports.searchMatchNumbers(search))
                // Even: no change was in flight when the read began.
                if sequence == changeSequence, sequence % 2 == 0, started == generation { keep(search, read) }
                // The table may have changed while the matches were read; it stays right for every video it holds.
                answerable = .matches(read)
            }
        }
        if let videos = try await counted {
            guard table?.count == videos else {
                countMismatches += 1
                if countMismatches >= 3 { drop() }
                return nil
            }
            countMismatches = 0
        }
        return answerable
    }

    /// What the table answers a request over.
    private enum Answerable {
        case everyVideo
        /// A search's matches.
        case matches(MatchBits)

        var matches: MatchBits? {
            if case .matches(let matches) = self { return matches }
            return nil
        }
    }

    /// The videos the feed reported changed: their rows are read again and put in place (removed when deleted), with
    /// the bits of every kept search.
    func videosChanged(_ ids: [String]) async {
        changeSequence += 1
        defer { changeSequence += 1 }
        if loadingTask != nil {
            changedDuringLoad.formUnion(ids)
            return
        }
        guard table != nil else { return }
        let started = generation
        let kept = Array(searches.keys)
        do {
            let rows = try await reports.indexRows(ids: ids, searches: kept)
            guard started == generation, table != nil else { return }
            for number in table?.replace(ids: ids, with: rows) ?? [] {
                for search in kept { searches[search]?.set(number, false) }
            }
            for row in rows {
                for (position, search) in kept.enumerated() {
                    searches[search]?.set(row.number, row.matchedSearches.contains(Int32(position)))
                }
            }
            VideoIndexMetrics.updates.increment(by: ids.count)
            VideoIndexMetrics.bytes.record(table?.bytes ?? 0)
        } catch {
            drop()
        }
    }

    /// Forgets the table and the kept searches: the feed cannot say what changed.
    func drop() {
        generation += 1
        table = nil
        loadingTask = nil
        changedDuringLoad = []
        searches = [:]
        searchesByUse = []
        VideoIndexMetrics.bytes.record(0)
        VideoIndexMetrics.searchBytes.record(0)
    }

    /// Waits for the reading of the table started by a request, if one is running.
    func waitForLoad() async {
        await loadingTask?.value
    }

    /// How many searches' matches are kept.
    var keptSearches: Int { searches.count }

    private func keep(_ search: String, _ matches: MatchBits) {
        searches[search] = matches
        markUsed(search)
        var bytes = searches.values.reduce(0) { $0 + $1.bytes }
        while bytes > searchBytes, let oldest = searchesByUse.first {
            searchesByUse.removeFirst()
            bytes -= searches.removeValue(forKey: oldest)?.bytes ?? 0
        }
        VideoIndexMetrics.searchBytes.record(bytes)
    }

    private func markUsed(_ search: String) {
        if let position = searchesByUse.lastIndex(of: search) { searchesByUse.remove(at: position) }
        searchesByUse.append(search)
    }

    /// Starts reading the table, unless a read is running.
    private func startLoading() {
        guard loadingTask == nil else { return }
        changedDuringLoad = []
        let started = generation
        loadingTask = Task { await self.load(started) }
    }

    /// Every video's row, read and sorted away from the actor: sorting a hundred thousand videos four times takes long
    /// enough to hold up every request.
    @concurrent private static func read(_ reports: ReportReader) async throws -> VideoIndexTable {
        let byBytes = try await reports.sortsTextsByBytes()
        var loaded = try await reports.indexRows(into: VideoIndexTable(keepsOrders: byBytes))
        loaded.finishLoading()
        return loaded
    }

    /// Reads the whole table, then the videos changed meanwhile again, and keeps it unless it was dropped meanwhile. A
    /// read that fails keeps nothing; the next request starts another.
    private func load(_ started: Int) async {
        do {
            var loaded = try await Self.read(reports)
            while started == generation, !changedDuringLoad.isEmpty {
                let ids = Array(changedDuringLoad)
                changedDuringLoad = []
                loaded.replace(ids: ids, with: try await reports.indexRows(ids: ids))
                VideoIndexMetrics.updates.increment(by: ids.count)
            }
            guard started == generation else { return }
            table = loaded
            loadingTask = nil
            VideoIndexMetrics.bytes.record(loaded.bytes)
            // After the table is in use: changes heard while this runs are put in it.
            if loaded.orders != nil { await self.loaded() }
            return
        } catch {
            guard started == generation else { return }
        }
        loadingTask = nil
    }
}

/// The video index's figures on `/metrics`.
enum VideoIndexMetrics {
    static let bytes = Gauge(label: "ytv2_video_index_bytes")
    static let searchBytes = Gauge(label: "ytv2_video_index_search_bytes")
    static let updates = Counter(label: "ytv2_video_index_updates_total")
    static let pages = Counter(label: "ytv2_video_index_pages_total")
    static let facets = Counter(label: "ytv2_video_index_facets_total")
}
