import Foundation
import Testing
import VigilMetrics

@Suite("Combining evidence across modalities")
struct EvidenceCombinationTests {
    @Test("one modality keeps its evidence; two weak matches are not one strong match")
    func fisher() {
        #expect(EvidenceCombination.fisher([2.5]) == 2.5)
        #expect(EvidenceCombination.fisher([]) == 0)
        // Two rates of 10%: T = 0.01, P = 0.01 · (1 + ln 100) ≈ 0.056.
        #expect(abs(EvidenceCombination.fisher([1, 1]) - -log10(0.01 * (1 + log(100.0)))) < 1e-12)
        #expect(EvidenceCombination.fisher([1, 1]) < 2)
        // A strong second modality still adds.
        #expect(EvidenceCombination.fisher([2, 6]) > 6)
    }

    @Test("the combined rate is what impostors with independent uniform rates reach")
    func calibrated() {
        // Under the impostor hypothesis each p is uniform: the share of impostors whose
        // combined evidence reaches e must be 10^-e. Two and three modalities, 200,000 draws.
        var generator = SeededGenerator(seed: 7)
        func uniform() -> Double { (Double(generator.next() >> 11) + 0.5) / Double(1 << 53) }
        for k in [2, 3] {
            let draws = 200_000
            let passed = (0..<draws).filter { _ in EvidenceCombination.fisher((0..<k).map { _ in -log10(uniform()) }) >= 2 }.count
            let rate = Double(passed) / Double(draws)
            #expect(abs(rate - 0.01) < 0.0015, "k = \(k): \(rate)")
        }
    }
}
