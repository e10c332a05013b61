import Foundation
import Testing
import VigilMetrics

@Suite("PCA dimension reduction")
struct PrincipalSubspaceTests {
    /// Unit vectors in 12 dimensions that vary mostly along 3 fixed directions
    /// (strong, medium, weak) plus small isotropic noise.
    static func samples(count: Int, seed: UInt64) -> [[Float]] {
        var generator = SeededGenerator(seed: seed)
        func uniform() -> Double { Double(generator.next() >> 11) / Double(1 << 53) - 0.5 }
        return (0..<count).map { _ in
            var v = (0..<12).map { _ in Float(uniform() * 0.05) }
            v[0] += Float(uniform() * 4)
            v[5] += Float(uniform() * 2)
            v[9] += Float(uniform() * 1)
            v[11] += 1   // a shared offset: the direction that carries the most energy
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return v.map { $0 / norm }
        }
    }

    @Test("finds the directions of variance: orthonormal basis, most variance kept, unit-length projections")
    func recoversDirections() {
        let subspace = PrincipalSubspace(fitting: Self.samples(count: 400, seed: 7), dimension: 3)
        #expect(subspace.dimension == 3 && subspace.inputDimension == 12)
        // Four directions (the offset and the three varying axes) carry
        // (almost) all the energy, three most of it.
        #expect(subspace.explainedVariance > 0.9, "\(subspace.explainedVariance)")
        let four = PrincipalSubspace(fitting: Self.samples(count: 400, seed: 7), dimension: 4)
        #expect(four.explainedVariance > 0.995 && four.explainedVariance > subspace.explainedVariance, "\(four.explainedVariance)")
        for r in 0..<3 {
            for s in 0..<3 {
                let dot = (0..<12).reduce(Float(0)) { $0 + subspace.basis[r * 12 + $1] * subspace.basis[s * 12 + $1] }
                #expect(abs(dot - (r == s ? 1 : 0)) < 1e-4, "rows \(r), \(s): \(dot)")
            }
        }
        // Each basis row lies (almost) in the span of axes 0, 5, 9 and 11.
        for r in 0..<3 {
            let outside = (0..<12).filter { ![0, 5, 9, 11].contains($0) }.reduce(Float(0)) { $0 + pow(subspace.basis[r * 12 + $1], 2) }
            #expect(outside < 0.02, "row \(r) has \(outside) of its weight off the varying axes")
        }
        for sample in Self.samples(count: 20, seed: 99) {
            let projected = subspace.project(sample)
            #expect(abs(projected.reduce(0) { $0 + $1 * $1 } - 1) < 1e-4)
        }
    }

    @Test("the same data gives the same subspace (a report is reproducible)")
    func deterministic() {
        let data = Self.samples(count: 200, seed: 3)
        #expect(PrincipalSubspace(fitting: data, dimension: 2).basis == PrincipalSubspace(fitting: data, dimension: 2).basis)
    }

    @Test("keeping every direction keeps every cosine")
    func fullRankKeepsCosines() {
        let data = Self.samples(count: 300, seed: 11)
        let subspace = PrincipalSubspace(fitting: data, dimension: 12)
        #expect(subspace.explainedVariance > 0.999)
        // With every direction kept, projection is a rotation: dot products of unit vectors are unchanged.
        for (a, b) in zip(data.prefix(30), data.dropFirst(30).prefix(30)) {
            let before = zip(a, b).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            let after = zip(subspace.project(a), subspace.project(b)).reduce(Float(0)) { $0 + $1.0 * $1.1 }
            #expect(abs(before - after) < 1e-4, "\(before) became \(after)")
        }
    }
}
