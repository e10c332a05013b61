import Foundation
import Dispatch
import Synchronization

/// A fixed pool of scan threads. A query is split into one partition per
/// thread; the calling thread runs partition 0 and the pool's threads the
/// rest, so a one-thread pool starts no thread at all. Queries are served
/// one at a time (each uses every thread), which keeps latency flat: p99
/// stays close to p50 instead of queries competing for cores.
public final class ScanPool: Sendable {
    public let threads: Int
    private let workers: [Worker]
    private let gate = Mutex(())

    /// A job slot and two semaphores; `@unchecked` because `job` is written
    /// by the dispatching thread before `start` is signalled and read by the
    /// worker only after it waits on `start` (the semaphores order them).
    private final class Worker: @unchecked Sendable {
        let start = DispatchSemaphore(value: 0)
        let done = DispatchSemaphore(value: 0)
        var job: (@Sendable () -> Void)?
        var stopping = false
    }

    public init(threads: Int) {
        self.threads = max(1, threads)
        workers = (1..<max(1, threads)).map { _ in Worker() }
        for (index, worker) in workers.enumerated() {
            let thread = Thread {
                while true {
                    worker.start.wait()
                    if worker.stopping { return }
                    worker.job?()
                    worker.job = nil
                    worker.done.signal()
                }
            }
            thread.name = "vigil.scan.\(index + 1)"
            // The default stack size is kept on purpose: setting `stackSize` on
            // Linux (swift-corelibs-foundation) corrupted other threads' memory here.
            thread.start()
        }
    }

    deinit {
        for worker in workers {
            worker.stopping = true
            worker.start.signal()
        }
    }

    /// Runs `body(partition)` for partitions `0..<threads`, in parallel, and
    /// returns when all are finished.
    public func run(_ body: @escaping @Sendable (Int) -> Void) {
        gate.withLock { _ in
            for (index, worker) in workers.enumerated() {
                worker.job = { body(index + 1) }
                worker.start.signal()
            }
            body(0)
            for worker in workers { worker.done.wait() }
        }
    }
}

/// Items `0..<count` handed out one at a time, in order, to whichever of a
/// pool's threads asks next (`for item in queue` inside `ScanPool.run`):
/// items of uneven cost, such as index segments holding more or fewer of a
/// probe's look-alikes, keep every thread busy to the end, where a fixed
/// share each leaves one waiting on the other. Every item is handed out
/// once, so results that do not depend on which thread did what (sums,
/// maxima, slots per item) are the same as a fixed split's.
final class WorkQueue: Sequence, IteratorProtocol, Sendable {
    private let taken = Atomic(0)
    let count: Int

    init(count: Int) { self.count = count }

    func next() -> Int? {
        let item = taken.add(1, ordering: .relaxed).oldValue
        return item < count ? item : nil
    }
}
