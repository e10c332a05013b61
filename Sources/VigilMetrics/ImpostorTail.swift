import Foundation

/// The upper tail of one data set's impostor (non-mated) score distribution,
/// for false-match rates beyond what its pairs can measure directly.
///
/// Peaks over threshold: above u, the score at which the empirical FMR is
/// `tailRate` (1% by default), the exceedances are modelled by a generalised
/// Pareto distribution, FMR(s) = p_u (1 + ξ (s − u) / σ)^(−1/ξ), fitted by
/// probability-weighted moments (Hosking & Wallis 1987), which are stable for
/// the bounded tails (ξ < 0) cosine scores have. Below u the empirical
/// quantiles are kept at a few rates and interpolated.
public struct ImpostorTail: Sendable, Codable, Equatable {
    public let impostors: Int
    /// u and p_u.
    public let tailScore: Double
    public let tailRate: Double
    public let shape: Double
    public let scale: Double
    /// Empirical (rate, score) points above the tail rate, rate descending.
    public let body: [RatePoint]

    public struct RatePoint: Sendable, Codable, Equatable {
        public let rate: Double
        public let score: Double
    }

    public static let bodyRates = [0.2, 0.1, 0.05, 0.02]

    /// Nil when there are too few impostor scores to fit (fewer than 20 in
    /// the tail). `bodyRates` above `tailRate` are kept as measured.
    public init?(impostor scores: [Float], tailRate: Double = 0.01, bodyRates: [Double] = ImpostorTail.bodyRates) {
        let sorted = scores.filter(\.isFinite).map(Double.init).sorted(by: >)
        let k = Int((tailRate * Double(sorted.count)).rounded(.down))
        guard k >= 20, k < sorted.count else { return nil }
        impostors = sorted.count
        self.tailRate = Double(k) / Double(sorted.count)
        tailScore = sorted[k]
        // Exceedances over u, ascending, with plotting positions (i − 0.35) / k.
        let excess = sorted.prefix(k).map { $0 - sorted[k] }.reversed().map { $0 }
        let a0 = excess.reduce(0, +) / Double(k)
        var a1 = 0.0
        for (i, y) in excess.enumerated() { a1 += (1 - (Double(i + 1) - 0.35) / Double(k)) * y }
        a1 /= Double(k)
        let hoskingK = a0 / (a0 - 2 * a1) - 2
        shape = -hoskingK
        scale = 2 * a0 * a1 / (a0 - 2 * a1)
        body = bodyRates.filter { $0 > tailRate }.map { rate in
            RatePoint(rate: rate, score: sorted[min(sorted.count - 1, Int(rate * Double(sorted.count)))])
        }
    }

    /// Estimated FMR at `score` (0 beyond a bounded tail's end).
    public func falseMatchRate(at score: Double) -> Double {
        if score >= tailScore {
            let z = (score - tailScore) / scale
            if abs(shape) < 1e-9 { return tailRate * exp(-z) }
            let base = 1 + shape * z
            return base <= 0 ? 0 : tailRate * pow(base, -1 / shape)
        }
        // Ascending score (descending rate); below the lowest kept score, its rate.
        let points = body + [RatePoint(rate: tailRate, score: tailScore)]
        guard let upper = points.firstIndex(where: { $0.score >= score }), upper > 0 else { return points[0].rate }
        let (a, b) = (points[upper - 1], points[upper])
        let t = (score - a.score) / max(1e-12, b.score - a.score)
        return pow(10, log10(a.rate) + t * (log10(b.rate) - log10(a.rate)))
    }

    /// The score whose estimated FMR is `rate`.
    public func score(atFalseMatchRate rate: Double) -> Double {
        if rate <= tailRate {
            let ratio = rate / tailRate
            if abs(shape) < 1e-9 { return tailScore - scale * log(ratio) }
            return tailScore + scale / shape * (pow(ratio, -shape) - 1)
        }
        let points = body + [RatePoint(rate: tailRate, score: tailScore)]
        guard let below = points.lastIndex(where: { $0.rate >= rate }) else { return points[0].score }
        guard below + 1 < points.count else { return points[below].score }
        let (a, b) = (points[below], points[below + 1])
        let t = (log10(rate) - log10(a.rate)) / (log10(b.rate) - log10(a.rate))
        return a.score + t * (b.score - a.score)
    }
}
