/// Percentiles of a set of timings, in milliseconds.
public struct LatencyStats: Sendable, Codable {
    public let p50: Double
    public let p99: Double
    public let mean: Double

    public init(nanoseconds samples: [UInt64]) {
        let sorted = samples.sorted()
        func percentile(_ q: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            let index = min(sorted.count - 1, Int((q * Double(sorted.count - 1)).rounded()))
            return Double(sorted[index]) / 1e6
        }
        p50 = percentile(0.5)
        p99 = percentile(0.99)
        mean = sorted.isEmpty ? 0 : Double(sorted.reduce(0, +)) / Double(sorted.count) / 1e6
    }
}
