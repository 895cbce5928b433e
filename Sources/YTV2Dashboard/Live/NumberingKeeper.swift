import YTV2Store

/// The numbering of every video (``VideoNumbering``), kept across changes. A video's number never changes while it
/// exists, so a change leaves the numbering right except for videos stored after it was read; the match set or order
/// that meets one of those reports the numbering stale (``markStale(_:)``), and the next request reads it again. Why
/// not after every change: reading it means every video's id and number, and a numbering's allocations, which under a
/// steady stream of writes would be paid by the first search after each one.
actor NumberingKeeper {
    private var current: VideoNumbering?
    private var reading: Task<VideoNumbering, any Error>?
    private var generation = 0

    /// The numbering in use, if one is read.
    var kept: VideoNumbering? { current }

    /// The numbering in use, read with `read` (given the new numbering's generation) when there is none.
    func numbering(read: @escaping @Sendable (_ generation: Int) async throws -> VideoNumbering) async throws -> VideoNumbering {
        if let current { return current }
        if let reading { return try await reading.value }
        generation += 1
        let task = Task { [generation] in try await read(generation) }
        reading = task
        defer { if reading == task { reading = nil } }
        let numbering = try await task.value
        if reading == task { current = numbering }
        return numbering
    }

    /// Lets the numbering go (the video index pages without it); the next request that needs one reads it again.
    func forget() {
        current = nil
        reading = nil
    }

    /// `numbering` lacks a stored video: the next request reads the numbering again (unless it was already replaced).
    func markStale(_ numbering: VideoNumbering) {
        if current === numbering { current = nil }
    }
}
