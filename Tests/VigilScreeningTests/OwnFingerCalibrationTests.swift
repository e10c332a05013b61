import Foundation
import Testing
import VigilMatching
@testable import VigilScreening
import VigilTestSupport

/// A deployment that fits the finger normalisation on its own sensor's
/// prints (`vigil calibrate fingers --out`, `--finger-calibration FILE`).
@Suite("A deployment's own finger calibration", .enabled(if: TestData.shouldRunDataTests))
struct OwnFingerCalibrationTests {
    /// A sensor whose strangers score lower than FVC2000's, as FVC2002
    /// DB1_B's do: the shipped quantiles a fifth lower.
    static let lowerScoring: PairCountNormalisation = {
        let shipped = PairCountNormalisation.shipped
        return PairCountNormalisation(firstPairs: shipped.firstPairs, floor: shipped.floor * 0.8,
                                      quantiles: shipped.quantiles.map { $0.map { $0 * 0.8 } })!
    }()

    @Test("scores and evidence on its scale, recorded with each screening, and replayed on it after a restart with the shipped one")
    func recordedAndReplayed() async throws {
        let path = temporaryDatabasePath()
        let (own, ownIDs) = try await FingerScreeningTests.enrolled(at: path) { $0.use(fingerNormalisation: Self.lowerScoring) }
        let (shipped, shippedIDs) = try await FingerScreeningTests.enrolled()
        var found = 0, scoresDiffer = 0, moreEvidence = 0
        for f in 101...110 {
            let probe = [FingerSample(position: .rightIndex, bytes: try FingerScreeningTests.finger(f, 4))]
            let mine = try await own.screen(face: nil, fingers: probe), theirs = try await shipped.screen(face: nil, fingers: probe)
            guard let a = mine.candidates.first(where: { $0.entryId.uuidString == ownIDs[f] }),
                  let b = theirs.candidates.first(where: { $0.entryId.uuidString == shippedIDs[f] }) else { continue }
            found += 1
            // The same raw comparison is rarer among this sensor's strangers:
            // more evidence, up to the cap (FMR 1e-12) a strong mate reaches on either.
            #expect(a.fusedScore >= b.fusedScore, "finger \(f)")
            if a.fusedScore > b.fusedScore { moreEvidence += 1 }
            // Only a comparison resting on fewer pairs than two full prints' is rescaled.
            if a.fingerScores["right_index"] != b.fingerScores["right_index"] { scoresDiffer += 1 }
        }
        #expect(found >= 8 && scoresDiffer > 0 && moreEvidence > 0, "\(found) mates found, \(scoresDiffer) with other scores, \(moreEvidence) with more evidence")
        let replayed = try await own.replay()
        #expect(replayed.screenings == 10 && replayed.agreed == 10, "\(replayed.divergences)")

        // Restarted on the shipped calibration: the records replay on the scale they were made on.
        let restarted = try await makeService(database: path)
        #expect(restarted.configuration.fingerNormalisation == .shipped)
        let again = try await restarted.replay()
        #expect(again.screenings == 10 && again.agreed == 10, "\(again.divergences)")
    }

    @Test("a file that is not a finger calibration, or fitted for other numbers of pairs, is refused with a stable code")
    func refusesOtherFiles() throws {
        var configuration = ServiceConfiguration()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-finger-calibration-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func refusal(_ contents: String?) -> VigilError.Code? {
            let file = directory.appendingPathComponent(UUID().uuidString + ".json")
            if let contents { try? Data(contents.utf8).write(to: file) }
            do throws(VigilError) { try configuration.use(fingerCalibrationPath: file.path); return nil } catch { return error.code }
        }
        #expect(refusal(nil) == .notFound)
        #expect(refusal("not json") == .invalidField)
        #expect(refusal(#"{"pooled": {"points": []}, "model": "x"}"#) == .invalidField)   // a face calibration's shape
        #expect(refusal(#"{"prints": 80, "windows": 32000, "groups": []}"#) == .invalidField)   // nothing fitted
        #expect(configuration.fingerNormalisation == .shipped)
    }
}
