import Foundation

/// Compares two cylinder templates: local similarities by popcount over the
/// common validity mask, then the global score by Local Similarity
/// Assignment with Relaxation (LSA-R), pairs chosen greedily (measured here
/// as accurate as the Hungarian algorithm). Scores are in 0...1.
public struct CylinderMatcher: Sendable {
    public var minMatchableFraction: Float = 0.6   // minME: common valid cells needed
    public var maxDirectionDifference: Float = .pi / 2
    public var minPairs = 4, maxPairs = 12          // minNP, maxNP
    public var muP: Float = 20, tauP: Float = 0.4
    public var relaxationRounds = 5
    public var relaxationWeight: Float = 0.5        // wR
    public var mu1: Float = 5, tau1: Float = -8.0 / 5.0
    public var mu2: Float = .pi / 12, tau2: Float = -30
    public var mu3: Float = .pi / 12, tau3: Float = -30

    public init() {}

    public func score(_ a: CylinderTemplate, _ b: CylinderTemplate) -> Float {
        let na = a.cylinders.count, nb = b.cylinders.count
        guard na > 0, nb > 0 else { return 0 }
        let words = a.parameters.words
        let minimumCommon = Int(minMatchableFraction * Float(a.parameters.cells * a.parameters.cells * a.parameters.sections) * .pi / 4)
        // Local similarity matrix, row-major na x nb.
        var local = [Float](repeating: 0, count: na * nb)
        for i in 0..<na {
            let ca = a.cylinders[i]
            for j in 0..<nb {
                let cb = b.cylinders[j]
                guard abs(Angle.difference(ca.minutia.direction, cb.minutia.direction)) <= maxDirectionDifference else { continue }
                local[i * nb + j] = Self.similarity(ca, cb, words: words, minimumCommon: minimumCommon)
            }
        }
        let nr = min(na, nb)
        let pairs = Self.greedyPairs(local, na, nb, count: nr)
        guard !pairs.isEmpty else { return 0 }
        let relaxed = relax(pairs, a, b)
        let np = minPairs + Int((sigmoid(Float(min(na, nb)), muP, tauP) * Float(maxPairs - minPairs)).rounded())
        // Keep the pairs whose similarity survived relaxation best (efficiency).
        let ranked = pairs.indices.sorted {
            let e0 = relaxed[$0] / max(pairs[$0].similarity, 1e-9), e1 = relaxed[$1] / max(pairs[$1].similarity, 1e-9)
            return e0 != e1 ? e0 > e1 : $0 < $1
        }
        let chosen = ranked.prefix(min(np, ranked.count))
        return chosen.reduce(Float(0)) { $0 + relaxed[$1] } / Float(np)
    }

    /// 1 − ‖a⊕b‖ / (‖a‖ + ‖b‖) over the cells valid in both, ‖·‖ = √popcount.
    @inline(__always)
    static func similarity(_ a: Cylinder, _ b: Cylinder, words: Int, minimumCommon: Int) -> Float {
        var common = 0, onesA = 0, onesB = 0, differing = 0
        for w in 0..<words {
            let valid = a.mask[w] & b.mask[w]
            let x = a.bits[w] & valid, y = b.bits[w] & valid
            common &+= valid.nonzeroBitCount
            onesA &+= x.nonzeroBitCount
            onesB &+= y.nonzeroBitCount
            differing &+= (x ^ y).nonzeroBitCount
        }
        guard common >= minimumCommon else { return 0 }
        let norms = Float(onesA).squareRoot() + Float(onesB).squareRoot()
        guard norms > 0 else { return 0 }
        return 1 - Float(differing).squareRoot() / norms
    }

    struct Pair { let a: Int; let b: Int; let similarity: Float }

    /// Highest similarities first, each minutia used once.
    static func greedyPairs(_ local: [Float], _ na: Int, _ nb: Int, count: Int) -> [Pair] {
        let order = local.indices.filter { local[$0] > 0 }.sorted { local[$0] != local[$1] ? local[$0] > local[$1] : $0 < $1 }
        var usedA = [Bool](repeating: false, count: na), usedB = [Bool](repeating: false, count: nb)
        var pairs: [Pair] = []
        for index in order where pairs.count < count {
            let i = index / nb, j = index % nb
            guard !usedA[i], !usedB[j] else { continue }
            usedA[i] = true
            usedB[j] = true
            pairs.append(Pair(a: i, b: j, similarity: local[index]))
        }
        return pairs
    }

    /// Iteratively weighs each pair by how compatible it is with the others
    /// (distance, direction difference and radial angle agree in both prints).
    func relax(_ pairs: [Pair], _ a: CylinderTemplate, _ b: CylinderTemplate) -> [Float] {
        let n = pairs.count
        guard n > 1 else { return pairs.map(\.similarity) }
        var rho = [Float](repeating: 0, count: n * n)
        for t in 0..<n {
            for k in 0..<n where k != t {
                let at = a.cylinders[pairs[t].a].minutia, ak = a.cylinders[pairs[k].a].minutia
                let bt = b.cylinders[pairs[t].b].minutia, bk = b.cylinders[pairs[k].b].minutia
                let d1 = abs(hypot(at.x - ak.x, at.y - ak.y) - hypot(bt.x - bk.x, bt.y - bk.y))
                let d2 = abs(Angle.difference(Angle.difference(at.direction, ak.direction), Angle.difference(bt.direction, bk.direction)))
                let d3 = abs(Angle.difference(Self.radialAngle(at, ak), Self.radialAngle(bt, bk)))
                rho[t * n + k] = sigmoid(d1, mu1, tau1) * sigmoid(d2, mu2, tau2) * sigmoid(d3, mu3, tau3)
            }
        }
        var lambda = pairs.map(\.similarity)
        for _ in 0..<relaxationRounds {
            var next = lambda
            for t in 0..<n {
                var support: Float = 0
                for k in 0..<n where k != t { support += rho[t * n + k] * lambda[k] }
                next[t] = relaxationWeight * lambda[t] + (1 - relaxationWeight) * support / Float(n - 1)
            }
            lambda = next
        }
        return lambda
    }

    /// Direction of m1 relative to the line from m1 to m2.
    static func radialAngle(_ m1: FingerMinutia, _ m2: FingerMinutia) -> Float {
        Angle.difference(m1.direction, atan2(m2.y - m1.y, m2.x - m1.x))
    }

    func sigmoid(_ v: Float, _ mu: Float, _ tau: Float) -> Float { 1 / (1 + exp(-tau * (v - mu))) }
}
