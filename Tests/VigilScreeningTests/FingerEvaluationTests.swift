import Testing
import VigilScreening
import VigilTestSupport

@Suite("Fingerprint evaluation on FVC2002", .enabled(if: TestData.shouldRunDataTests))
struct FingerEvaluationTests {
    /// NIST NBIS (mindtct + Bozorth3) measured on this machine, all pairs.
    static let nbis: [String: Double] = ["DB1_B": 0.0428, "DB2_B": 0.0261, "DB3_B": 0.0869, "DB4_B": 0.0533]

    @Test("MCC on the shipped ISO minutiae: every pair counted, EER below NBIS", arguments: ["DB1_B", "DB2_B", "DB3_B", "DB4_B"])
    func fvc2002(database: String) throws {
        let report = try FingerEvaluation.run(directory: TestData.url("fingerprints/FVC2002/\(database)").path)
        #expect(report.samples == 80 && report.fingers == 10)
        #expect(report.genuine == 280 && report.impostor == 2880)
        #expect(report.fteCount == 0)
        #expect(report.eer < Self.nbis[database]!, "\(database): EER \(report.eer)")
        #expect(report.fmr1000 >= report.fmr100 && report.zeroFmr >= report.fmr1000)
    }

    @Test("Vigil's extractor on the FVC2002 images: EER below NBIS on DB1 and DB2, FTE at most 1%", arguments: ["DB1_B", "DB2_B"])
    func extractor(database: String) throws {
        let report = try FingerEvaluation.run(directory: TestData.url("fingerprints/FVC2002/\(database)").path, source: .images)
        #expect(report.genuine == 280 && report.impostor == 2880)
        #expect(report.fte <= 0.01)
        #expect(report.eer < Self.nbis[database]!, "\(database): EER \(report.eer)")
    }

    @Test("a folder without templates says what is missing")
    func noTemplates() {
        #expect(throws: VigilError.self) { try FingerEvaluation.run(directory: TestData.url("faces/johns").path) }
    }
}
