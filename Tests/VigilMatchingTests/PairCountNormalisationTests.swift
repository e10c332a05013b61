import Foundation
import Testing
@testable import VigilMatching

@Suite("Normalisation of LSA-R scores by the pairs they rest on")
struct PairCountNormalisationTests {
    static let shipped = PairCountNormalisation.shipped
    static let pairCounts = shipped.firstPairs..<(shipped.firstPairs + shipped.quantiles.count)

    @Test("each n_P's impostor quantiles land on the reference's, the order of scores is kept, and weak scores and full prints are untouched")
    func mapping() {
        let n = Self.shipped, reference = n.quantiles[n.quantiles.count - 1]
        for pairs in Self.pairCounts {
            let own = n.quantiles[pairs - n.firstPairs]
            for (k, q) in own.enumerated() {
                #expect(abs(n.normalised(q, pairs: pairs) - reference[k]) < 1e-6, "n_P \(pairs), rate \(PairCountNormalisation.rates[k])")
            }
            var previous: Float = 0
            for step in 0...2_000 {
                let score = Float(step) / 2_000, mapped = n.normalised(score, pairs: pairs)
                #expect(mapped >= previous && (0...1).contains(mapped), "n_P \(pairs), score \(score)")
                previous = mapped
                if score <= n.floor || pairs == Self.pairCounts.upperBound - 1 { #expect(abs(mapped - score) < 1e-6) }
            }
        }
        // A small print's strong score stays strong, but below a full print's equal raw score.
        #expect(n.normalised(0.3, pairs: 4) > reference[reference.count - 1])
        #expect(n.normalised(0.3, pairs: 4) < 0.3)
        // Counts outside the fitted range take the nearest.
        #expect(n.normalised(0.05, pairs: 2) == n.normalised(0.05, pairs: 4))
        #expect(n.normalised(0.05, pairs: 20) == 0.05)
    }

    @Test("quantiles that do not rise, or sit under the floor, are refused")
    func refusesBadQuantiles() {
        #expect(PairCountNormalisation(firstPairs: 4, floor: 0.01, quantiles: [[0.02, 0.03, 0.03, 0.04]]) == nil)
        #expect(PairCountNormalisation(firstPairs: 4, floor: 0.025, quantiles: [[0.02, 0.03, 0.035, 0.04]]) == nil)
        #expect(PairCountNormalisation(firstPairs: 4, floor: 0.01, quantiles: [[0.02, 0.03, .nan, 0.04]]) == nil)
        #expect(PairCountNormalisation(firstPairs: 4, floor: 0.01, quantiles: []) == nil)
        #expect(PairCountNormalisation(firstPairs: 4, floor: 0.01, quantiles: [[0.02, 0.03, 0.035, 0.04]]) != nil)
    }

    @Test("recorded and read back unchanged; a record whose quantiles could not be fitted is refused when read")
    func codable() throws {
        let data = try JSONEncoder().encode(Self.shipped)
        #expect(try JSONDecoder().decode(PairCountNormalisation.self, from: data) == Self.shipped)
        let falling = #"{"firstPairs": 4, "floor": 0.01, "quantiles": [[0.02, 0.03, 0.025, 0.04]]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PairCountNormalisation.self, from: Data(falling.utf8)) }
        let short = #"{"firstPairs": 4, "floor": 0.01, "quantiles": [[0.02, 0.03]]}"#
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(PairCountNormalisation.self, from: Data(short.utf8)) }
    }

    @Test("the matcher's score is the raw LSA-R mean normalised at the comparison's n_P")
    func matcherApplies() {
        let workspace = CylinderMatcher.Workspace()
        var smallPrints = 0
        for seed in UInt64(1)...40 {
            let a = CylinderTemplate(minutiae: CylinderMatcherTests.print(9 + Int(seed % 30), seed: seed))
            let b = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: CylinderMatcherTests.print(9 + Int(seed % 30), seed: seed), seed: seed &* 3))
            let pairs = CylinderMatcher().pairCount(a.count, b.count)
            smallPrints += pairs < 12 ? 1 : 0
            let raw = CylinderMatcher.raw.score(a, b, using: workspace)
            #expect(CylinderMatcher().score(a, b, using: workspace) == Self.shipped.normalised(raw, pairs: pairs))
        }
        #expect(smallPrints > 10)
    }
}
