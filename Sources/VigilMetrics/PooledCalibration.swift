import Foundation

extension Array {
    /// The first index whose element satisfies `belongs`, for a predicate false then true along the array.
    public func partitioningIndex(where belongs: (Element) -> Bool) -> Int {
        var low = 0, high = count
        while low < high {
            let mid = (low + high) / 2
            if belongs(self[mid]) { high = mid } else { low = mid + 1 }
        }
        return low
    }
}

/// Score ↔ false-match rate for a deployment that screens several
/// populations: at each rate, the highest threshold any measured population
/// needs (each from its own `ImpostorTail`). So no measured population's FMR
/// exceeds the stated rate; the price is false non-matches for populations
/// whose impostor scores run lower.
public struct PooledCalibration: Sendable, Codable, Equatable {
    public struct Point: Sendable, Codable, Equatable {
        public let rate: Double
        public let score: Double
        /// The data set that needed this threshold.
        public let population: String
        /// The highest FNMR any population has at this score (failures to
        /// enrol counted), when genuine scores were measured.
        public var worstFnmr: Double?

        public init(rate: Double, score: Double, population: String, worstFnmr: Double? = nil) {
            self.rate = rate
            self.score = score
            self.population = population
            self.worstFnmr = worstFnmr
        }
    }

    /// Rate descending, score ascending.
    public let points: [Point]

    /// 1e-1 down to 1e-8 in 1-2-5 steps.
    public static let rates = rates(downTo: 8)

    /// 1e-1 down to 10^−`decades` in 1-2-5 steps.
    public static func rates(downTo decades: Int) -> [Double] {
        (1...decades).flatMap { e in [5.0, 2.0, 1.0].map { $0 * pow(10, -Double(e)) } }.filter { $0 <= 0.1 }
    }

    public init(points: [Point]) { self.points = points }

    /// `genuine`: each population's genuine scores (−infinity for a pair a
    /// failure to enrol made impossible), for the FNMR each threshold costs.
    public init(tails: [String: ImpostorTail], genuine: [String: [Float]] = [:]) {
        let sortedGenuine = genuine.mapValues { $0.sorted() }
        points = Self.rates.map { rate in
            let (population, score) = tails.map { ($0.key, $0.value.score(atFalseMatchRate: rate)) }
                .max { $0.1 != $1.1 ? $0.1 < $1.1 : $0.0 > $1.0 }!
            let fnmr = sortedGenuine.values.filter { !$0.isEmpty }.map { scores in
                Double(scores.partitioningIndex { Double($0) >= score }) / Double(scores.count)
            }.max()
            return Point(rate: rate, score: score, population: population, worstFnmr: fnmr)
        }
    }

    /// The highest FNMR of any calibration population at `score`, from the
    /// nearest table point at or above it.
    public func worstFalseNonMatchRate(at score: Double) -> Double? {
        (points.first { $0.score >= score } ?? points.last)?.worstFnmr
    }

    /// Interpolated on log rate; beyond the table, the end points (the
    /// lowest rate is then an upper bound).
    public func falseMatchRate(at score: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 1 }
        if score <= first.score { return first.rate }
        if score >= last.score { return last.rate }
        let upper = points.firstIndex { $0.score >= score }!
        let (a, b) = (points[upper - 1], points[upper])
        let t = (score - a.score) / max(1e-12, b.score - a.score)
        return pow(10, log10(a.rate) + t * (log10(b.rate) - log10(a.rate)))
    }

    public func score(atFalseMatchRate rate: Double) -> Double {
        guard let first = points.first, let last = points.last else { return 1 }
        if rate >= first.rate { return first.score }
        if rate <= last.rate { return last.score }
        let below = points.lastIndex { $0.rate >= rate }!
        let (a, b) = (points[below], points[below + 1])
        let t = (log10(rate) - log10(a.rate)) / (log10(b.rate) - log10(a.rate))
        return a.score + t * (b.score - a.score)
    }
}
