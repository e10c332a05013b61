import ArgumentParser
import Foundation
import VigilScreening

extension FingerEvaluation.Source: ExpressibleByArgument {}

struct EvalCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "eval", abstract: "Measure accuracy on labelled data.",
                                                    subcommands: [EvalFacesCommand.self, EvalIdentificationCommand.self, EvalFingersCommand.self])
}

struct EvalFacesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faces",
        abstract: "All-pairs face verification on folders of identities (DIR/<identity>/<image>).")

    @Argument(help: "Dataset folder(s); identities are sub-folder names.") var directories: [String]
    @Flag(help: "Print the report as JSON.") var json = false
    @Flag(help: "Also report each recognizer alone (dlib, FaceNet) beside the fused score.") var components = false
    @Option(help: "Write a DET curve (FNMR against FMR, log axes) to this SVG file.") var plot: String?
    @Option(name: .customLong("reduce-to"),
            help: "Also compare the pairs after reducing templates to this many dimensions by PCA fitted on --reduce-fit (repeatable).")
    var reduceTo: [Int] = []
    @Option(name: .customLong("reduce-fit"), help: "Folder(s) of other identities the PCA is fitted on (repeatable; required with --reduce-to).")
    var reduceFit: [String] = []
    @OptionGroup var common: CommonOptions

    func validate() throws {
        if !reduceTo.isEmpty && reduceFit.isEmpty {
            throw ValidationError("--reduce-to needs --reduce-fit: a reduction fitted on the pairs it is measured on proves nothing")
        }
    }

    func run() async throws {
        try await Output.run(json: json) { () async throws(VigilError) in
            let configuration = try common.configuration()
            let pipeline = try FacePipeline(configuration: configuration)
            let calibration = configuration.faceCalibrationModel == pipeline.model ? configuration.faceCalibration : nil
            guard let threshold = common.threshold ?? calibration.map({ Float($0.score(atFalseMatchRate: 0.01)) }) else {
                throw VigilError(.invalidField, "recognizer \(pipeline.model) has no calibration: give --threshold, or fit one with 'vigil calibrate faces'")
            }
            let report = try await FaceEvaluation.run(directories: directories, pipeline: pipeline, threshold: threshold,
                                                      calibration: calibration, components: components, plotPath: plot,
                                                      reduction: reduceTo.isEmpty ? nil : ReductionRequest(dimensions: reduceTo, fitDirectories: reduceFit))
            if json {
                try? Output.json(report)
            } else {
                print(Self.describe(report))
            }
        }
    }

    static func describe(_ r: FaceEvaluationReport) -> String {
        func pct(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }
        var lines = [
            "images \(r.images), identities \(r.identities), genuine pairs \(r.genuine), impostor pairs \(r.impostor)",
            "FTE \(pct(r.fte)) (\(r.fteCount) images; counted as errors)",
            "EER \(pct(r.eer)) at threshold \(String(format: "%.4f", r.eerThreshold))",
        ]
        for key in r.tarAtFar.keys.sorted(by: >) {   // "0.01", then "0.001"
            lines.append("TAR at FAR \(key): \(pct(r.tarAtFar[key] ?? 0)) (threshold \(String(format: "%.4f", r.thresholdAtFar[key] ?? 0)))")
        }
        lines.append("at the default threshold \(String(format: "%.4f", r.defaultThreshold)) (stated FMR \(r.defaultTargetFmr.map(pct) ?? "unknown: no calibration")): FMR \(pct(r.fmrAtDefaultThreshold)), FNMR \(pct(r.fnmrAtDefaultThreshold))")
        lines.append(String(format: "%.1f ms per image (wall clock, all cores)", r.msPerImage))
        lines.append("score: \(r.score)")
        for (name, c) in (r.components ?? [:]).sorted(by: { $0.key < $1.key }) {
            lines.append(String(format: "%@: EER %@, TAR %@ at FAR 1%%, %@ at FAR 0.1%%; impostor mean %.4f, spread %.4f",
                                name, pct(c.eer), pct(c.tarAtFar["0.01"] ?? 0), pct(c.tarAtFar["0.001"] ?? 0),
                                c.impostorMean, c.impostorSpread))
        }
        for reduced in r.reductions ?? [] {
            lines.append(String(format: "reduced to %d dimensions (PCA fitted on %@, %d images, %.1f%% of their variance): EER %@, TAR %@ at FAR 1%%, %@ at FAR 0.1%%",
                                reduced.dimension, reduced.fittedOn.joined(separator: " + "), reduced.fitImages, reduced.explainedVariance * 100,
                                pct(reduced.eer), pct(reduced.tarAtFar["0.01"] ?? 0), pct(reduced.tarAtFar["0.001"] ?? 0)))
        }
        return lines.joined(separator: "\n")
    }
}

struct EvalIdentificationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "identification",
        abstract: "Open-set 1:N face identification (FNIR at FPIR, rank-1/10) on folders of identities.",
        discussion: """
            Identities are ordered by the SHA-256 of their name; every other identity with more than K images \
            is enrolled (first K images to the gallery, the rest mated probes), the others give non-mated \
            probes; identities with K images or fewer are enrolled. Distractor folders add gallery identities.
            """)

    @Argument(help: "Dataset folder(s); identities are sub-folder names.") var directories: [String]
    @Option(help: "Folder of extra gallery identities (repeatable).") var distractors: [String] = []
    @Option(help: "Gallery photos per enrolled identity (K).") var galleryPerIdentity = 1
    @Option(help: "Write a DET curve (FNIR against FPIR, log axes) to this SVG file.") var plot: String?
    @Flag(help: "Print the report as JSON.") var json = false
    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await Output.run(json: json) { () async throws(VigilError) in
            let pipeline = try FacePipeline(configuration: common.configuration())
            let r = try await IdentificationEvaluation.run(directories: directories, distractors: distractors,
                                                           galleryPerIdentity: galleryPerIdentity, pipeline: pipeline, plotPath: plot)
            if json {
                try? Output.json(r)
            } else {
                func pct(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }
                print("gallery \(r.gallery) identities (\(r.galleryTemplates) templates, up to \(r.galleryPerIdentity) each), mated probes \(r.matedProbes), non-mated probes \(r.nonmatedProbes)")
                print("FTE \(pct(r.fte)) (counted as errors)")
                for key in r.fnirAtFpir.keys.sorted(by: >) {
                    print("FNIR at FPIR \(key): \(pct(r.fnirAtFpir[key] ?? 0)) (threshold \(String(format: "%.4f", r.thresholdAtFpir[key] ?? 0)))")
                }
                print("rank-1 \(pct(r.rank1)), rank-10 \(pct(r.rank10))")
                print(String(format: "%.1f ms per image (wall clock, all cores)", r.msPerImage))
                print("score: \(r.score)")
            }
        }
    }
}

struct EvalFingersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fingers",
        abstract: "All-pairs fingerprint verification on an FVC-style folder (<finger>_<impression>.<ext>).")

    @Argument(help: "Dataset folder.") var directory: String
    @Option(help: "Minutiae from 'templates' beside the images, or from the 'images' by Vigil's extractor. Default: templates when the folder holds any, else images (the report says which).")
    var source: FingerEvaluation.Source?
    @Option(help: "Also write every pair's score to this CSV file (first,second,genuine,score).") var scores: String?
    @Option(name: .customLong("finger-calibration"),
            help: "Score on the scale a 'vigil calibrate fingers --out' file fitted (its FMR-1% threshold is the default threshold reported).")
    var fingerCalibration: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func run() async throws {
        try await Output.run(json: json) { () async throws(VigilError) in
            var configuration = ServiceConfiguration()
            if let fingerCalibration { try configuration.use(fingerCalibrationPath: fingerCalibration) }
            let r = try FingerEvaluation.run(directory: directory, source: source, scoresPath: scores, configuration: configuration)
            if json {
                try? Output.json(r)
            } else {
                func pct(_ x: Double) -> String { String(format: "%.2f%%", x * 100) }
                print("""
                    images \(r.images), fingers \(r.identities), genuine pairs \(r.genuine), impostor pairs \(r.impostor)
                    FTE \(pct(r.fte)) (\(r.fteCount); counted as errors)
                    EER \(pct(r.eer)); FMR100 \(pct(r.fmr100)); FMR1000 \(pct(r.fmr1000)); ZeroFMR \(pct(r.zeroFmr))
                    at the default threshold \(String(format: "%.4f", r.defaultThreshold)): FMR \(pct(r.fmrAtDefaultThreshold)), FNMR \(pct(r.fnmrAtDefaultThreshold))
                    \(String(format: "%.2f ms per image (reading, extraction, cylinders; one core), %.0f compares/s (one core)", r.msPerImage, r.comparesPerSecond))
                    source: \(r.source)
                    """)
                if let median = r.qualityMedian, let lowest = r.qualityMinimum {
                    print(String(format: "quality: median %.0f, lowest %.0f", median, lowest))
                }
                if let curve = r.errorReject {
                    let points = curve.points.map { "\(pct($0.rejected)) rejected: FNMR \(pct($0.fnmr))" }
                    print("error vs reject (FMR 1% threshold): " + points.joined(separator: "; "))
                }
            }
        }
    }
}
