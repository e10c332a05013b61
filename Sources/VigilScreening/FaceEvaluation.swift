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
    public let msPerImage: Double
    public let score: String
}

public enum FaceEvaluation {
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "bmp", "tif", "tiff", "webp"]

    struct Sample {
        let identity: String
        let vector: [Float]?   // nil: failed to enrol
    }

    /// Runs the evaluation over one or more dataset folders; identities are the sub-folder names.
    public static func run(directories: [String], pipeline: FacePipeline, threshold: Float) async throws(VigilError) -> FaceEvaluationReport {
        let files = try listImages(directories)
        let started = ContinuousClock.now
        let images = try files.map { file throws(VigilError) in try ImageFile.read(file.path) }
        let samples = await withTaskGroup(of: (Int, Sample).self) { group in
            for (number, file) in files.enumerated() {
                group.addTask {
                    let vector = await enrolmentDescriptor(images[number], pipeline: pipeline)
                    return (number, Sample(identity: file.identity, vector: vector))
                }
            }
            var ordered = [Sample?](repeating: nil, count: files.count)
            for await (number, sample) in group { ordered[number] = sample }
            return ordered.compactMap { $0 }
        }
        let elapsed = ContinuousClock.now - started
        return report(samples, elapsed: elapsed, defaultThreshold: threshold)
    }

    /// Nil when the image fails to enrol, for whatever reason.
    static func enrolmentDescriptor(_ bytes: [UInt8], pipeline: FacePipeline) async -> [Float]? {
        guard let analysis = try? await pipeline.analyze(bytes, field: "image") else { return nil }
        return try? pipeline.enrolmentVector(analysis, field: "image")
    }

    static func report(_ samples: [Sample], elapsed: Duration, defaultThreshold: Float) -> FaceEvaluationReport {
        let scores = VerificationSummary.allPairs(samples.map(\.identity)) { similarity(samples[$0].vector, samples[$1].vector) }
        let summary = VerificationSummary(genuine: scores.genuine, impostor: scores.impostor)
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
            msPerImage: samples.isEmpty ? 0 : ScreeningService.ms(elapsed) / Double(samples.count),
            score: "cosine similarity of L2-normalised 128-d dlib ResNet descriptors")
    }

    static func similarity(_ a: [Float]?, _ b: [Float]?) -> Float {
        guard let a, let b else { return -.infinity }
        var sum: Float = 0
        for d in a.indices { sum += a[d] * b[d] }
        return sum
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
