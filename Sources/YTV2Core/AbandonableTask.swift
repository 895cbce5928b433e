import Synchronization

/// Runs `work` in a task of its own and returns what it returns, unless `watchdog` ends first (returning or throwing);
/// the other one is then cancelled and left behind. Unlike a task group, which waits for every child, the caller never
/// waits for work that may never finish (a statement on a connection that closed under it, a shadow read past its
/// time limit). Cancelling the caller ends the call with `CancellationError` at once.
package func withAbandonableTask<T: Sendable>(
    _ work: @escaping @Sendable () async throws -> T,
    watchdog: @escaping @Sendable () async throws -> T
) async throws -> T {
    let watching = Mutex<Task<Void, Never>?>(nil)
    defer { watching.withLock { $0?.cancel() } }
    return try await withAbandonableTask(work) { end in
        let task = Task {
            do { end(.success(try await watchdog())) } catch { end(.failure(error)) }
        }
        watching.withLock { $0 = task }
    }
}

/// Runs `work` in a task of its own and returns what it returns, unless it is ended first from outside: `watch` is
/// called once, before the work starts, with a function that ends the call at once with the result it is given (the
/// work is then cancelled and left behind; later calls do nothing). It lets one loop watch many calls (``withAbandonableTask(_:watchdog:)``
/// needs a task of its own beside each). Cancelling the caller ends the call with `CancellationError` at once.
package func withAbandonableTask<T: Sendable>(
    _ work: @escaping @Sendable () async throws -> T,
    watchedBy watch: (_ end: @escaping @Sendable (Result<T, any Error>) -> Void) -> Void
) async throws -> T {
    let waiter = AbandonableWaiter<T>()
    let running = Mutex<Task<Void, Never>?>(nil)
    defer { running.withLock { $0?.cancel() } }
    return try await withTaskCancellationHandler {
        try await withCheckedThrowingContinuation { continuation in
            guard waiter.wait(with: continuation) else { return }
            watch { waiter.end($0) }
            let task = Task {
                do { waiter.end(.success(try await work())) } catch { waiter.end(.failure(error)) }
            }
            running.withLock { $0 = task }
        }
    } onCancel: {
        waiter.end(.failure(CancellationError()))
    }
}

/// The caller's continuation, resumed by whichever ends first: the work, its watcher, or the caller's cancellation
/// (which may come before there is a continuation to resume).
private final class AbandonableWaiter<T: Sendable>: Sendable {
    private enum State {
        case starting
        case waiting(CheckedContinuation<T, any Error>)
        case ended(Result<T, any Error>?)
    }

    private let state = Mutex(State.starting)

    /// Keeps `continuation` to resume later; false when the call already ended (cancelled), after resuming it.
    func wait(with continuation: CheckedContinuation<T, any Error>) -> Bool {
        let ended: Result<T, any Error>?? = state.withLock { state in
            guard case .ended(let result) = state else {
                state = .waiting(continuation)
                return .none
            }
            state = .ended(nil)
            return .some(result)
        }
        guard let ended else { return true }
        continuation.resume(with: ended ?? .failure(CancellationError()))
        return false
    }

    func end(_ result: Result<T, any Error>) {
        let continuation: CheckedContinuation<T, any Error>? = state.withLock { state in
            switch state {
            case .starting:
                state = .ended(result)
                return nil
            case .waiting(let continuation):
                state = .ended(nil)
                return continuation
            case .ended:
                return nil
            }
        }
        continuation?.resume(with: result)
    }
}
