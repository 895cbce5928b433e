import YTV2Store

/// The numbering of every video (``VideoNumbering``), kept across changes. A video's number never changes while it
/// exists, so a change leaves the numbering right except for videos stored after it was read; the match set or order
/// that meets one of those reports the numbering stale (``markStale(_:)``), and the next request reads it again. Read
/// after every change instead, it cost a read of every video's id and number (80–100 ms of PostgreSQL at 100,000
/// videos, on a busy machine) on the first search after each change, and the allocations of a numbering each time:
/// under the soak drill's traffic (a change every 30 ms) the server's resident memory grew 8–9 % in its second half.
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

    /// `numbering` lacks a stored video: the next request reads the numbering again (unless it was already replaced).
    func markStale(_ numbering: VideoNumbering) {
        if current === numbering { current = nil }
    }
}
