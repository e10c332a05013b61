/// Error versus reject characteristic (ISO/IEC 29794-1): how the false
/// non-match rate at a fixed threshold falls as the lowest-quality samples
/// are rejected. A quality measure is useful when this falls faster than
/// rejecting at random would (which leaves FNMR where it was).
public struct ErrorRejectCurve: Sendable, Codable, Equatable {
    public struct Point: Sendable, Codable, Equatable {
        /// Share of samples rejected (the lowest quality first).
        public let rejected: Double
        /// FNMR over the genuine pairs left (neither sample rejected).
        public let fnmr: Double
        public let pairs: Int
    }

    public let threshold: Float
    public let points: [Point]

    /// The genuine pairs among `pairs` count; a pair left out by a rejection
    /// is dropped, not counted as an error. Ties at the cut are rejected
    /// together, so a point may reject a little more than its share.
    public init(pairs: [ScoredPair], quality: [Float], threshold: Float, fractions: [Double] = [0, 0.05, 0.1, 0.2]) {
        let genuine = pairs.filter(\.genuine)
        self.threshold = threshold
        let ascending = quality.sorted()
        points = fractions.map { fraction in
            let count = min(ascending.count, Int((fraction * Double(ascending.count)).rounded()))
            let cut = count > 0 ? ascending[count - 1] : -.infinity
            let kept = genuine.filter { quality[$0.first] > cut && quality[$0.second] > cut }
            let rejected = Double(quality.filter { $0 <= cut }.count) / Double(max(1, quality.count))
            let errors = kept.filter { $0.score < threshold }.count
            return Point(rejected: rejected, fnmr: Double(errors) / Double(max(1, kept.count)), pairs: kept.count)
        }
    }
}
