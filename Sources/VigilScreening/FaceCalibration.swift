import Foundation
import VigilMetrics
import VigilVision

/// `vigil calibrate faces`: fits each population's impostor tail and pools
/// them conservatively (`PooledCalibration`). Each folder given is one
/// population (one data set, identities as sub-folders); every image goes
/// through the enrolment path and failures to enrol count against the
/// genuine rates.
public struct FaceCalibrationReport: Sendable, Codable {
    public struct Population: Sendable, Codable {
        public let images: Int
        public let identities: Int
        public let fte: Double
        public let genuine: Int
        public let tail: ImpostorTail
        /// This population's own FMR at the pooled FMR-1% and 0.1% thresholds.
        public let fmrAtPooled: [String: Double]
    }

    public let model: String
    public let populations: [String: Population]
    public let pooled: PooledCalibration
    public let command: String
}

public enum FaceCalibration {
    public static func run(populations directories: [String], pipeline: FacePipeline) async throws(VigilError) -> FaceCalibrationReport {
        var populations: [String: FaceCalibrationReport.Population] = [:]
        var tails: [String: ImpostorTail] = [:], genuine: [String: [Float]] = [:]
        var impostorScores: [String: [Float]] = [:]
        for directory in directories {
            let name = (directory as NSString).lastPathComponent
            let files = try FaceEvaluation.listImages([directory])
            let templates = try await FaceEvaluation.enrolAll(files.map(\.path), pipeline: pipeline).map { $0?.template }
            // A pair with an image that failed to enrol is a genuine miss and no impostor comparison.
            let all = VerificationSummary.allPairs(files.map(\.identity)) { FaceEvaluation.similarity(templates[$0], templates[$1]) }
            let scores = (genuine: all.genuine, impostor: all.impostor.filter(\.isFinite))
            guard let tail = ImpostorTail(impostor: scores.impostor) else {
                throw VigilError(.invalidField, "\(directory): too few impostor pairs to fit a tail (need 2,000 or more)")
            }
            tails[name] = tail
            genuine[name] = scores.genuine
            impostorScores[name] = scores.impostor
            let failures = templates.filter { $0 == nil }.count
            populations[name] = .init(images: files.count, identities: Set(files.map(\.identity)).count,
                                      fte: Double(failures) / Double(max(1, files.count)), genuine: scores.genuine.count,
                                      tail: tail, fmrAtPooled: [:])
        }
        let pooled = PooledCalibration(tails: tails, genuine: genuine)
        for (name, population) in populations {
            let rates = VerificationErrorRates(genuine: [], impostor: impostorScores[name] ?? [])
            let measured = Dictionary(uniqueKeysWithValues: ["0.01": 0.01, "0.001": 0.001].map { key, rate in
                (key, rates.falseMatchRate(at: Float(pooled.score(atFalseMatchRate: rate))))
            })
            populations[name] = .init(images: population.images, identities: population.identities, fte: population.fte,
                                      genuine: population.genuine, tail: population.tail, fmrAtPooled: measured)
        }
        return FaceCalibrationReport(model: pipeline.model, populations: populations, pooled: pooled,
                                     command: "vigil calibrate faces " + directories.joined(separator: " "))
    }

    /// A calibration file from `run`, refused unless it was fitted on the
    /// templates of `model` (the running recognizer's identity).
    public static func load(path: String, model: String) throws(VigilError) -> ScoreCalibration {
        guard let data = FileManager.default.contents(atPath: path) else { throw VigilError(.notFound, "cannot read \(path)") }
        guard let report = try? VigilJSON.decoder().decode(FaceCalibrationReport.self, from: data) else {
            throw VigilError(.invalidField, "\(path) is not a face calibration from 'vigil calibrate faces'")
        }
        guard report.model == model else {
            throw VigilError(.invalidField, "\(path) was fitted for \(report.model), not \(model)")
        }
        return ScoreCalibration(measured: report.pooled)
    }
}
