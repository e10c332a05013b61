import Dispatch
import Foundation
import Synchronization
import VigilVisionC

/// Thread-safe face analysis over a fixed pool of engines, one per core by
/// default. Each engine runs on its own serial queue, so the blocking C++
/// work (tens of milliseconds) never occupies Swift's cooperative threads,
/// and callers beyond the pool size wait their turn instead of piling up.
public final class FaceAnalyzer: Sendable {
    public struct Limits: Sendable, Equatable {
        /// Images declaring more pixels are rejected before decoding.
        public var maxPixels: UInt64 = 40_000_000
        /// Longer side of the copy the HOG detector scans.
        public var detectionMaxSide: Int32 = 1024
        /// Faces whose box side is smaller are counted but not described: too
        /// small to meet the quality minimums (an inter-eye distance of 20 px
        /// comes with a box of about 50 px), so describing them only costs time.
        public var minimumFaceSide: Int32 = 40
        public init() {}
    }

    /// The detector and landmark files the engine loads from the models
    /// folder, whatever the recognizer.
    public static let detectionModels = [
        "face_detection_front_128x128.onnx",
        "mmod_human_face_detector.dat",
        "shape_predictor_5_face_landmarks.dat",
    ]

    /// Every file the engine loads with `recognizer`, as paths.
    public static func modelPaths(modelsDirectory: String, recognizer: FaceRecognizer) -> [String] {
        detectionModels.map { modelsDirectory + "/" + $0 }
            + recognizer.components.map { FaceRecognizer.path(of: $0, modelsDirectory: modelsDirectory) }
    }

    public let limits: Limits
    /// The most faces one analysis describes.
    public static let maxFaces = Int(VV_MAX_FACES)
    public let recognizer: FaceRecognizer
    public var concurrency: Int { workers.count }
    private let workers: [Worker]
    private let pool: Mutex<Pool>

    /// Who is waiting for an engine. A screening at a border post is
    /// served before bulk work (imports), so a large import delays it by at
    /// most one analysis instead of the whole queue.
    public enum Priority: Sendable {
        case interactive, bulk
    }

    private struct Pool: ~Copyable {
        var idle: [Int]
        var interactive: [CheckedContinuation<Int, Never>] = []
        var bulk: [CheckedContinuation<Int, Never>] = []
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

    public init(modelsDirectory: String, recognizer: FaceRecognizer = .shipped,
                concurrency: Int = ProcessInfo.processInfo.activeProcessorCount,
                limits: Limits = Limits()) throws(VisionError) {
        if let problem = recognizer.problem { throw .modelLoad("recognizer \(recognizer.name): \(problem)") }
        for path in Self.modelPaths(modelsDirectory: modelsDirectory, recognizer: recognizer)
        where !FileManager.default.fileExists(atPath: path) {
            throw .modelLoad("\(path) not found; run Models/fetch-models.sh")
        }
        self.recognizer = recognizer
        var workers: [Worker] = []
        for index in 0..<max(1, concurrency) {
            workers.append(Worker(engine: try FaceEngine(modelsDirectory: modelsDirectory, recognizer: recognizer), index: index))
        }
        self.workers = workers
        self.limits = limits
        self.pool = Mutex(Pool(idle: Array(workers.indices)))
    }

    /// Analyses one image: the subject only, or up to `maxFaces` faces (a
    /// screening looks at everyone in the capture).
    public func analyze(_ bytes: [UInt8], maxFaces: Int = 1, priority: Priority = .interactive) async throws(VisionError) -> FaceAnalysis {
        let index = await acquire(priority)
        defer { release(index) }
        let worker = workers[index]
        let limits = self.limits
        let result = await withCheckedContinuation { (done: CheckedContinuation<Result<FaceAnalysis, VisionError>, Never>) in
            worker.queue.async {
                done.resume(returning: worker.engine.analyze(bytes, limits: limits, maxFaces: maxFaces))
            }
        }
        return try result.get()
    }

    /// Calls waiting for an engine, by priority (what a test of the order observes).
    var waiting: (interactive: Int, bulk: Int) { pool.withLock { ($0.interactive.count, $0.bulk.count) } }

    private func acquire(_ priority: Priority) async -> Int {
        await withCheckedContinuation { continuation in
            pool.withLock { pool in
                if let index = pool.idle.popLast() {
                    continuation.resume(returning: index)
                } else if priority == .interactive {
                    pool.interactive.append(continuation)
                } else {
                    pool.bulk.append(continuation)
                }
            }
        }
    }

    private func release(_ index: Int) {
        let next = pool.withLock { pool -> CheckedContinuation<Int, Never>? in
            if !pool.interactive.isEmpty { return pool.interactive.removeFirst() }
            if !pool.bulk.isEmpty { return pool.bulk.removeFirst() }
            pool.idle.append(index)
            return nil
        }
        next?.resume(returning: index)
    }
}
