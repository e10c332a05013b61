/// The figures every verification report carries, from one set of genuine
/// and impostor scores: EER, and the true-accept rate and threshold at a
/// false-accept rate of 1% and 0.1% (keys "0.01", "0.001"), and at zero.
public struct VerificationSummary: Sendable {
    public static let farTargets: [(key: String, rate: Double)] = [("0.01", 0.01), ("0.001", 0.001)]

    public let rates: VerificationErrorRates
    public let genuineCount: Int
    public let impostorCount: Int
    public let eer: Double
    public let eerThreshold: Float
    public let tarAtFar: [String: Double]
    public let thresholdAtFar: [String: Float]
    /// FNMR at the lowest threshold with no false match.
    public let zeroFmr: Double

    public init(genuine: [Float], impostor: [Float]) {
        rates = VerificationErrorRates(genuine: genuine, impostor: impostor)
        genuineCount = genuine.count
        impostorCount = impostor.count
        let point = rates.equalErrorRate()
        eer = VerificationErrorRates.equalErrorValue(point)
        eerThreshold = point.threshold
        var tar: [String: Double] = [:], thresholds: [String: Float] = [:]
        for target in Self.farTargets {
            let operating = rates.operatingPoint(atFalseMatchRate: target.rate)
            tar[target.key] = 1 - operating.falseNonMatchRate
            thresholds[target.key] = operating.threshold
        }
        tarAtFar = tar
        thresholdAtFar = thresholds
        zeroFmr = rates.operatingPoint(atFalseMatchRate: 0).falseNonMatchRate
    }

    /// Scores every unordered pair of labelled samples once; pairs with the
    /// same label are genuine, the others impostor.
    /// Fills the two lists directly: on tens of millions of pairs a list of
    /// `ScoredPair`s first would triple the memory.
    public static func allPairs<Label: Equatable>(_ labels: [Label], score: (Int, Int) -> Float) -> (genuine: [Float], impostor: [Float]) {
        var genuine: [Float] = [], impostor: [Float] = []
        for i in labels.indices {
            for j in labels.indices where j > i {
                if labels[i] == labels[j] { genuine.append(score(i, j)) } else { impostor.append(score(i, j)) }
            }
        }
        return (genuine, impostor)
    }

    /// Every unordered pair (first < second) with its score, in row order.
    public static func scoredPairs<Label: Equatable>(_ labels: [Label], score: (Int, Int) -> Float) -> [ScoredPair] {
        var pairs: [ScoredPair] = []
        for i in labels.indices {
            for j in labels.indices where j > i {
                pairs.append(ScoredPair(first: i, second: j, genuine: labels[i] == labels[j], score: score(i, j)))
            }
        }
        return pairs
    }
}

/// One compared pair of samples, by their indices.
public struct ScoredPair: Sendable, Equatable {
    public let first: Int
    public let second: Int
    public let genuine: Bool
    public let score: Float

    public init(first: Int, second: Int, genuine: Bool, score: Float) {
        self.first = first
        self.second = second
        self.genuine = genuine
        self.score = score
    }
}
