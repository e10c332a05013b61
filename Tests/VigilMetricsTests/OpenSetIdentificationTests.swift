import Testing
import VigilMetrics

@Suite("Open-set identification figures")
struct OpenSetIdentificationTests {
    typealias Search = OpenSetIdentification.MatedSearch

    @Test("the FPIR threshold lets through at most the target share of non-mated searches")
    func threshold() {
        // 200 non-mated searches with top scores 0.000 ... 0.995; one returned nothing.
        let tops: [Float?] = (0..<199).map { Float($0) / 200 } + [nil]
        let result = OpenSetIdentification(mated: [], nonMatedTop: tops)
        let t = result.threshold(atFPIR: 0.01)
        #expect(result.fpir(at: t) <= 0.01)
        // And it is the lowest such threshold: one step below, two searches pass.
        #expect(result.fpir(at: t.nextDown) > 0.01)
        #expect(result.threshold(atFPIR: 0) > 0.99)
    }

    @Test("a miss is a mate below the threshold, beyond the candidate list, or never returned")
    func fnir() {
        let result = OpenSetIdentification(
            mated: [Search(mate: (0.9, 1)), Search(mate: (0.95, 12)), Search(mate: (0.5, 1)), Search(mate: nil)],
            nonMatedTop: [0.6, 0.7], candidateRank: 10)
        #expect(result.fnir(at: 0.8) == 0.75)       // only the first is found
        #expect(result.fnir(at: 0.4) == 0.5)        // rank 12 and the failed search still miss
        #expect(result.rankRate(1) == 0.5)
        #expect(result.rankRate(20) == 0.75)
        let det = result.detPoints()
        #expect(det.map(\.fpir) == [1.0, 0.5])
        #expect(det.map(\.fnir) == [0.75, 0.75])   // only the first mate reaches 0.6 within rank 10
    }
}
