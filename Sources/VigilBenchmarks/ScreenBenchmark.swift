import Foundation
import VigilMatching
import VigilScreening

/// `vigil bench screen`: end-to-end screening latency through the service
/// (decode, detect, landmarks, descriptor, 1:N search with exact rescoring,
/// the screening record in SQLite), over labelled photos: the first photo of
/// each identity is enrolled, the others are screened, one at a time.
public enum ScreenBenchmark {
    public struct Options: Sendable {
        public var images = "../shared/data/faces/lfw10"
        public var repeats = 3
        /// Synthetic entries added to the watchlist so the search runs at a realistic size.
        public var padding = 0
        public var configuration = ServiceConfiguration()
        public init() {}
    }

    public struct Report: Sendable, Codable {
        public let screenings: Int
        public let watchlistTemplates: Int
        public let latencyMsP50: Double
        public let latencyMsP99: Double
        public let analysisMsP50: Double
        public let searchMsP50: Double
        public let searchMsP99: Double
        public let recordMsP50: Double
        public let decisions: [String: Int]
    }

    public static func run(_ options: Options, progress: @escaping @Sendable (String) -> Void) async throws(VigilError) -> Report {
        let files = try FaceEvaluation.listImages([options.images])
        var configuration = options.configuration
        configuration.databasePath = FileManager.default.temporaryDirectory
            .appendingPathComponent("vigil-bench-\(UUID().uuidString)/vigil.sqlite").path
        // A PostgreSQL database (--database) is used as given (it must be empty), its keys beside the temporary file.
        if configuration.databaseURL != nil { configuration.keyPath = configuration.databasePath + "-central" }
        if options.padding > 0 {
            progress("padding the watchlist with \(options.padding) synthetic entries")
            let data = SyntheticGallery(count: options.padding, dimension: configuration.recognizer.dimension, seed: 7)
            try await WatchlistLoading.populate(location: configuration.storeLocation, keyPath: configuration.keyPath,
                                                model: configuration.recognizer.identity, vectors: { i in
                let v = data.vector(i)
                return (v, QuantizedVector(v).serialized)
            }, count: options.padding) { _ in }
        }
        let service = try await ScreeningService(configuration: configuration)
        var seen = Set<String>(), probes: [[UInt8]] = []
        for file in files {
            let bytes = try ImageFile.read(file.path)
            if seen.insert(file.identity).inserted {
                _ = try await service.enroll(name: file.identity, category: "wanted_other", faces: [bytes])
            } else {
                probes.append(bytes)
            }
        }
        progress("screening \(probes.count) photos x \(options.repeats)")
        var total: [UInt64] = [], analysis: [UInt64] = [], search: [UInt64] = [], record: [UInt64] = []
        var decisions: [String: Int] = [:]
        for _ in 0..<options.repeats {
            for probe in probes {
                let result = try await service.screen(face: probe)
                guard let timings = result.timingsMs else { throw VigilError(.internalError, "a screening response had no timings") }
                func ns(_ ms: Double) -> UInt64 { UInt64(ms * 1e6) }
                total.append(ns(timings.total))
                analysis.append(ns(timings.analysis))
                search.append(ns(timings.search))
                record.append(ns(timings.record))
                decisions[result.decision.rawValue, default: 0] += 1
            }
        }
        let t = LatencyStats(nanoseconds: total), s = LatencyStats(nanoseconds: search)
        return Report(screenings: total.count, watchlistTemplates: service.watchlistStatus.faceTemplates,
                      latencyMsP50: t.p50, latencyMsP99: t.p99, analysisMsP50: LatencyStats(nanoseconds: analysis).p50,
                      searchMsP50: s.p50, searchMsP99: s.p99, recordMsP50: LatencyStats(nanoseconds: record).p50,
                      decisions: decisions)
    }
}
