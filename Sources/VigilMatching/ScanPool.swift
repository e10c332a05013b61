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

/// Items `0..<count` handed out in order, `batch` at a time, to whichever
/// of a pool's threads asks next (`for item in queue` inside
/// `ScanPool.run`; each thread's loop takes its own iterator): items of
/// uneven cost, such as index segments holding more or fewer of a probe's
/// look-alikes, or candidates with more or fewer minutiae, keep every
/// thread busy to the end, where a fixed share each leaves one waiting on
/// the other. Every item is handed out once, so results that do not depend
/// on which thread did what (sums, maxima, slots per item) are the same as
/// a fixed split's.
final class WorkQueue: Sequence, Sendable {
    private let taken = Atomic(0)
    let count: Int
    /// Items claimed at once: more than one where an item is cheap next to the claim.
    let batch: Int

    init(count: Int, batch: Int = 1) {
        self.count = count
        self.batch = Swift.max(1, batch)
    }

    struct Iterator: IteratorProtocol {
        let queue: WorkQueue
        var claimed = 0..<0

        mutating func next() -> Int? {
            if claimed.isEmpty {
                let lo = queue.taken.add(queue.batch, ordering: .relaxed).oldValue
                guard lo < queue.count else { return nil }
                claimed = lo..<Swift.min(queue.count, lo + queue.batch)
            }
            return claimed.popFirst()
        }
    }

    func makeIterator() -> Iterator { Iterator(queue: self) }
}
