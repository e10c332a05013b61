import Foundation
import Testing
@testable import VigilScreening
import VigilTestSupport

/// A watchlist of fingers and no faces: a category's target FPIR must hold
/// over the fingers a traveller's finger is compared with. Each of the four
/// FVC2002 databases gives its fingers 101–107 (first impression) as
/// finger-only entries; fingers 108–110 of the same sensors are the
/// travellers not on the list (within one sensor, where impostor scores run
/// highest; the four databases are different volunteers).
@Suite("A finger search's threshold holds the category's FPIR over the fingers searched", .enabled(if: TestData.shouldRunDataTests))
struct FingerSearchFPIRTests {
    static let databases = ["DB1_B", "DB2_B", "DB3_B", "DB4_B"]

    static func finger(_ database: String, _ finger: Int, _ impression: Int) throws -> [UInt8] {
        try TestData.bytes("fingerprints/FVC2002/\(database)/\(finger)_\(impression).iso")
    }

    @Test("28 listed fingers: strangers' fingers rarely draw a candidate, listed fingers are still found, and the screenings replay")
    func fingerOnlyWatchlist() async throws {
        let service = try await makeService()
        var ids: [String: UUID] = [:]
        for database in Self.databases {
            for f in 101...107 {
                ids["\(database)/\(f)"] = try await service.enroll(
                    name: "P \(database) \(f)", category: "wanted_other", faces: [],
                    fingers: [FingerSample(position: .rightIndex, bytes: try Self.finger(database, f, 1))]).id
            }
        }
        // The weakest category's per-comparison rate at FPIR 1% over 28
        // fingers, not over the watchlist's (no) faces: about 3.6e-4, not 1%.
        let perComparison = MatchSettings.perComparisonRate(fpir: 0.01, comparisons: 28)
        var strangersShown = 0, strangers = 0
        for database in Self.databases {
            for f in 108...110 {
                for impression in 1...8 {
                    let result = try await service.screen(face: nil, fingers: [FingerSample(position: .rightIndex,
                                                                                            bytes: try Self.finger(database, f, impression))])
                    #expect(abs(result.fusedThreshold + log10(perComparison)) < 0.05, "\(result.fusedThreshold)")
                    strangers += 1
                    if !result.candidates.isEmpty { strangersShown += 1 }
                }
            }
        }
        // At FMR 1% per comparison (the face count's threshold with no faces
        // listed) 12 of these 96 were shown someone; at the target about one
        // is expected (none was, when this test was written). A calibration
        // fitted on other pairs is not exact this far out: allow a few.
        #expect(strangersShown <= 6, "\(strangersShown) of \(strangers) strangers shown a candidate")

        var found = 0
        for database in Self.databases {
            for f in 101...107 {
                let result = try await service.screen(face: nil, fingers: [FingerSample(position: .rightIndex,
                                                                                        bytes: try Self.finger(database, f, 3))])
                if result.candidates.first?.entryId == ids["\(database)/\(f)"] { found += 1 }
            }
        }
        // 26 when this test was written, 28 at the weaker threshold: the price of holding the FPIR.
        #expect(found >= 22, "\(found) of 28 listed fingers found")
        let replay = try await service.replay()
        #expect(replay.screenings == 96 + 28 && replay.agreed == replay.screenings, "\(replay.divergences)")
    }
}
