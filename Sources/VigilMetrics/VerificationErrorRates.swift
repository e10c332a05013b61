/// Verification error rates from genuine (mated) and impostor (non-mated)
/// comparison scores, higher meaning more similar, in the sense of
/// ISO/IEC 19795-1.
///
/// A comparison that could not be made because a sample failed to enrol
/// should be passed as `-infinity`: it then counts as a false non-match for a
/// genuine pair at every threshold and never as a false match.
public struct VerificationErrorRates: Sendable {
    public let genuine: [Float]    // ascending
    public let impostor: [Float]   // descending

    public init(genuine: [Float], impostor: [Float]) {
        self.genuine = genuine.sorted()
        self.impostor = impostor.sorted(by: >)
    }

    /// Share of impostor scores at or above `threshold`.
    public func falseMatchRate(at threshold: Float) -> Double {
        guard !impostor.isEmpty else { return 0 }
        return Double(countAtOrAbove(threshold, inDescending: impostor)) / Double(impostor.count)
    }

    /// Share of genuine scores below `threshold`.
    public func falseNonMatchRate(at threshold: Float) -> Double {
        guard !genuine.isEmpty else { return 0 }
        return Double(countBelow(threshold, inAscending: genuine)) / Double(genuine.count)
    }

    /// The lowest threshold whose false-match rate is at most `rate`
    /// (`rate` 0 gives the ZeroFMR operating point).
    public func threshold(forFalseMatchRate rate: Double) -> Float {
        let allowed = Int((rate * Double(impostor.count)).rounded(.down) + 1e-9)
        guard allowed < impostor.count else { return -.infinity }
        let blocking = impostor[allowed]   // the (allowed+1)-th highest impostor score
        return blocking.isFinite ? blocking.nextUp : (blocking > 0 ? .infinity : -.greatestFiniteMagnitude)
    }

    public struct OperatingPoint: Sendable, Equatable {
        public let threshold: Float
        public let falseMatchRate: Double
        public let falseNonMatchRate: Double
    }

    /// The operating point at the highest FMR not above `rate`.
    public func operatingPoint(atFalseMatchRate rate: Double) -> OperatingPoint {
        let t = threshold(forFalseMatchRate: rate)
        return OperatingPoint(threshold: t, falseMatchRate: falseMatchRate(at: t), falseNonMatchRate: falseNonMatchRate(at: t))
    }

    /// Equal error rate: over every candidate threshold (each observed score),
    /// the point where |FMR - FNMR| is smallest, reported as their mean.
    public func equalErrorRate() -> OperatingPoint {
        var candidates = Set(genuine.filter(\.isFinite))
        candidates.formUnion(impostor.filter(\.isFinite))
        var best = OperatingPoint(threshold: .infinity, falseMatchRate: 0, falseNonMatchRate: 1)
        var bestGap = Double.infinity
        for t in candidates.sorted() {
            let fmr = falseMatchRate(at: t), fnmr = falseNonMatchRate(at: t)
            let gap = abs(fmr - fnmr)
            if gap < bestGap {
                bestGap = gap
                best = OperatingPoint(threshold: t, falseMatchRate: fmr, falseNonMatchRate: fnmr)
            }
        }
        return best
    }

    public static func equalErrorValue(_ point: OperatingPoint) -> Double {
        (point.falseMatchRate + point.falseNonMatchRate) / 2
    }

    private func countAtOrAbove(_ t: Float, inDescending scores: [Float]) -> Int {
        var lo = 0, hi = scores.count   // first index with score < t
        while lo < hi {
            let mid = (lo + hi) / 2
            if scores[mid] >= t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }

    private func countBelow(_ t: Float, inAscending scores: [Float]) -> Int {
        var lo = 0, hi = scores.count   // first index with score >= t
        while lo < hi {
            let mid = (lo + hi) / 2
            if scores[mid] < t { lo = mid + 1 } else { hi = mid }
        }
        return lo
    }
}
