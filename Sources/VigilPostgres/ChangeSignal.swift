import Synchronization

/// Wakes the one task that follows the watchlist when a notification
/// arrives. A notification that comes while nobody waits is remembered
/// (a generation count), so the next wait returns at once instead of
/// sleeping through it.
final class ChangeSignal: Sendable {
    private struct State {
        /// Whether a connection is LISTENing now (notifications can arrive).
        var listening = false
        var generation = 0
        var seen = 0
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = Mutex(State())

    var isListening: Bool { state.withLock { $0.listening } }

    func setListening(_ listening: Bool) { state.withLock { $0.listening = listening } }

    func fire() {
        state.withLock { $0.generation += 1 }
        fireWaiterOnly()
    }

    /// Returns at the next notification (or at once if one came since the
    /// last wait), or after `timeout`.
    func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { [self] in await next() }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            // Cancelling releases the waiter, if registered, so its child ends.
            group.cancelAll()
        }
        state.withLock { $0.seen = $0.generation }
    }

    private func next() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                // Cancelled before it could register (the timeout won first): nothing will resume it later.
                let pending = state.withLock { state -> Bool in
                    if state.generation != state.seen || Task.isCancelled { return true }
                    state.waiter?.resume()
                    state.waiter = continuation
                    return false
                }
                if pending { continuation.resume() }
            }
        } onCancel: {
            fireWaiterOnly()
        }
    }

    private func fireWaiterOnly() {
        let waiter = state.withLock { state -> CheckedContinuation<Void, Never>? in
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume()
    }
}
