import Foundation
import Testing
import VigilMetrics

@Suite("Impostor tails and the pooled calibration")
struct ImpostorTailTests {
    /// Deterministic standard normal draws (Box-Muller on SplitMix64).
    func normals(_ count: Int, seed: UInt64) -> [Float] {
        var generator = SeededGenerator(seed: seed)
        func uniform() -> Double { (Double(generator.next() >> 11) + 0.5) / Double(1 << 53) }   // never 0: log is finite
        return (0..<count).map { _ in Float((-2 * log(uniform())).squareRoot() * cos(2 * .pi * uniform())) }
    }

    /// P(Z >= z) for a standard normal.
    func tail(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

    // Sizes kept small: a debug build runs these synchronously on the shared test threads.
    @Test("fitted on 1% of 200,000 normal scores, it extrapolates the rate two decades further")
    func extrapolates() throws {
        let fit = try #require(ImpostorTail(impostor: normals(200_000, seed: 3)))
        #expect(abs(fit.tailScore - 2.326) < 0.03)               // the 1% quantile
        #expect(fit.shape < 0)                                     // a normal tail is lighter than exponential
        // One sample's fit can miss a rate two decades out by more than a
        // factor of 2 (2,000 tail scores fix the shape only so well): the
        // typical fit, over several samples, must not; none may by 4.
        for z in [3.09, 3.72] {
            let ratios = try (1...7).map { seed in
                try #require(ImpostorTail(impostor: normals(200_000, seed: seed))).falseMatchRate(at: z) / tail(z)
            }.sorted()
            #expect(ratios[3] > 0.5 && ratios[3] < 2, "FMR at \(z) over the truth: \(ratios)")
            #expect(ratios.allSatisfy { $0 > 0.25 && $0 < 4 }, "FMR at \(z) over the truth: \(ratios)")
        }
        // score(at:) inverts falseMatchRate(at:), in the tail and in the body.
        for rate in [0.05, 0.01, 1e-3, 1e-5] {
            #expect(abs(fit.falseMatchRate(at: fit.score(atFalseMatchRate: rate)) / rate - 1) < 1e-6, "\(rate)")
        }
        #expect(ImpostorTail(impostor: normals(1_000, seed: 1)) == nil)   // 10 tail scores: too few to fit
    }

    @Test("fitted above 0.1% with 1% kept as measured: the 1% score is the sample's own, and the tail still extrapolates")
    func higherThreshold() throws {
        let scores = normals(200_000, seed: 5)
        let fit = try #require(ImpostorTail(impostor: scores, tailRate: 0.001, bodyRates: ImpostorTail.bodyRates + [0.01]))
        let sorted = scores.sorted(by: >)
        #expect(abs(fit.tailScore - 3.09) < 0.05)                                        // the 0.1% quantile
        #expect(fit.score(atFalseMatchRate: 0.01) == Double(sorted[2_000]))             // measured, not interpolated
        #expect(abs(fit.falseMatchRate(at: 3.72) / tail(3.72) - 1) < 1)                 // a decade past the threshold
        // Without 1% among the body's rates, 1% falls between 2% and the threshold.
        let plain = try #require(ImpostorTail(impostor: scores, tailRate: 0.001))
        #expect(plain.score(atFalseMatchRate: 0.01) != Double(sorted[2_000]))
    }

    @Test("the pooled calibration takes each rate's strictest population and reports its genuine misses")
    func pooled() throws {
        let a = try #require(ImpostorTail(impostor: normals(50_000, seed: 5)))
        // The same scores half a unit higher: stricter at every rate by
        // construction (the fit moves with its threshold), however far out
        // the fitted tails are read.
        let b = try #require(ImpostorTail(impostor: normals(50_000, seed: 5).map { $0 + 0.5 }))
        let genuine: [Float] = (0..<1000).map { Float($0) / 100 }          // 0.00 ... 9.99
        let pooled = PooledCalibration(tails: ["a": a, "b": b], genuine: ["a": genuine])
        for point in pooled.points {
            #expect(point.population == "b")
            #expect(abs(point.score - b.score(atFalseMatchRate: point.rate)) < 1e-12)
            #expect(abs((point.worstFnmr ?? -1) - (Double(Int((point.score * 100).rounded(.up))) / 1000)) <= 0.001)
        }
        #expect(zip(pooled.points, pooled.points.dropFirst()).allSatisfy { $0.score < $1.score && $0.rate > $1.rate })
        #expect(abs(pooled.falseMatchRate(at: pooled.score(atFalseMatchRate: 3e-3)) / 3e-3 - 1) < 1e-9)
        // A measured calibration drives evidence: −log10 of the pooled rate.
        let calibration = ScoreCalibration(measured: pooled)
        let s = pooled.score(atFalseMatchRate: 1e-4)
        #expect(abs(calibration.evidence(Float(s)) - 4) < 1e-3)
    }
}
