import YTV2Store

/// What the dashboard keeps of every video, by its number: its facet values (``VideoFacetTable``) and its place in
/// every sort (``VideoOrders``, kept only when the database compares texts by their bytes). From them, with a
/// search's matches (``MatchBits``), any list page and any facets are answered without a statement.
struct VideoIndexTable: Sendable {
    private(set) var facets = VideoFacetTable()
    /// Nil when the database's collation orders texts otherwise than by their bytes: pages then come from the database.
    private(set) var orders: VideoOrders?

    init(keepsOrders: Bool) {
        orders = keepsOrders ? VideoOrders() : nil
    }

    var count: Int { facets.count }

    var bytes: Int { facets.bytes + (orders?.bytes ?? 0) }

    /// Sorts the orders once the whole table is read.
    mutating func finishLoading() {
        orders?.sortAll()
    }

    /// The rows read again for `ids` after a change: each replaces its video's values and moves it to its new place in
    /// every order; an id without a row (deleted) is removed. Returns the numbers the ids held before.
    @discardableResult
    mutating func replace(ids: [String], with rows: [VideoIndexRow]) -> [Int32] {
        let old = facets.replace(ids: ids, with: rows)
        for number in old { orders?.remove(number: number) }
        for row in rows { orders?.insert(row) }
        return old
    }

    /// The page `query` asks for: its sort's order walked from the nearer end, keeping the videos that pass its
    /// filters and, with a search, are among `matches`. Nil when the orders are not kept, or when a match is a video
    /// this table does not hold yet (stored after it was read, its change not put in place yet): the database answers.
    func page(_ query: ReportQuery, matches: MatchBits?) -> ReportPageIDs? {
        guard let orders else { return nil }
        let view = orders.view(query.sort)
        let filters = VideoFacetTable.Filters(query, table: facets)
        if let matches, !matches.allHeld(by: facets) { return nil }
        func member(_ number: Int32) -> Bool {
            (matches?.contains(number) ?? true) && (filters.passAll || facets.passes(number: number, filters))
        }
        let total: Int
        if filters.passAll {
            total = matches?.count ?? view.count
        } else if let matches {
            total = matches.reduce(0) { $0 + (facets.passes(number: $1, filters) ? 1 : 0) }
        } else {
            total = (0..<view.count).reduce(0) { $0 + (facets.passes(number: view[$1], filters) ? 1 : 0) }
        }
        let pagination = query.pagination(total: total)
        let window = pagination.window
        guard window.length > 0 else { return ReportPageIDs(ids: [], pagination: pagination) }
        var numbers: [Int32] = []
        numbers.reserveCapacity(window.length)
        if matches == nil && filters.passAll {
            // Every video: the page is a slice.
            let start = pagination.offset
            for position in start..<(start + window.length) { numbers.append(view[position]) }
        } else {
            var skipped = 0
            let step = window.fromEnd ? -1 : 1
            var position = window.fromEnd ? view.count - 1 : 0
            while position >= 0, position < view.count, numbers.count < window.length {
                let number = view[position]
                position += step
                guard member(number) else { continue }
                if skipped < window.skipped {
                    skipped += 1
                } else {
                    numbers.append(number)
                }
            }
            if window.fromEnd { numbers.reverse() }
        }
        return ReportPageIDs(ids: numbers.compactMap { orders.id(of: $0) }, pagination: pagination)
    }
}

extension VideoIndexTable: VideoIndexSink {
    mutating func reserve(numbers: Int, titleBytes: Int) {
        facets.reserve(numbers: numbers, titleBytes: titleBytes)
        orders?.reserve(videos: numbers, titleBytes: titleBytes)
    }

    /// A video's row as the whole table is read (``ReportReader/indexRows(into:)``).
    mutating func add(_ row: VideoIndexRow) {
        facets.add(row)
        orders?.append(row)
    }
}

/// The videos one search matches, a bit per video number: read once (``ReportReader/searchMatchNumbers(_:)``) and then
/// kept up to date by each change (a bit set or cleared), so that any page, sort, filter or facet count of the search
/// is found in memory.
struct MatchBits: Sendable, Sequence {
    private var words: [UInt64]
    /// How many bits are set.
    private(set) var count = 0

    /// Words for exactly the numbers given: a kept search is one bit per video, and growing by appends would leave up
    /// to half of each array unused.
    init(numbers: [Int32]) {
        let highest = numbers.max() ?? -1
        words = highest < 0 ? [] : Array(repeating: 0, count: Int(highest) / 64 + 1)
        for number in numbers where number >= 0 { set(number, true) }
    }

    func contains(_ number: Int32) -> Bool {
        guard number >= 0, Int(number) / 64 < words.count else { return false }
        return words[Int(number) / 64] & (1 << UInt64(Int(number) % 64)) != 0
    }

    mutating func set(_ number: Int32, _ matches: Bool) {
        guard number >= 0 else { return }
        let word = Int(number) / 64
        let mask: UInt64 = 1 << UInt64(Int(number) % 64)
        if word >= words.count {
            guard matches else { return }
            words.reserveGrowingByAnEighth(word + 1 - words.count)
            words.append(contentsOf: repeatElement(0, count: word + 1 - words.count))
        }
        let was = words[word] & mask != 0
        guard was != matches else { return }
        words[word] ^= mask
        count += matches ? 1 : -1
    }

    /// Whether `table` holds every match: a match it lacks is a video whose change it has not put in place yet.
    func allHeld(by table: VideoFacetTable) -> Bool {
        allSatisfy { table.holds(number: $0) }
    }

    /// About what the bits take in memory.
    var bytes: Int { 64 + words.capacity * 8 }

    /// The numbers of the matches, ascending, without an array of them (a common word matches most videos).
    func makeIterator() -> Iterator { Iterator(words: words) }

    struct Iterator: IteratorProtocol {
        let words: [UInt64]
        private var index = 0
        private var remaining: UInt64 = 0

        init(words: [UInt64]) {
            self.words = words
            remaining = words.first ?? 0
        }

        mutating func next() -> Int32? {
            while remaining == 0 {
                index += 1
                guard index < words.count else { return nil }
                remaining = words[index]
            }
            let number = Int32(index * 64 + remaining.trailingZeroBitCount)
            remaining &= remaining - 1
            return number
        }
    }
}
