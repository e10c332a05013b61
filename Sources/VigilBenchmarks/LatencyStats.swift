/// Percentiles of a set of timings, in milliseconds.
public struct LatencyStats: Sendable, Codable {
    public let p50: Double
    public let p99: Double
    public let mean: Double

    public init(nanoseconds samples: [UInt64]) {
        let sorted = samples.sorted()
        p50 = Double(Self.percentile(0.5, ofSorted: sorted) ?? 0) / 1e6
        p99 = Double(Self.percentile(0.99, ofSorted: sorted) ?? 0) / 1e6
        mean = sorted.isEmpty ? 0 : Double(sorted.reduce(0, +)) / Double(sorted.count) / 1e6
    }

    /// The sample at quantile `q` of ascending `sorted` samples (the one
    /// nearest rank q·(n−1)); every percentile a bench reports is taken this
    /// way, so a time and the work beside it name the same rank.
    public static func percentile<Sample>(_ q: Double, ofSorted sorted: [Sample]) -> Sample? {
        guard !sorted.isEmpty else { return nil }
        return sorted[min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))]
    }
}
