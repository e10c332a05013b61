import Foundation
import VigilMatching
import VigilMetrics
import VigilVision

/// `vigil eval fingers`: all genuine and all impostor pairs of an FVC-style
/// database (`<finger>_<impression>.<ext>`), scored by the bit-based MCC
/// matcher. Samples are read from minutiae templates (`.iso`, `.ist`, `.ansi`)
/// beside the images, or extracted from the images by Vigil's extractor. A
/// sample that enrolment would refuse (no usable cylinder; for images also
/// fewer minutiae or lower quality than capture accepts) is a failure to
/// enrol and counts as an error in every genuine pair.
/// Its JSON carries the keys of `vigil eval faces` (an image is a sample,
/// an identity a finger, the default threshold the finger score at FMR 1%
/// that fusion is calibrated on) plus `fmr100`, `fmr1000`, `zero_fmr` and
/// the fingerprint-only figures.
public struct FingerEvaluationReport: Sendable, Codable {
    public let images: Int
    public let identities: Int
    public let genuine: Int
    public let impostor: Int
    public let fte: Double
    public let fteCount: Int
    public let eer: Double
    public let eerThreshold: Float
    public let fmr100: Double
    public let fmr1000: Double
    public let zeroFmr: Double
    public let tarAtFar: [String: Double]
    public let thresholdAtFar: [String: Float]
    public let fmrAtDefaultThreshold: Double
    public let fnmrAtDefaultThreshold: Double
    public let defaultThreshold: Float
    /// Reading, extracting (images) and building the cylinders, one core.
    public let msPerImage: Double
    public let score: String
    public let comparesPerSecond: Double
    public let source: String
    /// Images only: quality scores (median, lowest) and the error versus
    /// reject characteristic at the FMR 1% threshold.
    public let qualityMedian: Float?
    public let qualityMinimum: Float?
    public let errorReject: ErrorRejectCurve?
}

public enum FingerEvaluation {
    public enum Source: String, Sendable, CaseIterable {
        /// Minutiae templates beside the images (`.iso`, `.ist`, `.ansi`).
        case templates
        /// Vigil's own extractor on the images (`.tif`, `.bmp`, `.png`, ...).
        case images
    }

    static let templateExtensions: Set<String> = ["iso", "ist", "ansi"]
    static let imageExtensions: Set<String> = ["tif", "tiff", "bmp", "png", "jpg", "jpeg", "webp", "wsq", "jp2", "j2k"]

    /// `source`: nil reads templates when the folder holds any, else its images;
    /// the report says which was used and why.
    /// `scoresPath`: where to write every pair's score as CSV (for DET curves and failure analysis).
    /// `configuration`: the finger normalisation and calibration scores are put on (a deployment's own, or the shipped).
    public static func run(directory: String, source chosen: Source? = nil, scoresPath: String? = nil,
                           configuration: ServiceConfiguration = ServiceConfiguration()) throws(VigilError) -> FingerEvaluationReport {
        let (source, why, samples) = try resolve(chosen, in: directory)
        let clock = ContinuousClock()
        let started = clock.now
        let files = try samples.map { sample throws(VigilError) in try ImageFile.read(sample.path) }
        let enrolled = files.map { enrol($0, source: source) }
        let templates = enrolled.map(\.template)
        let extracted = clock.now
        var matcher = CylinderMatcher()
        matcher.normalisation = configuration.fingerNormalisation
        let workspace = CylinderMatcher.Workspace()
        let pairs = VerificationSummary.scoredPairs(samples.map(\.finger)) { i, j in
            guard let a = templates[i], let b = templates[j] else { return -.infinity }
            return matcher.score(a, b, using: workspace)
        }
        let compared = clock.now
        let summary = VerificationSummary(genuine: pairs.filter(\.genuine).map(\.score), impostor: pairs.filter { !$0.genuine }.map(\.score))
        let failures = templates.filter { $0 == nil }.count
        let compareSeconds = ScreeningService.ms(compared - extracted) / 1000
        let qualities = enrolled.compactMap(\.quality).sorted()
        var errorReject: ErrorRejectCurve?
        if source == .images, let threshold = summary.thresholdAtFar["0.01"] {
            errorReject = ErrorRejectCurve(pairs: pairs, quality: enrolled.map { $0.quality ?? 0 }, threshold: threshold)
        }
        if let scoresPath { try writeScores(pairs, samples: samples, to: scoresPath) }
        let defaultThreshold = configuration.fingerCalibration.score(atFalseMatchRate: 0.01)
        return FingerEvaluationReport(
            images: samples.count, identities: Set(samples.map(\.finger)).count,
            genuine: summary.genuineCount, impostor: summary.impostorCount,
            fte: Double(failures) / Double(max(1, samples.count)), fteCount: failures,
            eer: summary.eer, eerThreshold: summary.eerThreshold,
            fmr100: 1 - (summary.tarAtFar["0.01"] ?? 0), fmr1000: 1 - (summary.tarAtFar["0.001"] ?? 0), zeroFmr: summary.zeroFmr,
            tarAtFar: summary.tarAtFar, thresholdAtFar: summary.thresholdAtFar,
            fmrAtDefaultThreshold: summary.rates.falseMatchRate(at: defaultThreshold),
            fnmrAtDefaultThreshold: summary.rates.falseNonMatchRate(at: defaultThreshold), defaultThreshold: defaultThreshold,
            msPerImage: ScreeningService.ms(extracted - started) / Double(max(1, samples.count)),
            score: "bit-based Minutia Cylinder-Code, LSA with relaxation",
            comparesPerSecond: Double(summary.genuineCount + summary.impostorCount) / max(compareSeconds, 1e-9),
            source: (source == .templates ? "minutiae templates beside the images" : "Vigil's extractor on the images") + why,
            qualityMedian: qualities.isEmpty ? nil : qualities[qualities.count / 2], qualityMinimum: qualities.first,
            errorReject: errorReject)
    }

    /// The cylinders enrolment would store (nil: a failure to enrol) and,
    /// for an image, its quality.
    static func enrol(_ bytes: [UInt8], source: Source) -> (template: CylinderTemplate?, quality: Float?) {
        let minutiae: [FingerMinutia]
        var quality: Float?
        switch source {
        case .templates:
            guard let found = try? FingerTemplates.minutiae(from: bytes) else { return (nil, nil) }
            minutiae = found
        case .images:
            let extracted = imageMinutiae(bytes)
            quality = extracted.quality
            guard let found = extracted.minutiae else { return (nil, quality) }
            minutiae = found
        }
        return (FingerCapture.comparable(minutiae), quality)
    }

    /// An image through Vigil's extractor as enrolment takes it: its
    /// minutiae, nil when it fails to extract or to pass `FingerCapture`'s
    /// bar, and its quality (0 when it does not extract).
    static func imageMinutiae(_ bytes: [UInt8]) -> (minutiae: [FingerMinutia]?, quality: Float) {
        guard let print = try? FingerprintExtractor.extract(bytes) else { return (nil, 0) }
        guard FingerCapture.accepts(print) else { return (nil, print.quality) }
        return (print.minutiae.map { FingerMinutia(x: $0.x, y: $0.y, direction: $0.direction) }, print.quality)
    }

    /// `first,second,genuine,score`: the two samples' file names, 1 for a
    /// genuine pair, and the score (-inf where a sample failed to enrol).
    static func writeScores(_ pairs: [ScoredPair], samples: [Sample], to path: String) throws(VigilError) {
        let name = { (i: Int) in (samples[i].path as NSString).lastPathComponent }
        let lines = pairs.map { "\(name($0.first)),\(name($0.second)),\($0.genuine ? 1 : 0),\($0.score)" }
        do {
            try (["first,second,genuine,score"] + lines).joined(separator: "\n").appending("\n").write(toFile: path, atomically: true, encoding: .utf8)
        } catch {
            throw VigilError(.invalidField, "cannot write the scores to \(path)")
        }
    }

    struct Sample { let finger: String; let path: String }

    /// The source to read, why when it was not asked for, and its samples:
    /// templates when the folder holds any (said, if it holds images too), else images.
    static func resolve(_ chosen: Source?, in directory: String) throws(VigilError) -> (Source, String, [Sample]) {
        if let chosen {
            return (chosen, "", try listSamples(directory, extensions: chosen == .templates ? templateExtensions : imageExtensions))
        }
        let templates = (try? listSamples(directory, extensions: templateExtensions)) ?? []
        let images = (try? listSamples(directory, extensions: imageExtensions)) ?? []
        if !templates.isEmpty {
            return (.templates, images.isEmpty ? "" : " (the folder holds images too: --source images extracts them)", templates)
        }
        guard !images.isEmpty else {
            throw VigilError(.notFound, "no templates (\(templateExtensions.sorted().joined(separator: ", "))) and no images "
                             + "(\(imageExtensions.sorted().joined(separator: ", "))) in \(directory)")
        }
        return (.images, " (the folder holds no templates)", images)
    }

    /// `<finger>_<impression>.<ext>` files, or one sub-folder per finger.
    static func listSamples(_ directory: String, extensions: Set<String>) throws(VigilError) -> [Sample] {
        let fm = FileManager.default
        guard let names = try? fm.contentsOfDirectory(atPath: directory) else {
            throw VigilError(.notFound, "dataset folder \(directory) cannot be read")
        }
        var samples: [Sample] = []
        for name in names.sorted() {
            let path = directory + "/" + name
            var isFolder: ObjCBool = false
            if fm.fileExists(atPath: path, isDirectory: &isFolder), isFolder.boolValue {
                let files = (try? fm.contentsOfDirectory(atPath: path)) ?? []
                for file in files.sorted() where extensions.contains((file as NSString).pathExtension.lowercased()) {
                    samples.append(Sample(finger: name, path: path + "/" + file))
                }
            } else if extensions.contains((name as NSString).pathExtension.lowercased()),
                      let finger = name.split(separator: "_").first {
                samples.append(Sample(finger: String(finger), path: path))
            }
        }
        guard !samples.isEmpty else {
            throw VigilError(.notFound, "no samples with extensions \(extensions.sorted().joined(separator: ", ")) in \(directory)")
        }
        return samples
    }
}
