import Dispatch
import Foundation
import Synchronization

/// Thread-safe face analysis over a fixed pool of engines, one per core by
/// default. Each engine runs on its own serial queue, so the blocking C++
/// work (tens of milliseconds) never occupies Swift's cooperative threads,
/// and callers beyond the pool size wait their turn instead of piling up.
public final class FaceAnalyzer: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Images declaring more pixels are rejected before decoding.
        public var maxPixels: UInt64 = 40_000_000
        /// Longer side of the copy the detector scans.
        public var detectionMaxSide: Int32 = 1024
        public init() {}
    }

    /// The model files the engine loads, relative to the models directory.
    public static let requiredModels = [
        "shape_predictor_5_face_landmarks.dat",
        "dlib_face_recognition_resnet_model_v1.dat",
    ]

    public let limits: Limits
    public var concurrency: Int { workers.count }
    private let workers: [Worker]
    private let pool: Mutex<Pool>

    private struct Pool: ~Copyable {
        var idle: [Int]
        var waiters: [CheckedContinuation<Int, Never>] = []
    }

    /// `@unchecked` because the engine is used only on `queue`, and the pool
    /// lends a worker to a single call at a time.
    private final class Worker: @unchecked Sendable {
        let engine: FaceEngine
        let queue: DispatchQueue
        init(engine: FaceEngine, index: Int) {
            self.engine = engine
            self.queue = DispatchQueue(label: "vigil.face-engine.\(index)")
        }
    }

    public init(modelsDirectory: String, concurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
                limits: Limits = Limits()) throws(VisionError) {
        for model in Self.requiredModels where !FileManager.default.fileExists(atPath: modelsDirectory + "/" + model) {
            throw .modelLoad("\(model) not found in \(modelsDirectory); run Models/fetch-models.sh")
        }
        var workers: [Worker] = []
        for index in 0..<max(1, concurrency) {
            workers.append(Worker(engine: try FaceEngine(modelsDirectory: modelsDirectory), index: index))
        }
        self.workers = workers
        self.limits = limits
        self.pool = Mutex(Pool(idle: Array(workers.indices)))
    }

    public func analyze(_ bytes: [UInt8]) async throws(VisionError) -> FaceAnalysis {
        let index = await acquire()
        defer { release(index) }
        let worker = workers[index]
        let limits = self.limits
        let result = await withCheckedContinuation { (done: CheckedContinuation<Result<FaceAnalysis, VisionError>, Never>) in
            worker.queue.async {
                done.resume(returning: worker.engine.analyze(bytes, maxPixels: limits.maxPixels,
                                                             detectionMaxSide: limits.detectionMaxSide))
            }
        }
        return try result.get()
    }

    private func acquire() async -> Int {
        await withCheckedContinuation { continuation in
            pool.withLock { pool in
                if let index = pool.idle.popLast() {
                    continuation.resume(returning: index)
                } else {
                    pool.waiters.append(continuation)
                }
            }
        }
    }

    private func release(_ index: Int) {
        let next = pool.withLock { pool -> CheckedContinuation<Int, Never>? in
            guard !pool.waiters.isEmpty else {
                pool.idle.append(index)
                return nil
            }
            return pool.waiters.removeFirst()
        }
        next?.resume(returning: index)
    }
}
