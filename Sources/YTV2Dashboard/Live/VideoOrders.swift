import YTV2Store

/// Every video in the order of each list sort (``ReportSort``), as video numbers, with the keys each was placed by:
/// kept up to date by putting a changed video in its place (a binary search and an insertion) rather than read again
/// from the database after every change. Valid only when the database compares texts by their bytes
/// (``ReportReader/sortsTextsByBytes()``): titles and the ties broken by video id are compared here as it does.
///
/// Four orders are kept, each ascending with nulls last and ties by video id: added, published, title and duration.
/// Each sort is one of them read forward or backward: `added_desc` and `title_za` are exact reverses; `newest` and
/// `duration_desc` keep their nulls last too, so they read the known values backward and then the nulls backward.
struct VideoOrders: Sendable {
    /// What one video is placed by.
    struct Keys: Sendable {
        var indexedAt: Int64
        var publishedAt: Int64?
        var duration: Int32?
        var title: String
        var id: String
    }

    /// The kept orders.
    enum Family: CaseIterable {
        case added, published, title, duration
    }

    /// By number; nil for a number no stored video has.
    private(set) var keys: [Keys?] = []
    private var added: [Int32] = []
    private var published: [Int32] = []
    private var titles: [Int32] = []
    private var durations: [Int32] = []
    /// Whether rows were added since the orders were last sorted (the whole table is read unordered, then sorted once).
    private var unsorted = false

    /// How many videos the orders hold.
    var count: Int { added.count }

    /// About what the orders and keys take: four numbers and the keys per video, and each title longer than a string
    /// keeps inline.
    var bytes: Int {
        var titleBytes = 0
        for case let key? in keys where key.title.utf8.count > 15 { titleBytes += 32 + key.title.utf8.count }
        return count * 4 * 4 + keys.count * MemoryLayout<Keys?>.stride + titleBytes
    }

    /// The id of the video numbered `number`.
    func id(of number: Int32) -> String? { keys[Int(number)]?.id }

    /// Adds a video while the whole table is read; ``sortAll()`` puts the orders in order once it is read.
    mutating func append(_ row: VideoIndexRow) {
        guard row.number >= 0 else { return }
        store(keys: row, at: row.number)
        added.append(row.number)
        published.append(row.number)
        titles.append(row.number)
        durations.append(row.number)
        unsorted = true
    }

    mutating func sortAll() {
        guard unsorted else { return }
        let keys = self.keys
        for family in Family.allCases {
            self[family].sort { Self.precedes(keys[Int($0)]!, keys[Int($1)]!, in: family) }
        }
        unsorted = false
    }

    /// Takes the video numbered `number` out of every order (it was deleted, or is about to be put in its new place).
    mutating func remove(number: Int32) {
        guard Int(number) < keys.count, let old = keys[Int(number)] else { return }
        precondition(!unsorted, "the orders are changed in place only once sorted")
        for family in Family.allCases {
            let position = insertionPoint(of: old, in: family)
            if position < self[family].count, self[family][position] == number { self[family].remove(at: position) }
        }
        keys[Int(number)] = nil
    }

    /// Puts a stored or changed video in its place in every order (after ``remove(number:)`` for a changed one).
    mutating func insert(_ row: VideoIndexRow) {
        guard row.number >= 0 else { return }
        precondition(!unsorted, "the orders are changed in place only once sorted")
        store(keys: row, at: row.number)
        let new = keys[Int(row.number)]!
        for family in Family.allCases {
            self[family].insert(row.number, at: insertionPoint(of: new, in: family))
        }
    }

    private mutating func store(keys row: VideoIndexRow, at number: Int32) {
        let position = Int(number)
        if position >= keys.count { keys.append(contentsOf: repeatElement(nil, count: position + 1 - keys.count)) }
        keys[position] = Keys(
            indexedAt: row.indexedAt,
            publishedAt: row.publishedAt,
            duration: row.durationSeconds,
            title: row.titleSort,
            id: row.videoID
        )
    }

    /// The first position in `family` whose video does not come before `key`: where it is, or where it goes.
    private func insertionPoint(of key: Keys, in family: Family) -> Int {
        let order = self[family]
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if Self.precedes(keys[Int(order[middle])]!, key, in: family) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private subscript(family: Family) -> [Int32] {
        get {
            switch family {
            case .added: added
            case .published: published
            case .title: titles
            case .duration: durations
            }
        }
        _modify {
            switch family {
            case .added: yield &added
            case .published: yield &published
            case .title: yield &titles
            case .duration: yield &durations
            }
        }
    }

    /// Whether `a` comes before `b` in `family`'s ascending order: nulls last, ties by id, texts by their bytes.
    static func precedes(_ a: Keys, _ b: Keys, in family: Family) -> Bool {
        switch family {
        case .added:
            if a.indexedAt != b.indexedAt { return a.indexedAt < b.indexedAt }
        case .published:
            if let order = nullsLast(a.publishedAt, b.publishedAt) { return order }
        case .duration:
            if let order = nullsLast(a.duration, b.duration) { return order }
        case .title:
            if let order = bytesPrecede(a.title, b.title) { return order }
        }
        return bytesPrecede(a.id, b.id) ?? false
    }

    /// Whether `a` comes before `b`, ascending with nulls last; nil when they are equal.
    private static func nullsLast<Value: Comparable>(_ a: Value?, _ b: Value?) -> Bool? {
        switch (a, b) {
        case (nil, nil): nil
        case (nil, _): false
        case (_, nil): true
        case (let a?, let b?): a == b ? nil : a < b
        }
    }

    /// Whether `a`'s bytes come before `b`'s; nil when they are the same bytes. Swift's `<` on strings compares by
    /// Unicode's canonical equivalence, which the database does not.
    private static func bytesPrecede(_ a: String, _ b: String) -> Bool? {
        var left = a.utf8.makeIterator()
        var right = b.utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return nil
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?): if x != y { return x < y }
            }
        }
    }

    /// The videos in `sort`'s order: the view a page is a slice of.
    func view(_ sort: ReportSort) -> SortedView {
        switch sort {
        case .addedAsc: SortedView(numbers: added, known: added.count, backward: false)
        case .addedDesc: SortedView(numbers: added, known: added.count, backward: true)
        case .titleAZ: SortedView(numbers: titles, known: titles.count, backward: false)
        case .titleZA: SortedView(numbers: titles, known: titles.count, backward: true)
        case .oldest: SortedView(numbers: published, known: published.count, backward: false)
        case .newest: SortedView(numbers: published, known: knownCount(published) { $0.publishedAt != nil }, backward: true)
        case .durationAsc: SortedView(numbers: durations, known: durations.count, backward: false)
        case .durationDesc: SortedView(numbers: durations, known: knownCount(durations) { $0.duration != nil }, backward: true)
        }
    }

    /// How many videos at the start of `order` (ascending, nulls last) have a known value: found by a binary search.
    private func knownCount(_ order: [Int32], _ known: (Keys) -> Bool) -> Int {
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if known(keys[Int(order[middle])]!) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    /// One sort's order over an ascending order with nulls last: read forward, or backward with the `known` values
    /// first (backward) and the nulls after them (backward too), as `DESC NULLS LAST, video_id DESC` sorts.
    struct SortedView: Sendable {
        let numbers: [Int32]
        /// How many of `numbers` (from the start) have a known value; the rest are nulls.
        let known: Int
        let backward: Bool

        var count: Int { numbers.count }

        subscript(position: Int) -> Int32 {
            guard backward else { return numbers[position] }
            return position < known ? numbers[known - 1 - position] : numbers[numbers.count - 1 - (position - known)]
        }
    }
}
