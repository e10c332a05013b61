import Foundation
import Testing
import VigilMetrics

@Suite("Impostor tails and the pooled calibration")
struct ImpostorTailTests {
    /// Deterministic standard normal draws (Box-Muller on a 64-bit LCG).
    func normals(_ count: Int, seed: UInt64) -> [Float] {
        var state = seed
        func uniform() -> Double {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return (Double(state >> 11) + 0.5) / Double(1 << 53)
        }
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
        for (z, _) in [(3.09, 1e-3), (3.72, 1e-4)] {
            let estimated = fit.falseMatchRate(at: z), truth = tail(z)
            #expect(estimated > truth / 2 && estimated < truth * 2, "FMR at \(z): \(estimated) vs \(truth)")
        }
        // score(at:) inverts falseMatchRate(at:), in the tail and in the body.
        for rate in [0.05, 0.01, 1e-3, 1e-5] {
            #expect(abs(fit.falseMatchRate(at: fit.score(atFalseMatchRate: rate)) / rate - 1) < 1e-6, "\(rate)")
        }
        #expect(ImpostorTail(impostor: normals(1_000, seed: 1)) == nil)   // 10 tail scores: too few to fit
    }

    @Test("the pooled calibration takes each rate's strictest population and reports its genuine misses")
    func pooled() throws {
        let a = try #require(ImpostorTail(impostor: normals(50_000, seed: 5)))
        let b = try #require(ImpostorTail(impostor: normals(50_000, seed: 6).map { $0 + 0.5 }))    // runs higher
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
