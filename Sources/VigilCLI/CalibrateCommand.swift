import ArgumentParser
import Foundation
import VigilMatching
import VigilScreening

struct CalibrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calibrate", abstract: "Fit score calibrations on labelled data.",
                                                    subcommands: [CalibrateFacesCommand.self, CalibrateFingersCommand.self])
}

struct CalibrateFacesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faces",
        abstract: "Fit each population's impostor tail and write the conservative pooled face calibration.",
        discussion: """
            Each DIR is one population (DIR/<identity>/<image>). Above its FMR-1% score each population's \
            impostor tail is fitted by a generalised Pareto distribution; at every rate the calibration keeps \
            the highest threshold any population needs. Load the result with 'vigil serve --face-calibration FILE'.
            """)

    @Argument(help: "One folder per population.") var directories: [String]
    @Option(help: "Write the calibration (JSON) here.") var out: String
    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await Output.run(json: false) { () async throws(VigilError) in
            let pipeline = try FacePipeline(configuration: common.configuration())
            let report = try await FaceCalibration.run(populations: directories, pipeline: pipeline)
            try writeReport(report, to: out)
            for (name, p) in report.populations.sorted(by: { $0.key < $1.key }) {
                print(String(format: "%@: %d images, FTE %.2f%%, %d impostor pairs; tail from %.4f (shape %.3f, scale %.4f); FMR at the pooled 1%% / 0.1%% thresholds: %.3f%% / %.3f%%",
                             name, p.images, p.fte * 100, p.tail.impostors, p.tail.tailScore, p.tail.shape, p.tail.scale,
                             (p.fmrAtPooled["0.01"] ?? 0) * 100, (p.fmrAtPooled["0.001"] ?? 0) * 100))
            }
            for point in report.pooled.points {
                print(String(format: "FMR %.0e: score %.4f (set by %@; worst FNMR %.1f%%)", point.rate, point.score, point.population,
                             (point.worstFnmr ?? 0) * 100))
            }
            print("written to \(out)")
        }
    }
}

struct CalibrateFingersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fingers",
        abstract: "Fit the fingerprint matcher's normalisation by pair count on impostor pairs of real prints.",
        discussion: """
            Windows of each DATABASE's prints are compared with whole prints of other fingers; per number of pairs \
            the score rests on (n_P), the impostor tail above its 0.1% score (its 1% score under a million \
            pairs) is fitted by a generalised Pareto distribution. Prints the quantiles PairCountNormalisation.shipped holds (docs/fingerprints.md).
            """)

    @Argument(help: "FVC-style folders of fingerprint images.") var databases: [String]
    @Option(help: "Impostor pairs per number of pairs.") var pairs = 500_000
    @Option(help: "Write the report (JSON) here.") var out: String?

    func validate() throws {
        // Under a million pairs the tail is fitted on the top 1%, and needs at least 20 pairs there.
        guard pairs >= 2_000 else { throw ValidationError("--pairs must be at least 2000") }
    }

    func run() async throws {
        try await Output.run(json: false) { () async throws(VigilError) in
            let report = try FingerPairCountCalibration.run(databases: databases, pairsPerGroup: pairs)
            let fingers = report.fingers ?? 0
            print("\(report.prints) whole prints of \(fingers) fingers, \(report.windows) windows enrolment keeps")
            if fingers < FingerPairCountCalibration.shippedFingers {
                print("caution: \(fingers) fingers are too few to rely on; the shipped calibration was fitted on "
                      + "\(FingerPairCountCalibration.shippedFingers), and five a sensor missed its FMR target by up to "
                      + "seven times (docs/fingerprints.md#a-sensors-own-calibration)")
            }
            let rates = PairCountNormalisation.rates.map { String(format: "%.0e", $0) }.joined(separator: " ")
            print("impostor scores exceeded at FMR \(rates) (fitted; measured in brackets)")
            for g in report.groups {
                let cells = zip(g.quantiles, g.measured).map { fitted, measured in
                    String(format: "%.5f", fitted) + (measured.map { String(format: " (%.5f)", $0) } ?? "")
                }
                print(String(format: "n_P %2d, %d pairs, tail shape %.3f, FMR 10%% at %.5f: ", g.pairs, g.impostors, g.tail.shape, g.floor)
                      + cells.joined(separator: ", "))
            }
            if let n = report.normalisation {
                print(String(format: "PairCountNormalisation(firstPairs: %d, floor: %.5f, quantiles: [", n.firstPairs, n.floor))
                for q in n.quantiles { print("    [" + q.map { String(format: "%.5f", $0) }.joined(separator: ", ") + "],") }
                print("])")
            } else {
                print("no normalisation: a group is missing or its quantiles do not rise")
            }
            if let out { try writeReport(report, to: out) }
        }
    }
}

/// A calibration's report as pretty JSON at `path`.
private func writeReport(_ report: some Encodable, to path: String) throws(VigilError) {
    let data: Data
    do { data = try VigilJSON.encoder(pretty: true).encode(report) } catch {
        throw VigilError(.internalError, "the calibration could not be encoded")
    }
    guard FileManager.default.createFile(atPath: path, contents: data) else { throw VigilError(.invalidField, "cannot write \(path)") }
}
