import Foundation
import Testing
import VigilMatching
import VigilScreening
import VigilTestSupport

@Suite("Fingerprint evaluation on FVC2000 and FVC2002", .enabled(if: TestData.shouldRunDataTests))
struct FingerEvaluationTests {
    /// NIST NBIS (mindtct + Bozorth3) measured on this machine, all pairs.
    static let nbis: [String: Double] = ["DB1_B": 0.0428, "DB2_B": 0.0261, "DB3_B": 0.0869, "DB4_B": 0.0533]

    @Test("MCC on the shipped ISO minutiae: every pair counted, EER below NBIS", arguments: ["DB1_B", "DB2_B", "DB3_B", "DB4_B"])
    func fvc2002(database: String) throws {
        let report = try FingerEvaluation.run(directory: TestData.url("fingerprints/FVC2002/\(database)").path)
        #expect(report.images == 80 && report.identities == 10)
        #expect(report.genuine == 280 && report.impostor == 2880)
        #expect(report.fteCount == 0)
        #expect(report.eer < Self.nbis[database]!, "\(database): EER \(report.eer)")
        #expect(report.fmr1000 >= report.fmr100 && report.zeroFmr >= report.fmr1000)
    }

    /// NBIS EER on the FVC2000 databases, measured the same way.
    static let nbis2000: [String: Double] = ["DB1_B": 0.1039, "DB2_B": 0.0890, "DB3_B": 0.0974, "DB4_B": 0.0728]
    @Test("Vigil's extractor on the FVC images: FTE at most 1% and EER below NBIS on every database",
          arguments: ["FVC2002", "FVC2000"].flatMap { v in ["DB1_B", "DB2_B", "DB3_B", "DB4_B"].map { "\(v)/\($0)" } })
    func extractor(database: String) throws {
        let report = try FingerEvaluation.run(directory: TestData.url("fingerprints/\(database)").path, source: .images)
        #expect(report.genuine == 280 && report.impostor == 2880)
        #expect(report.fte <= 0.01, "\(database): FTE \(report.fte)")
        let name = String(database.split(separator: "/")[1])
        let reference = database.hasPrefix("FVC2002") ? Self.nbis[name]! : Self.nbis2000[name]!
        #expect(report.eer < reference, "\(database): EER \(report.eer), NBIS \(reference)")
    }

    @Test("without --source: a folder of images only is evaluated from its images, one with both from its templates, each saying so; a folder with neither says what is missing")
    func sourceChosen() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-fingers-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for finger in [101, 102] {
            for impression in 1...4 {
                let name = "\(finger)_\(impression).tif"
                try FileManager.default.copyItem(at: TestData.url("fingerprints/FVC2002/DB1_B/\(name)"), to: folder.appendingPathComponent(name))
            }
        }
        let images = try FingerEvaluation.run(directory: folder.path)
        #expect(images.images == 8 && images.genuine == 12 && images.source.contains("extractor") && images.source.contains("no templates"), "\(images.source)")
        let both = try FingerEvaluation.run(directory: TestData.url("fingerprints/FVC2002/DB1_B").path)
        #expect(both.source.contains("templates") && both.source.contains("--source images"), "\(both.source)")
        #expect(throws: VigilError.self) { try FingerEvaluation.run(directory: TestData.url("ansi-nist/nist-reference").path) }
    }
}

@Suite("Fingerprint score normalisation fitted on real prints", .enabled(if: TestData.shouldRunDataTests))
struct FingerPairCountCalibrationTests {
    /// Out of sample: the shipped normalisation was fitted on FVC2000; these
    /// are FVC2002 DB1_B's prints, another sensor and other people.
    @Test("small prints' strangers score higher raw; normalised, the FMR-1% scores of every n_P sit far closer to the full prints'")
    func heldOutTails() throws {
        let report = try FingerPairCountCalibration.run(databases: [TestData.url("fingerprints/FVC2002/DB1_B").path], pairsPerGroup: 20_000)
        let shipped = PairCountNormalisation.shipped
        #expect(report.groups.map(\.pairs) == Array(4...12), "\(report.groups.map(\.pairs))")
        #expect(report.fingers == 10 && report.prints == 80)
        let full = try #require(report.groups.last).quantiles[0]
        // Raw, a stranger's 4-pair mean reaches what 1 in 100 full-print strangers reach far more often.
        #expect(try #require(report.groups.first).quantiles[0] > 1.2 * full)
        // Another sensor's scores sit lower than FVC2000's, so the match is
        // not exact; the spread across n_P must at least halve.
        let rawSpread = report.groups.map { abs($0.quantiles[0] - full) }.max() ?? 0
        let normalisedSpread = report.groups.map { abs(shipped.normalised($0.quantiles[0], pairs: $0.pairs) - full) }.max() ?? 0
        #expect(normalisedSpread < 0.5 * rawSpread, "FMR-1% scores spread \(rawSpread) from the full prints' raw, \(normalisedSpread) normalised")

        // Written as 'vigil calibrate fingers --out' writes it, it is what a deployment on this sensor loads.
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-db1-\(UUID().uuidString).json")
        defer { try? FileManager.default.removeItem(at: file) }
        try VigilJSON.encoder(pretty: true).encode(report).write(to: file)
        var configuration = ServiceConfiguration()
        try configuration.use(fingerCalibrationPath: file.path)
        let own = try #require(report.normalisation)
        #expect(configuration.fingerNormalisation == own)
        #expect(abs(configuration.fingerCalibration.score(atFalseMatchRate: 0.01) - full) < 1e-6)
        // Without its smallest number of pairs it no longer covers the matcher's range.
        var partial = try #require(JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any])
        partial["groups"] = (partial["groups"] as? [Any]).map { Array($0.dropFirst()) }
        try JSONSerialization.data(withJSONObject: partial).write(to: file)
        #expect(throws: VigilError.self) { try configuration.use(fingerCalibrationPath: file.path) }
        #expect(configuration.fingerNormalisation == own)
    }
}
