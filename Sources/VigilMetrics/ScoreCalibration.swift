import Foundation

/// Maps a comparison score to evidence: −log10 of the estimated false-match
/// rate at that score. The impostor tail is modelled as a Gaussian passing
/// exactly through two measured operating points, so the calibration
/// reproduces both (e.g. the thresholds at FMR 1% and 0.1%) and extrapolates
/// smoothly beyond the data. Evidence from independent modalities is
/// combined by Fisher's method (`EvidenceCombination`).
public struct ScoreCalibration: Sendable, Equatable, Codable {
    public let mean: Double
    public let deviation: Double
    /// When set, a measured calibration replaces the Gaussian model (face
    /// scores: a conservative table fitted per population by `vigil calibrate`).
    public var measured: PooledCalibration?
    /// Evidence is capped so that no single comparison can claim more than
    /// an FMR of 1e-12, however far out its score lies.
    public static let maximumEvidence = 12.0

    public init(score1: Double, falseMatchRate1: Double, score2: Double, falseMatchRate2: Double) {
        let z1 = Self.quantile(falseMatchRate1), z2 = Self.quantile(falseMatchRate2)
        deviation = (score2 - score1) / (z2 - z1)
        mean = score1 - z1 * deviation
    }

    /// A calibration from measured impostor tails; mean and deviation are
    /// the Gaussian through its FMR 1% and 0.1% points, kept for reference.
    public init(measured: PooledCalibration) {
        self.init(score1: measured.score(atFalseMatchRate: 0.01), falseMatchRate1: 0.01,
                  score2: measured.score(atFalseMatchRate: 0.001), falseMatchRate2: 0.001)
        self.measured = measured
    }

    /// The estimated FMR at `score`: the measured table when there is one,
    /// else the Gaussian tail (before the evidence cap).
    public func falseMatchRate(at score: Float) -> Double {
        if let measured { return measured.falseMatchRate(at: Double(score)) }
        return 0.5 * erfc((Double(score) - mean) / deviation / 2.0.squareRoot())
    }

    /// −log10 FMR(score), in 0...maximumEvidence.
    public func evidence(_ score: Float) -> Double {
        let rate = falseMatchRate(at: score)
        guard rate > 0 else { return Self.maximumEvidence }
        return min(Self.maximumEvidence, max(0, -log10(rate)))
    }

    /// The score whose estimated FMR is `rate`.
    public func score(atFalseMatchRate rate: Double) -> Float {
        if let measured { return Float(measured.score(atFalseMatchRate: rate)) }
        return Float(mean + Self.quantile(rate) * deviation)
    }

    /// z with P(Z ≥ z) = p for a standard normal, by bisection on erfc.
    static func quantile(_ p: Double) -> Double {
        var lo = -10.0, hi = 40.0
        for _ in 0..<200 {
            let mid = (lo + hi) / 2
            if 0.5 * erfc(mid / 2.0.squareRoot()) > p { lo = mid } else { hi = mid }
        }
        return (lo + hi) / 2
    }
}
