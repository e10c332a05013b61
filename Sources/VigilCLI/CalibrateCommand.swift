import ArgumentParser
import Foundation
import VigilScreening

struct CalibrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "calibrate", abstract: "Fit score calibrations on labelled data.",
                                                    subcommands: [CalibrateFacesCommand.self])
}

struct CalibrateFacesCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faces",
        abstract: "Fit each population's impostor tail and write the conservative pooled face calibration.",
        discussion: """
            Each DIR is one population (DIR/<identity>/<image>). Above its FMR-1% score each population's \\
            impostor tail is fitted by a generalised Pareto distribution; at every rate the calibration keeps \\
            the highest threshold any population needs. Load the result with 'vigil serve --face-calibration FILE'.
            """)

    @Argument(help: "One folder per population.") var directories: [String]
    @Option(help: "Write the calibration (JSON) here.") var out: String
    @OptionGroup var common: CommonOptions

    func run() async throws {
        try await Output.run(json: false) { () async throws(VigilError) in
            let pipeline = try FacePipeline(configuration: common.configuration())
            let report = try await FaceCalibration.run(populations: directories, pipeline: pipeline)
            let data: Data
            do { data = try VigilJSON.encoder(pretty: true).encode(report) } catch {
                throw VigilError(.internalError, "the calibration could not be encoded")
            }
            guard FileManager.default.createFile(atPath: out, contents: data) else { throw VigilError(.invalidField, "cannot write \(out)") }
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
