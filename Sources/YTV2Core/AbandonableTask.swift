import Synchronization

/// Runs `work` in a task of its own and returns what it returns, unless `watchdog` ends first (returning or throwing);
/// the other one is then cancelled and left behind. Unlike a task group, which waits for every child, the caller never
/// waits for work that may never finish (a statement on a connection that closed under it, a shadow read past its
/// time limit). Cancelling the caller ends the call with `CancellationError` at once.
package func withAbandonableTask<T: Sendable>(
    _ work: @escaping @Sendable () async throws -> T,
    watchdog: @escaping @Sendable () async throws -> T
) async throws -> T {
    let pending = Mutex<CheckedContinuation<T, any Error>?>(nil)
    let finish: @Sendable (Result<T, any Error>) -> Void = { result in
        pending.withLock { continuation in
            continuation?.resume(with: result)
            continuation = nil
        }
    }
    let tasks = Mutex<[Task<Void, Never>]>([])
    defer { tasks.withLock { for task in $0 { task.cancel() } } }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            pending.withLock { $0 = continuation }
            for body in [work, watchdog] {
                let task = Task {
                    do { finish(.success(try await body())) } catch { finish(.failure(error)) }
                }
                tasks.withLock { $0.append(task) }
            }
        }
    } onCancel: {
        finish(.failure(CancellationError()))
    }
}
