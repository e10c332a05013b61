import Foundation
import VigilMatching
import VigilMetrics
import VigilVision

/// `vigil eval faces`: verification accuracy of the face pipeline on labelled
/// folders (one sub-folder per identity), compared all-against-all.
///
/// Every image goes through the same path as an enrolment (detection,
/// quality policy, descriptor). An image that fails is a failure to enrol
/// (FTE): its genuine pairs count as false non-matches at every threshold
/// and its impostor pairs as correct rejections (ISO/IEC 19795-1 generalised
/// rates), so a pipeline cannot look better by refusing hard images.
public struct FaceEvaluationReport: Sendable, Codable {
    public let images: Int
    public let identities: Int
    public let genuine: Int
    public let impostor: Int
    public let fte: Double
    public let fteCount: Int
    public let eer: Double
    public let eerThreshold: Float
    public let tarAtFar: [String: Double]
    public let thresholdAtFar: [String: Float]
    public let fmrAtDefaultThreshold: Double
    public let fnmrAtDefaultThreshold: Double
    public let defaultThreshold: Float
    /// The FMR the shipped calibration states at the default threshold (the
    /// measured `fmr_at_default_threshold` should not exceed twice this).
    /// The FMR the calibration states at the threshold; nil when the recognizer has no calibration.
    public let defaultTargetFmr: Double?
    public let msPerImage: Double
    public let score: String
    /// Each recognizer alone and fused, on the same enrolled images (`--components`).
    public let components: [String: ComponentSummary]?
    /// The same pairs compared after each dimension reduction asked for (`--reduce-to`).
    public var reductions: [ReductionSummary]?
}

/// A face evaluation repeated on templates reduced by PCA fitted on other folders.
public struct ReductionSummary: Sendable, Codable {
    public let dimension: Int
    public let fittedOn: [String]
    /// Enrolled images of `fitted_on` the subspace was fitted to.
    public let fitImages: Int
    /// Share of the fitting images' template variance the subspace keeps.
    public let explainedVariance: Double
    public let eer: Double
    public let tarAtFar: [String: Double]
}

/// `--reduce-to K... --reduce-fit DIR...`.
public struct ReductionRequest: Sendable {
    public let dimensions: [Int]
    public let fitDirectories: [String]

    public init(dimensions: [Int], fitDirectories: [String]) {
        self.dimensions = dimensions
        self.fitDirectories = fitDirectories
    }
}

/// One recognizer's figures inside a face evaluation, and the spread of its
/// impostor scores (what `FaceRecognizer.shipped` weighs its components by).
public struct ComponentSummary: Sendable, Codable {
    public let eer: Double
    public let tarAtFar: [String: Double]
    public let impostorMean: Double
    public let impostorSpread: Double
}

public enum FaceEvaluation {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp"]

    struct Sample {
        let identity: String
        let face: DetectedFace?   // nil: failed to enrol
        var vector: [Float]? { face?.template }
    }

    /// Runs the evaluation over one or more dataset folders; identities are the sub-folder names.
    public static func run(directories: [String], pipeline: FacePipeline, threshold: Float,
                           calibration: ScoreCalibration? = ServiceConfiguration().faceCalibration,
                           components: Bool = false, plotPath: String? = nil,
                           reduction: ReductionRequest? = nil) async throws(VigilError) -> FaceEvaluationReport {
        let files = try listImages(directories)
        let started = ContinuousClock.now
        let faces = try await enrolAll(files.map(\.path), pipeline: pipeline)
        let samples = zip(files, faces).map { Sample(identity: $0.identity, face: $1) }
        let elapsed = ContinuousClock.now - started
        let summary = summary(samples, view: \.template)
        if let plotPath {
            try DETPlot.write(DETPlot.svg(summary.rates, title: "Verification: \(directories.map { ($0 as NSString).lastPathComponent }.joined(separator: " + "))"),
                              to: plotPath)
        }
        var result = report(samples, summary: summary, elapsed: elapsed, defaultThreshold: threshold, calibration: calibration,
                            recognizer: components ? pipeline.recognizer : nil, model: pipeline.model)
        if let reduction { result.reductions = try await reduced(samples, request: reduction, pipeline: pipeline) }
        return result
    }

    /// The same pairs compared through a PCA subspace fitted on other folders'
    /// enrolled templates (failures to enrol still count as errors).
    static func reduced(_ samples: [Sample], request: ReductionRequest, pipeline: FacePipeline) async throws(VigilError) -> [ReductionSummary] {
        if let wrong = request.dimensions.first(where: { $0 < 1 || $0 >= pipeline.dimension }) {
            throw VigilError(.invalidField, "--reduce-to \(wrong): must be between 1 and \(pipeline.dimension - 1)")
        }
        let fitting = try await enrolAll(try listImages(request.fitDirectories).map(\.path), pipeline: pipeline).compactMap { $0?.template }
        return try request.dimensions.map { dimension throws(VigilError) in
            guard fitting.count > dimension else {
                throw VigilError(.invalidField, "fitting \(dimension) directions needs more than \(dimension) enrolled images; \(fitting.count) enrolled")
            }
            let subspace = PrincipalSubspace(fitting: fitting, dimension: dimension)
            let summary = summary(samples, view: { subspace.project($0.template) })
            return ReductionSummary(dimension: dimension, fittedOn: request.fitDirectories, fitImages: fitting.count,
                                    explainedVariance: subspace.explainedVariance, eer: summary.eer, tarAtFar: summary.tarAtFar)
        }
    }

    /// Every pair of samples scored through one view of their faces (a
    /// failure to enrol scores −infinity).
    static func summary(_ samples: [Sample], view: (DetectedFace) -> [Float]) -> VerificationSummary {
        let vectors = samples.map { $0.face.map(view) }
        let scores = VerificationSummary.allPairs(samples.map(\.identity)) { similarity(vectors[$0], vectors[$1]) }
        return VerificationSummary(genuine: scores.genuine, impostor: scores.impostor)
    }

    /// Each image's subject as an enrolment would take it (detection, quality
    /// policy, template), in input order; nil where the image fails to enrol.
    static func enrolAll(_ paths: [String], pipeline: FacePipeline) async throws(VigilError) -> [DetectedFace?] {
        let images = try paths.map { path throws(VigilError) in try ImageFile.read(path) }
        return await withTaskGroup(of: (Int, DetectedFace?).self) { group in
            for (number, bytes) in images.enumerated() {
                group.addTask { (number, await enrolledFace(bytes, pipeline: pipeline)) }
            }
            var ordered = [DetectedFace?](repeating: nil, count: images.count)
            for await (number, face) in group { ordered[number] = face }
            return ordered
        }
    }

    /// Nil when the image fails to enrol, for whatever reason.
    static func enrolledFace(_ bytes: [UInt8], pipeline: FacePipeline) async -> DetectedFace? {
        guard let analysis = try? await pipeline.analyze(bytes, field: "image"),
              (try? pipeline.enrolmentVector(analysis, field: "image")) != nil else { return nil }
        return analysis.face
    }

    static func report(_ samples: [Sample], summary: VerificationSummary, elapsed: Duration, defaultThreshold: Float,
                       calibration: ScoreCalibration?, recognizer: FaceRecognizer?, model: String) -> FaceEvaluationReport {
        let failures = samples.filter { $0.vector == nil }.count
        return FaceEvaluationReport(
            images: samples.count, identities: Set(samples.map(\.identity)).count,
            genuine: summary.genuineCount, impostor: summary.impostorCount,
            fte: samples.isEmpty ? 0 : Double(failures) / Double(samples.count), fteCount: failures,
            eer: summary.eer, eerThreshold: summary.eerThreshold,
            tarAtFar: summary.tarAtFar, thresholdAtFar: summary.thresholdAtFar,
            fmrAtDefaultThreshold: summary.rates.falseMatchRate(at: defaultThreshold),
            fnmrAtDefaultThreshold: summary.rates.falseNonMatchRate(at: defaultThreshold),
            defaultThreshold: defaultThreshold,
            defaultTargetFmr: calibration?.falseMatchRate(at: defaultThreshold),
            msPerImage: samples.isEmpty ? 0 : ScreeningService.ms(elapsed) / Double(samples.count),
            score: "weighted mean of the recognizer components' cosine similarities (\(model))",
            components: recognizer.map { componentSummaries(samples, recognizer: $0, fused: summary) })
    }

    /// Each recognizer component alone, by its name, and the fused score already computed.
    static func componentSummaries(_ samples: [Sample], recognizer: FaceRecognizer, fused: VerificationSummary) -> [String: ComponentSummary] {
        var out: [String: ComponentSummary] = [:]
        let alone = recognizer.components.indices.map { i in
            (recognizer.components[i].name, summary(samples, view: { $0.embeddings[i] }))
        }
        for (name, summary) in alone + [("fused", fused)] {
            let enrolled = summary.rates.impostor.filter(\.isFinite).map(Double.init)
            let mean = enrolled.reduce(0, +) / Double(max(1, enrolled.count))
            let variance = enrolled.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(max(1, enrolled.count - 1))
            out[name] = ComponentSummary(eer: summary.eer, tarAtFar: summary.tarAtFar,
                                         impostorMean: mean, impostorSpread: variance.squareRoot())
        }
        return out
    }

    static func similarity(_ a: [Float]?, _ b: [Float]?) -> Float {
        guard let a, let b else { return -.infinity }
        return FloatKernel.dot(a, b)
    }

    public static func listImages(_ directories: [String]) throws(VigilError) -> [(identity: String, path: String)] {
        let fm = FileManager.default
        var files: [(String, String)] = []
        for directory in directories {
            guard let identities = try? fm.contentsOfDirectory(atPath: directory) else {
                throw VigilError(.notFound, "dataset folder \(directory) cannot be read")
            }
            for identity in identities.sorted() {
                let folder = directory + "/" + identity
                var isFolder: ObjCBool = false
                guard fm.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue,
                      let names = try? fm.contentsOfDirectory(atPath: folder) else { continue }
                for name in names.sorted() where imageExtensions.contains((name as NSString).pathExtension.lowercased()) {
                    files.append((identity, folder + "/" + name))
                }
            }
        }
        guard !files.isEmpty else { throw VigilError(.notFound, "no labelled images found (expected DIR/<identity>/<image>)") }
        return files
    }
}
