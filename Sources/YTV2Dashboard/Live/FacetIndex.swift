import Metrics
import YTV2Core
import YTV2Store

/// The dashboard's ``VideoFacetTable``, kept up to date by the change feed instead of being dropped by it: a change
/// reads the changed video's facet values again (one statement, by id) and puts them in place, so the facets beside a
/// search after a write cost one read of the search's matches and a pass over them, not a statement per facet. Read
/// whole in the background when facets are first asked for; dropped (and read again when next needed) when the feed
/// cannot say what changed (it connects, loses its connection or comes back), when a read of changed rows fails, and
/// when it keeps holding another number of videos than the database (writes the feed does not report, such as a
/// migration's import).
///
/// Changes are applied in the order the feed delivers them (its listener waits for each), and before the caches of
/// answers are dropped for the same change, so an answer computed after that drop counts the change.
actor FacetIndex {
    private let reports: ReportReader
    private var table: VideoFacetTable?
    /// The read of the whole table, while one runs.
    private var loadingTask: Task<Void, Never>?
    /// Videos changed while the table was being read: read again before it is used.
    private var changedDuringLoad: Set<String> = []
    /// Raised by every drop: a read or an update started before it is not kept.
    private var generation = 0
    /// Answers in a row that found the table holding another number of videos than the database. One is a race (a
    /// change put in place a moment before the count was dropped); a few in a row mean writes the feed did not report.
    private var countMismatches = 0

    /// How often the table's number of videos is compared with the database's: a count of every video costs about as
    /// much as the facets themselves at 100,000 videos, and writes the feed does not report are rare.
    private let countCheckInterval: Duration
    private var countCheckedAt: ContinuousClock.Instant?

    init(reports: ReportReader, countCheckInterval: Duration = .seconds(2)) {
        self.reports = reports
        self.countCheckInterval = countCheckInterval
    }

    /// The facets of `query` counted from the table over `matches` (its search's match numbers; nil: every video).
    /// Nil when the table cannot answer, and the caller asks the database: there is none yet (the first request starts
    /// reading it in the background: the database answers meanwhile, so no request waits for the whole table), a match
    /// is newer than the table, or, when its count is due for a check (``countCheckInterval``), it holds another number
    /// of videos than `videoCount` says.
    func facets(
        _ query: ReportQuery,
        videoCount: () async throws -> Int,
        matches: () async throws -> [Int32]?
    ) async throws -> ReportFacets? {
        guard table != nil else {
            startLoading()
            return nil
        }
        let now = ContinuousClock.now
        if countCheckedAt.map({ now - $0 >= countCheckInterval }) ?? true {
            countCheckedAt = now
            let videos = try await videoCount()
            guard table?.count == videos else {
                countMismatches += 1
                if countMismatches >= 3 { drop() }
                return nil
            }
            countMismatches = 0
        }
        let numbers = try await matches()
        // The table may have changed while the matches were read; it stays right for every video it holds.
        guard let current = self.table, let facets = current.facets(query, matches: numbers) else { return nil }
        FacetIndexMetrics.answers.increment()
        return facets
    }

    /// The videos the feed reported changed: their values are read again and put in place (removed when deleted).
    func videosChanged(_ ids: [String]) async {
        if loadingTask != nil {
            changedDuringLoad.formUnion(ids)
            return
        }
        guard table != nil else { return }
        let started = generation
        do {
            let rows = try await reports.facetRows(ids: ids)
            guard started == generation, table != nil else { return }
            table?.replace(ids: ids, with: rows)
            FacetIndexMetrics.updates.increment(by: ids.count)
            FacetIndexMetrics.bytes.record(table?.bytes ?? 0)
        } catch {
            drop()
        }
    }

    /// Forgets the table: the feed cannot say what changed.
    func drop() {
        generation += 1
        table = nil
        loadingTask = nil
        changedDuringLoad = []
        FacetIndexMetrics.bytes.record(0)
    }

    /// Waits for the reading of the table started by a request, if one is running.
    func waitForLoad() async {
        await loadingTask?.value
    }

    /// Starts reading the table, unless a read is running.
    private func startLoading() {
        guard loadingTask == nil else { return }
        changedDuringLoad = []
        let started = generation
        loadingTask = Task { await self.load(started) }
    }

    /// Reads the whole table, then the videos changed meanwhile again, and keeps it unless it was dropped meanwhile. A
    /// read that fails keeps nothing; the next request starts another.
    private func load(_ started: Int) async {
        do {
            var loaded = try await reports.facetRows(into: VideoFacetTable())
            while started == generation, !changedDuringLoad.isEmpty {
                let ids = Array(changedDuringLoad)
                changedDuringLoad = []
                loaded.replace(ids: ids, with: try await reports.facetRows(ids: ids))
                FacetIndexMetrics.updates.increment(by: ids.count)
            }
            guard started == generation else { return }
            table = loaded
            FacetIndexMetrics.bytes.record(loaded.bytes)
        } catch {
            guard started == generation else { return }
        }
        loadingTask = nil
    }
}

/// The facet index's figures on `/metrics`.
enum FacetIndexMetrics {
    static let bytes = Gauge(label: "ytv2_facet_index_bytes")
    static let updates = Counter(label: "ytv2_facet_index_updates_total")
    static let answers = Counter(label: "ytv2_facet_index_answers_total")
}
