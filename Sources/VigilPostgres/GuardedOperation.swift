import PostgresNIO
import Synchronization
import VigilStorage

/// One database operation run so that its caller always gets an answer:
///
/// - Until it holds a connection it must get one within `deadline` (the
///   pool queues requests while the server is down); past it, it fails as
///   `unavailable`.
/// - Once connected, long work (a million templates at start-up, verifying
///   a long chain) takes the time it needs, but not on a connection that has
///   closed: postgres-nio writes a query to its channel without a promise, so
///   a query written after the channel's handlers are gone (a server restart
///   racing a lease) is dropped and its caller waits forever. The closed
///   connection is given `grace` to fail the work by itself; then the work is
///   abandoned (cancelled, and left to end whenever it can) and the caller
///   gets `unavailable`. Without this, a node's follow loop stuck on such a
///   query would stop following the watchlist for good.
///
/// The work runs in a task of its own, not a child: a child that never ends
/// would hold its task group, and the caller, forever.
struct GuardedOperation<T: Sendable>: Sendable {
    let deadline: Duration
    /// How often the watch looks at the connection.
    var tick = Duration.milliseconds(250)
    /// How long a closed connection may take to fail the work by itself.
    var grace = Duration.seconds(2)

    /// Runs `body`, which calls `connected` with its connection as soon as it has one.
    func run(_ body: @escaping @Sendable (_ connected: @escaping @Sendable (PostgresConnection) -> Void) async throws -> T)
        async throws(StorageError) -> T {
        let state = OperationState<T>()
        let work = Task { state.finish(await Result(catching: { try await body { state.connected($0) } })) }
        let watch = Task { [deadline, tick, grace] in
            let clock = ContinuousClock(), start = clock.now
            var closedSince: ContinuousClock.Instant?
            while !Task.isCancelled {
                try? await Task.sleep(for: tick)
                switch state.connection {
                case nil where clock.now - start >= deadline:
                    state.finish(.failure(StorageError.unavailable("the database could not be reached within \(deadline)")))
                    return
                case let connection? where connection.isClosed:
                    let since = closedSince ?? clock.now
                    closedSince = since
                    if clock.now - since >= grace {
                        state.finish(.failure(StorageError.unavailable("the connection to the database closed under the operation")))
                        return
                    }
                default:
                    continue
                }
            }
        }
        let result = await withTaskCancellationHandler {
            await state.result()
        } onCancel: {
            state.finish(.failure(CancellationError()))
        }
        // Whichever came first, the other ends: an abandoned work is cancelled, a finished work's watch stops.
        work.cancel()
        watch.cancel()
        do { return try result.get() } catch { throw StorageError.from(error) }
    }
}

/// What the caller, the work and the watch share: the connection once there
/// is one, and the first outcome (later ones are dropped).
private final class OperationState<T: Sendable>: Sendable {
    private struct State {
        var connection: PostgresConnection?
        var outcome: Result<T, any Error>?
        var waiter: CheckedContinuation<Result<T, any Error>, Never>?
    }

    private let state = Mutex(State())

    var connection: PostgresConnection? { state.withLock { $0.connection } }

    func connected(_ connection: PostgresConnection) { state.withLock { $0.connection = connection } }

    func finish(_ outcome: Result<T, any Error>) {
        let waiter = state.withLock { state -> CheckedContinuation<Result<T, any Error>, Never>? in
            guard state.outcome == nil else { return nil }
            state.outcome = outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(returning: outcome)
    }

    func result() async -> Result<T, any Error> {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { state -> Result<T, any Error>? in
                if let outcome = state.outcome { return outcome }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(returning: ready) }
        }
    }
}

private extension Result where Failure == any Error {
    init(catching body: () async throws -> Success) async {
        do { self = .success(try await body()) } catch { self = .failure(error) }
    }
}
