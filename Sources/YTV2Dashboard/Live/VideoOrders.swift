import Foundation
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
    /// The kept orders.
    enum Family: CaseIterable {
        case added, published, title, duration
    }

    private var keys = SortKeys()
    private var added: [Int32] = []
    private var published: [Int32] = []
    private var titles: [Int32] = []
    private var durationOrder: [Int32] = []
    /// Whether rows were added since the orders were last sorted (the whole table is read unordered, then sorted once).
    private var unsorted = false

    /// How many videos the orders hold.
    var count: Int { added.count }

    /// About what the orders and keys take.
    var bytes: Int {
        keys.bytes + (added.capacity + published.capacity + titles.capacity + durationOrder.capacity) * 4
    }

    /// The id of the video numbered `number`.
    func id(of number: Int32) -> String? { keys.ids[Int(number)] }

    /// Makes room for `videos` numbers and titles of `titleBytes` bytes in all, read whole next.
    mutating func reserve(videos: Int, titleBytes: Int) {
        for family in Family.allCases { self[family].reserveCapacity(videos) }
        keys.reserve(videos: videos, titleBytes: titleBytes)
    }

    /// Adds a video while the whole table is read; ``sortAll()`` puts the orders in order once it is read.
    mutating func append(_ row: VideoIndexRow) {
        guard row.number >= 0 else { return }
        keys.store(row)
        for family in Family.allCases {
            self[family].reserveGrowingByAnEighth()
            self[family].append(row.number)
        }
        unsorted = true
    }

    mutating func sortAll() {
        guard unsorted else { return }
        let keys = self.keys
        for family in Family.allCases {
            self[family].sort { keys.precedes($0, $1, in: family) }
        }
        unsorted = false
    }

    /// Takes the video numbered `number` out of every order (it was deleted, or is about to be put in its new place).
    mutating func remove(number: Int32) {
        guard keys.holds(number) else { return }
        precondition(!unsorted, "the orders are changed in place only once sorted")
        for family in Family.allCases {
            let position = insertionPoint(of: number, in: family)
            if position < self[family].count, self[family][position] == number { self[family].remove(at: position) }
        }
        keys.remove(number)
    }

    /// Puts a stored or changed video in its place in every order (after ``remove(number:)`` for a changed one).
    mutating func insert(_ row: VideoIndexRow) {
        guard row.number >= 0 else { return }
        precondition(!unsorted, "the orders are changed in place only once sorted")
        keys.store(row)
        for family in Family.allCases {
            let position = insertionPoint(of: row.number, in: family)
            self[family].reserveGrowingByAnEighth()
            self[family].insert(row.number, at: position)
        }
    }

    /// The first position in `family` whose video does not come before the video numbered `number` (by the keys kept
    /// for it): where it is, or where it goes.
    private func insertionPoint(of number: Int32, in family: Family) -> Int {
        let order = self[family]
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if keys.precedes(order[middle], number, in: family) { low = middle + 1 } else { high = middle }
        }
        return low
    }

    private subscript(family: Family) -> [Int32] {
        get {
            switch family {
            case .added: added
            case .published: published
            case .title: titles
            case .duration: durationOrder
            }
        }
        _modify {
            switch family {
            case .added: yield &added
            case .published: yield &published
            case .title: yield &titles
            case .duration: yield &durationOrder
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
        case .newest:
            SortedView(numbers: published, known: knownCount(published) { keys.publishedAt[$0] != SortKeys.unknownDate }, backward: true)
        case .durationAsc: SortedView(numbers: durationOrder, known: durationOrder.count, backward: false)
        case .durationDesc: SortedView(numbers: durationOrder, known: knownCount(durationOrder) { keys.durations[$0] >= 0 }, backward: true)
        }
    }

    /// How many videos at the start of `order` (ascending, nulls last) have a known value: found by a binary search.
    private func knownCount(_ order: [Int32], _ known: (Int) -> Bool) -> Int {
        var low = 0
        var high = order.count
        while low < high {
            let middle = (low + high) / 2
            if known(Int(order[middle])) { low = middle + 1 } else { high = middle }
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

/// Each video's sort keys by its number, packed in columns so that they compare without a string's bookkeeping: by
/// their layout, 44 bytes a video and the title's bytes (about 9 MB for 100,000 videos with titles of 44 bytes).
struct SortKeys: Sendable {
    /// The key an unknown date is kept as; a real `-infinity` (also the lowest value) is kept one above it.
    static let unknownDate = Int64.min

    private(set) var ids: [String?] = []
    private(set) var indexedAt: [Int64] = []
    /// ``unknownDate`` when unknown.
    private(set) var publishedAt: [Int64] = []
    /// -1 when unknown (the column refuses negative durations).
    private(set) var durations: [Int32] = []
    /// Where each title's bytes sit in `titleBytes`. A changed title's new bytes are appended, the old ones left until
    /// the dead bytes outweigh the live ones, when the live ones are copied out.
    private var titleStarts: [UInt32] = []
    private var titleLengths: [UInt32] = []
    private var titleBytes: [UInt8] = []
    private var liveTitleBytes = 0

    var bytes: Int {
        ids.capacity * 16 + (indexedAt.capacity + publishedAt.capacity) * 8
            + (durations.capacity + titleStarts.capacity + titleLengths.capacity) * 4 + titleBytes.capacity
    }

    func holds(_ number: Int32) -> Bool { Int(number) < ids.count && ids[Int(number)] != nil }

    mutating func reserve(videos: Int, titleBytes: Int) {
        ids.reserveCapacity(videos)
        indexedAt.reserveCapacity(videos)
        publishedAt.reserveCapacity(videos)
        durations.reserveCapacity(videos)
        titleStarts.reserveCapacity(videos)
        titleLengths.reserveCapacity(videos)
        self.titleBytes.reserveCapacity(titleBytes)
    }

    mutating func store(_ row: VideoIndexRow) {
        let position = Int(row.number)
        if position >= ids.count {
            let missing = position + 1 - ids.count
            ids.reserveGrowingByAnEighth(missing)
            indexedAt.reserveGrowingByAnEighth(missing)
            publishedAt.reserveGrowingByAnEighth(missing)
            durations.reserveGrowingByAnEighth(missing)
            titleStarts.reserveGrowingByAnEighth(missing)
            titleLengths.reserveGrowingByAnEighth(missing)
            ids.append(contentsOf: repeatElement(nil, count: missing))
            indexedAt.append(contentsOf: repeatElement(0, count: missing))
            publishedAt.append(contentsOf: repeatElement(Self.unknownDate, count: missing))
            durations.append(contentsOf: repeatElement(-1, count: missing))
            titleStarts.append(contentsOf: repeatElement(0, count: missing))
            titleLengths.append(contentsOf: repeatElement(0, count: missing))
        }
        if ids[position] != nil { liveTitleBytes -= Int(titleLengths[position]) }
        ids[position] = row.videoID
        indexedAt[position] = row.indexedAt
        publishedAt[position] = row.publishedAt.map { max($0, Self.unknownDate + 1) } ?? Self.unknownDate
        durations[position] = row.durationSeconds ?? -1
        if titleBytes.count > 2 * liveTitleBytes + 65_536 { compactTitles() }
        titleStarts[position] = UInt32(titleBytes.count)
        titleLengths[position] = UInt32(row.titleSort.utf8.count)
        titleBytes.reserveGrowingByAnEighth(row.titleSort.utf8.count)
        titleBytes.append(contentsOf: row.titleSort.utf8)
        liveTitleBytes += row.titleSort.utf8.count
    }

    mutating func remove(_ number: Int32) {
        let position = Int(number)
        guard ids[position] != nil else { return }
        ids[position] = nil
        liveTitleBytes -= Int(titleLengths[position])
        titleLengths[position] = 0
    }

    /// Copies the titles still in use into a new buffer, in the order of their numbers.
    private mutating func compactTitles() {
        var compacted: [UInt8] = []
        compacted.reserveCapacity(liveTitleBytes)
        for number in ids.indices where ids[number] != nil {
            let start = Int(titleStarts[number])
            titleStarts[number] = UInt32(compacted.count)
            compacted.append(contentsOf: titleBytes[start..<(start + Int(titleLengths[number]))])
        }
        titleBytes = compacted
    }

    /// Whether the video numbered `a` comes before the one numbered `b` in `family`'s ascending order: nulls last, ties
    /// by id, texts by their bytes.
    func precedes(_ a: Int32, _ b: Int32, in family: VideoOrders.Family) -> Bool {
        let (a, b) = (Int(a), Int(b))
        switch family {
        case .added:
            if indexedAt[a] != indexedAt[b] { return indexedAt[a] < indexedAt[b] }
        case .published:
            if publishedAt[a] != publishedAt[b] {
                if publishedAt[a] == Self.unknownDate { return false }
                if publishedAt[b] == Self.unknownDate { return true }
                return publishedAt[a] < publishedAt[b]
            }
        case .duration:
            if durations[a] != durations[b] {
                if durations[a] < 0 { return false }
                if durations[b] < 0 { return true }
                return durations[a] < durations[b]
            }
        case .title:
            if let order = titlePrecedes(a, b) { return order }
        }
        var left = (ids[a] ?? "").utf8.makeIterator()
        var right = (ids[b] ?? "").utf8.makeIterator()
        while true {
            switch (left.next(), right.next()) {
            case (nil, nil): return false
            case (nil, _): return true
            case (_, nil): return false
            case (let x?, let y?): if x != y { return x < y }
            }
        }
    }

    /// Whether title `a`'s bytes come before title `b`'s; nil when they are the same bytes. (Swift's `<` on strings
    /// compares by Unicode's canonical equivalence, which the database does not.)
    private func titlePrecedes(_ a: Int, _ b: Int) -> Bool? {
        let (lengthA, lengthB) = (Int(titleLengths[a]), Int(titleLengths[b]))
        let compared = titleBytes.withUnsafeBytes { bytes -> Int32 in
            guard let base = bytes.baseAddress else { return 0 }
            return memcmp(base + Int(titleStarts[a]), base + Int(titleStarts[b]), min(lengthA, lengthB))
        }
        if compared != 0 { return compared < 0 }
        return lengthA == lengthB ? nil : lengthA < lengthB
    }
}
