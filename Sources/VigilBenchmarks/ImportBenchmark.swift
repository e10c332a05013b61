import Foundation
import VigilScreening

/// `vigil bench import`: a bulk import of N entries (photos cycled from
/// labelled folders) against its baseline in the same run, the face model
/// alone analysing the same N photos on every core; then a second import of
/// the same size while a border post screens at a steady rate, whose latency
/// is compared with the same screenings on the idle service.
public enum ImportBenchmark {
    public struct Options: Sendable {
        public var images = ["../shared/data/faces/lfw10", "../shared/data/faces/johns"]
        public var entries = 2_000
        public var idleScreenings = 50
        /// Screenings per second during the second import (a busy post).
        public var screeningRate = 5.0
        public var configuration = ServiceConfiguration()
        public init() {}
    }

    public struct Report: Sendable, Codable {
        public let entries: Int
        public let imported: Int
        public let rejected: Int
        public let engines: Int
        /// The face model alone on the same photos, all engines busy.
        public let modelSeconds: Double
        public let importSeconds: Double
        /// importSeconds / modelSeconds: 1.0 means the import costs no more than the model.
        public let importOverModel: Double
        public let entriesPerSecond: Double
        public let screeningIdle: LatencyStats
        public let screeningDuringImport: LatencyStats
        public let screeningsDuringImport: Int
        public let screeningErrors: [String: Int]
    }

    public static func run(_ options: Options, progress: @escaping @Sendable (String) -> Void) async throws(VigilError) -> Report {
        let files = try FaceEvaluation.listImages(options.images)
        guard !files.isEmpty else { throw VigilError(.notFound, "no photos in \(options.images.joined(separator: ", "))") }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-bench-import-\(UUID().uuidString)")
        var configuration = options.configuration
        configuration.databasePath = folder.appendingPathComponent("vigil.sqlite").path
        // With a PostgreSQL database (--database), its keys live in the same temporary folder.
        if configuration.databaseURL != nil { configuration.keyPath = folder.appendingPathComponent("central").path }
        let service = try await ScreeningService(configuration: configuration)
        let photos = try files.map { file throws(VigilError) in try ImageFile.read(file.path) }
        let chosen = (0..<options.entries).map { photos[$0 % photos.count] }

        progress("baseline: the face model alone on \(options.entries) photos with \(configuration.engines) engines")
        let pipeline = try FacePipeline(configuration: configuration)
        let modelStart = ContinuousClock.now
        let analyses = try await pipeline.analyzeAll(chosen, field: "photo")
        for (n, analysis) in analyses.enumerated() { _ = try? pipeline.enrolmentVector(analysis, field: "\(n)") }
        let modelSeconds = seconds(since: modelStart)

        let probe = photos[0]
        progress("screening latency on the idle service (\(options.idleScreenings) screenings)")
        var idle: [UInt64] = []
        for _ in 0..<options.idleScreenings { idle.append(try await screenOnce(service, probe)) }

        progress("importing \(options.entries) entries")
        let first = try writeManifest(files.map(\.path), entries: options.entries, prefix: "A", in: folder)
        let importStart = ContinuousClock.now
        let report = try await service.importManifest(at: first)
        let importSeconds = seconds(since: importStart)

        progress("importing \(options.entries) more while a border post screens \(options.screeningRate) times a second")
        let second = try writeManifest(files.map(\.path), entries: options.entries, prefix: "B", in: folder)
        let importing = Task { () async -> Result<ImportReport, VigilError> in
            do throws(VigilError) { return .success(try await service.importManifest(at: second)) } catch { return .failure(error) }
        }
        let interval = Duration.seconds(1 / max(0.1, options.screeningRate))
        let screener = Task { () -> (latencies: [UInt64], errors: [String: Int]) in
            var latencies: [UInt64] = [], errors: [String: Int] = [:]
            var next = ContinuousClock.now
            while !Task.isCancelled {
                do throws(VigilError) {
                    latencies.append(try await screenOnce(service, probe))
                } catch {
                    errors[error.code.rawValue, default: 0] += 1
                }
                next += interval
                try? await Task.sleep(until: next)
            }
            return (latencies, errors)
        }
        _ = try await importing.value.get()
        screener.cancel()
        let during = await screener.value
        try? FileManager.default.removeItem(at: folder)
        return Report(entries: options.entries, imported: report.imported, rejected: report.rejected.count, engines: configuration.engines,
                      modelSeconds: modelSeconds, importSeconds: importSeconds, importOverModel: importSeconds / modelSeconds,
                      entriesPerSecond: Double(report.imported) / importSeconds, screeningIdle: LatencyStats(nanoseconds: idle),
                      screeningDuringImport: LatencyStats(nanoseconds: during.latencies), screeningsDuringImport: during.latencies.count,
                      screeningErrors: during.errors)
    }

    private static func writeManifest(_ paths: [String], entries: Int, prefix: String, in folder: URL) throws(VigilError) -> String {
        let lines = (0..<entries).map { n in
            let path = URL(fileURLWithPath: paths[n % paths.count]).standardizedFileURL.path
            return "{\"external_ref\": \"\(prefix)-\(n)\", \"name\": \"Bench \(n)\", \"category\": \"wanted_other\", \"faces\": [\"\(path)\"]}"
        }
        let url = folder.appendingPathComponent("manifest-\(prefix).jsonl")
        do {
            try (lines.joined(separator: "\n") + "\n").write(to: url, atomically: true, encoding: .utf8)
        } catch {
            throw VigilError(.internalError, "cannot write the benchmark manifest")
        }
        return url.path
    }

    private static func screenOnce(_ service: ScreeningService, _ probe: [UInt8]) async throws(VigilError) -> UInt64 {
        let start = ContinuousClock.now
        _ = try await service.screen(face: probe)
        let (s, atto) = (ContinuousClock.now - start).components
        return UInt64(s) * 1_000_000_000 + UInt64(atto / 1_000_000_000)
    }

    private static func seconds(since start: ContinuousClock.Instant) -> Double {
        let (s, atto) = (ContinuousClock.now - start).components
        return Double(s) + Double(atto) / 1e18
    }
}
