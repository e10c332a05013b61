import VigilStores
import Dispatch
import VigilMatching
import VigilScreening

/// `vigil bench search`: 1:N face search throughput and latency against the
/// machine's own streaming bandwidth and a scalar Float32 baseline, all
/// measured in the same run.
public enum SearchBenchmark {
    public enum Layout: String, Sendable, Codable, CaseIterable { case int8, f32 }

    public struct Options: Sendable {
        public var gallery = 1_000_000
        public var dimension = FacePipeline.shippedDimension
        public var queries = 1_000
        public var threads = 2
        public var layout = Layout.int8
        public var limit = 10
        public var seed: UInt64 = 1
        /// Buffer sizes the bandwidth probe streams; the best rate is the ceiling.
        public var bandwidthProbeSizes = MemoryBandwidth.defaultSizes
        /// Also measure start-up: fill this store (a SQLite file or a postgres:// URL) with the gallery (once) and time loading it.
        public var databasePath: String?
        public init() {}
    }

    public struct Report: Sendable, Codable {
        public let layout: Layout
        public let gallery: Int
        public let dimension: Int
        public let queries: Int
        public let threads: Int
        public let vectorsPerS: Double
        public let gbPerS: Double
        public let bandwidthGbPerS: Double
        public let fractionOfBandwidth: Double
        public let latencyMsP50: Double
        public let latencyMsP99: Double
        public let baselineVectorsPerS: Double
        public let speedupVsBaseline: Double
        public let rank1Agreement: Double
        public let bytesPerTemplate: Double
        public let buildSeconds: Double
        public var loadSeconds: Double?
    }

    public static func run(_ options: Options, progress: @escaping @Sendable (String) -> Void = { _ in }) async throws(VigilError) -> Report {
        do {
            var report = try search(options, progress: progress)
            if let path = options.databasePath {
                report.loadSeconds = try await load(options, path: path, progress: progress)
            }
            return report
        } catch let error as VigilError {
            throw error
        } catch {
            throw VigilError(.invalidField, "the benchmark refused its input: \(error)")
        }
    }

    static func load(_ options: Options, path: String, progress: @escaping @Sendable (String) -> Void) async throws(VigilError) -> Double {
        guard options.dimension == FacePipeline.shippedDimension else {
            throw VigilError(.invalidField, "--from-db needs --dim \(FacePipeline.shippedDimension), the shipped face template size")
        }
        let data = SyntheticGallery(count: options.gallery, dimension: options.dimension, seed: options.seed)
        try await WatchlistLoading.populate(location: StoreLocation(path), vectors: { i in
            let v = data.vector(i)
            return (v, QuantizedVector(v).serialized)
        }, count: options.gallery) { done in
            if done % 100_000 == 0 || done == options.gallery { progress("database: \(done) templates written") }
        }
        progress("timing start-up: loading the index from \(path)")
        let loaded = try await WatchlistLoading.measure(location: StoreLocation(path))
        guard loaded.templates >= options.gallery else {
            throw VigilError(.invalidField, "\(path) holds \(loaded.templates) templates, fewer than --gallery")
        }
        return loaded.seconds
    }

    static func search(_ options: Options, progress: (String) -> Void) throws(MatchingError) -> Report {
        let pool = ScanPool(threads: options.threads)
        progress("measuring streaming read bandwidth on \(options.threads) thread(s)")
        let bandwidth = MemoryBandwidth.measure(pool: pool, sizes: options.bandwidthProbeSizes)

        progress("generating \(options.gallery) random unit vectors of \(options.dimension) dimensions")
        let data = SyntheticGallery(count: options.gallery, dimension: options.dimension, seed: options.seed)
        let probes = data.matedProbes(options.queries, seed: options.seed &+ 1)

        progress("building the \(options.layout.rawValue) index")
        let built = DispatchTime.now().uptimeNanoseconds
        let searcher = try Searcher(layout: options.layout, data: data, pool: pool)
        let buildSeconds = Double(DispatchTime.now().uptimeNanoseconds - built) / 1e9

        progress("searching \(options.queries) mated probes one at a time")
        var timings: [UInt64] = []
        var rank1: [Int64?] = []
        for (_, probe) in probes {
            let start = DispatchTime.now().uptimeNanoseconds
            let result = try searcher.search(probe, limit: options.limit)
            timings.append(DispatchTime.now().uptimeNanoseconds - start)
            rank1.append(result.first?.subject)
        }
        let latency = LatencyStats(nanoseconds: timings)

        progress("exact Float32 rank-1 of every probe (brute force) and the scalar baseline")
        let reference = BruteForce.rank1(probes.map(\.probe), data: data, pool: pool)
        let agreement = Double(zip(rank1, reference).filter { $0 == $1 }.count) / Double(max(1, probes.count))
        let baseline = BruteForce.scalarVectorsPerSecond(probes.prefix(3).map(\.probe), data: data)

        let vectorsPerSecond = Double(options.gallery) / (latency.mean / 1e3)
        let gbPerSecond = vectorsPerSecond * Double(searcher.bytesScannedPerTemplate) / 1e9
        return Report(layout: options.layout, gallery: options.gallery, dimension: options.dimension, queries: options.queries,
                      threads: options.threads, vectorsPerS: vectorsPerSecond, gbPerS: gbPerSecond,
                      bandwidthGbPerS: bandwidth, fractionOfBandwidth: gbPerSecond / bandwidth,
                      latencyMsP50: latency.p50, latencyMsP99: latency.p99,
                      baselineVectorsPerS: baseline, speedupVsBaseline: vectorsPerSecond / baseline,
                      rank1Agreement: agreement, bytesPerTemplate: searcher.bytesPerTemplate,
                      buildSeconds: buildSeconds, loadSeconds: nil)
    }
}

/// One of the two layouts behind a common search call.
struct Searcher {
    let layout: SearchBenchmark.Layout
    let data: SyntheticGallery
    let pool: ScanPool
    var index: FaceIndex?
    var gallery: FaceGallery?

    init(layout: SearchBenchmark.Layout, data: SyntheticGallery, pool: ScanPool) throws(MatchingError) {
        self.layout = layout
        self.data = data
        self.pool = pool
        switch layout {
        case .int8:
            var index = try FaceIndex(dimension: data.dimension)
            var row = 0
            while row < data.count {
                let end = min(data.count, row + FaceIndex.segmentCapacity)
                index.add(quantized: (row..<end).map { r in
                    Int8Segment.Row(subject: Int64(r), template: Int64(r), vector: QuantizedVector(data.vector(r)))
                })
                row = end
            }
            self.index = index
        case .f32:
            var gallery = try FaceGallery(dimension: data.dimension)
            for r in 0..<data.count { try gallery.add(template: Int64(r), subject: Int64(r), vector: data.vector(r)) }
            self.gallery = gallery
        }
    }

    func search(_ probe: [Float], limit: Int) throws(MatchingError) -> [GalleryCandidate] {
        if let index {
            return try index.candidates(for: probe, limit: limit, threshold: -1, pool: pool).rescored { data.vector(Int($0)) }
        }
        return try gallery!.search(probe, limit: limit, threshold: -1)
    }

    /// Bytes the scan reads per template (codes + scale, or Float32 row).
    var bytesScannedPerTemplate: Int { layout == .int8 ? data.dimension + 4 : data.dimension * 4 }

    /// Bytes held in memory per template by the index (vector, scale, ids).
    var bytesPerTemplate: Double {
        if let index { return Double(index.residentBytes) / Double(max(1, index.count)) }
        return Double(data.dimension * 4 + 16)
    }
}
