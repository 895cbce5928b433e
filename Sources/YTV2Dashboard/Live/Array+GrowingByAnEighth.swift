extension Array {
    /// Makes room for `more` elements beyond the count, growing by an eighth rather than doubling: the video index
    /// keeps columns of an element per video, and doubling each of them for one new video would take as much memory
    /// again for nothing.
    mutating func reserveGrowingByAnEighth(_ more: Int = 1) {
        let needed = count + more
        guard needed > capacity else { return }
        reserveCapacity(Swift.max(needed, capacity + capacity / 8))
    }
}
