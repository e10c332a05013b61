/// Open-set identification figures (ISO/IEC 19795-1; the NIST FRTE 1:N
/// style): from each mated search the mate's score and rank, from each
/// non-mated search its top score.
///
/// - FPIR(t): the share of non-mated searches returning any candidate at or
///   above t. A non-mated probe that failed to enrol returns nothing.
/// - FNIR(t): the share of mated searches whose mate is not returned at or
///   above t within the first `candidateRank` candidates. A mated probe that
///   failed to enrol, or whose mate has no usable gallery template, is a miss
///   at every threshold.
public struct OpenSetIdentification: Sendable {
    public struct MatedSearch: Sendable {
        /// The mate's score and its rank (1 = first); nil when the search
        /// could not return the mate at all.
        public let mate: (score: Float, rank: Int)?
        public init(mate: (score: Float, rank: Int)?) { self.mate = mate }
    }

    public static let fpirTargets: [(key: String, rate: Double)] = [("0.01", 0.01), ("0.001", 0.001)]

    public let mated: [MatedSearch]
    /// Top score of each non-mated search; nil when it returned nothing.
    public let nonMatedTop: [Float?]
    public let candidateRank: Int

    public init(mated: [MatedSearch], nonMatedTop: [Float?], candidateRank: Int = 10) {
        self.mated = mated
        self.nonMatedTop = nonMatedTop
        self.candidateRank = candidateRank
    }

    /// The lowest threshold whose FPIR does not exceed `rate`: just above
    /// the k-th highest non-mated top score, k = floor(rate x searches).
    public func threshold(atFPIR rate: Double) -> Float {
        let tops = nonMatedTop.compactMap { $0 }.sorted(by: >)
        let allowed = Int((rate * Double(nonMatedTop.count)).rounded(.down))
        guard allowed < tops.count else { return tops.last.map { $0 } ?? -.infinity }
        return tops[allowed].nextUp
    }

    public func fpir(at threshold: Float) -> Double {
        guard !nonMatedTop.isEmpty else { return 0 }
        return Double(nonMatedTop.filter { ($0 ?? -.infinity) >= threshold }.count) / Double(nonMatedTop.count)
    }

    public func fnir(at threshold: Float) -> Double {
        guard !mated.isEmpty else { return 0 }
        let found = mated.filter { search in
            guard let mate = search.mate else { return false }
            return mate.score >= threshold && mate.rank <= candidateRank
        }.count
        return 1 - Double(found) / Double(mated.count)
    }

    /// The share of mated searches whose mate ranks at or above `rank`, at any score.
    public func rankRate(_ rank: Int) -> Double {
        guard !mated.isEmpty else { return 0 }
        return Double(mated.filter { ($0.mate?.rank ?? .max) <= rank }.count) / Double(mated.count)
    }

    /// (FPIR, FNIR) at every distinct non-mated top score, for a DET curve.
    public func detPoints() -> [(fpir: Double, fnir: Double)] {
        Set(nonMatedTop.compactMap { $0 }).sorted().map { t in (fpir(at: t), fnir(at: t)) }
    }
}
