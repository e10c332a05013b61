/// Puts LSA-R scores resting on different numbers of pairs on one scale.
///
/// LSA-R's score is the mean of a comparison's n_P most efficient pairs,
/// n_P growing from 4 (a print with few cylinders) to 12. A stranger's mean
/// of 4 pairs reaches a given score far more often than its mean of 12, so a
/// raw score means less evidence the smaller n_P is (measured at 100,000
/// fingers: one impostor pair in 10,000 exceeds 0.048 at n_P 4 and 0.023 at
/// 12). Ranked raw, a small stranger outranks a weak mate.
///
/// Each n_P's score is mapped onto the scale of the largest n_P by matching
/// impostor quantiles in the tail, where identification decides: the score
/// a stranger exceeds at each of `rates` at that n_P goes to the score
/// exceeded at the same rate at the largest, and scores between are
/// interpolated linearly, so equal normalised scores mean equal false-match
/// rates whatever the print's size. Scores below `floor`, what a stranger
/// exceeds once in ten comparisons at the largest n_P, are left as they are
/// (no evidence: `ServiceConfiguration.evidenceFloorRate`), and between the
/// floor and the first rate's score the line runs from one to the other.
/// Matching the body too made verification worse on the FVC databases:
/// there the impostor distribution depends on how much of the two prints
/// overlap more than on n_P (mean EER 4.15% with quantiles matched from FMR
/// 10%, 4.20% with scores below FMR 1% scaled in proportion; 4.01% with the
/// floor, 3.96% raw). Beyond the rarest rate the last segment's line
/// continues (both tails are near-exponential there), which keeps the order
/// of strong scores far beyond any measured rate, where mapping through
/// fitted tail probabilities would flatten them.
/// The largest n_P maps to itself: two full prints keep their raw score.
///
/// The quantiles are fitted by `vigil calibrate fingers` on impostor pairs
/// of real prints (docs/fingerprints.md).
public struct PairCountNormalisation: Sendable, Equatable {
    /// The false-match rate of `floor` at the largest n_P.
    public static let floorRate = 0.1
    /// False-match rates at which the quantiles are matched, most frequent first.
    public static let rates = [0.01, 1e-3, 1e-4, 1e-5]

    /// The n_P of `quantiles[0]`; the last entry is the reference scale.
    public let firstPairs: Int
    /// Scores below this are not changed.
    public let floor: Float
    /// Per n_P, the impostor scores exceeded at each of `rates`.
    public let quantiles: [[Float]]

    /// Nil unless there is at least one n_P and each has a finite score per
    /// rate, above `floor` and rising as the rate falls.
    public init?(firstPairs: Int, floor: Float, quantiles: [[Float]]) {
        guard !quantiles.isEmpty, floor.isFinite, quantiles.allSatisfy({ q in
            q.count == Self.rates.count && q.allSatisfy(\.isFinite) && zip([floor] + q, q).allSatisfy { $0 < $1 }
        }) else { return nil }
        (self.firstPairs, self.floor, self.quantiles) = (firstPairs, floor, quantiles)
    }

    /// `score`, a mean over `pairs` pairs, on the reference scale, in 0...1.
    /// A count outside the fitted range takes its nearest fitted count.
    public func normalised(_ score: Float, pairs: Int) -> Float {
        let own = quantiles[min(quantiles.count - 1, max(0, pairs - firstPairs))], reference = quantiles[quantiles.count - 1]
        guard score > floor else { return score }
        guard score >= own[0] else { return floor + (score - floor) * (reference[0] - floor) / (own[0] - floor) }
        // The segment holding the score; the last extends outwards.
        var k = 0
        while k < own.count - 2 && score >= own[k + 1] { k += 1 }
        let t = (score - own[k]) / (own[k + 1] - own[k])
        return min(1, max(0, reference[k] + t * (reference[k + 1] - reference[k])))
    }
}

extension CylinderMatcher {
    /// The paper's matcher without the normalisation: raw LSA-R means.
    public static var raw: CylinderMatcher {
        var matcher = CylinderMatcher()
        matcher.normalisation = nil
        return matcher
    }
}
