import Foundation

/// LSA-R on bit-based cylinders written the plain way the paper describes it
/// (Cappelli, Ferrara, Maltoni 2010): a dense local-similarity matrix, its
/// positive entries sorted, greedy pairing, a dense compatibility matrix with
/// every sigmoid evaluated, relaxation, and the most efficient pairs summed.
/// It shares `CylinderMatcher`'s parameters and is what the optimised matcher
/// is tested against and what `vigil bench fingers` measures it against.
public struct ReferenceCylinderMatcher: Sendable {
    public let parameters: CylinderMatcher

    public init(parameters: CylinderMatcher = CylinderMatcher()) { self.parameters = parameters }

    public func score(_ a: CylinderTemplate, _ b: CylinderTemplate) -> Float {
        let p = parameters
        let (cylindersA, cylindersB) = (a.cylinders, b.cylinders)
        let na = cylindersA.count, nb = cylindersB.count
        guard na > 0, nb > 0 else { return 0 }
        let minimumCommon = p.minimumCommon(a.parameters)
        var candidates: [(similarity: Float, a: Int, b: Int)] = []
        for i in 0..<na {
            for j in 0..<nb {
                let ca = cylindersA[i], cb = cylindersB[j]
                guard abs(Angle.difference(ca.minutia.direction, cb.minutia.direction)) <= p.maxDirectionDifference else { continue }
                let s = Self.similarity(ca, cb, minimumCommon: minimumCommon)
                if s > 0 { candidates.append((s, i, j)) }
            }
        }
        candidates.sort { ($0.similarity, -$0.a, -$0.b) > ($1.similarity, -$1.a, -$1.b) }
        var usedA = Set<Int>(), usedB = Set<Int>()
        var pairs: [(similarity: Float, a: Int, b: Int)] = []
        for c in candidates where pairs.count < min(na, nb) && !usedA.contains(c.a) && !usedB.contains(c.b) {
            usedA.insert(c.a)
            usedB.insert(c.b)
            pairs.append(c)
        }
        guard !pairs.isEmpty else { return 0 }
        let n = pairs.count
        var lambda = pairs.map(\.similarity)
        if n > 1 {
            var rho = [[Float]](repeating: [Float](repeating: 0, count: n), count: n)
            for t in 0..<n {
                for k in 0..<n where k != t {
                    rho[t][k] = compatibility(cylindersA[pairs[t].a].minutia, cylindersA[pairs[k].a].minutia,
                                              cylindersB[pairs[t].b].minutia, cylindersB[pairs[k].b].minutia)
                }
            }
            for _ in 0..<p.relaxationRounds {
                lambda = (0..<n).map { t in
                    let support = (0..<n).reduce(Float(0)) { $0 + rho[t][$1] * lambda[$1] }
                    return p.relaxationWeight * lambda[t] + (1 - p.relaxationWeight) * support / Float(n - 1)
                }
            }
        }
        let np = p.pairCount(na, nb)
        let ranked = (0..<n).sorted { t, k in
            let (et, ek) = (lambda[t] / max(pairs[t].similarity, 1e-9), lambda[k] / max(pairs[k].similarity, 1e-9))
            return et != ek ? et > ek : t < k
        }
        return p.finalScore(ranked.prefix(np).reduce(Float(0)) { $0 + lambda[$1] } / Float(np), pairs: np)
    }

    /// 1 − ‖a⊕b‖ / (‖a‖ + ‖b‖) over the cells valid in both cylinders
    /// (each section's plane against the common mask plane).
    static func similarity(_ a: Cylinder, _ b: Cylinder, minimumCommon: Int) -> Float {
        let planeWords = a.mask.count, sections = a.bits.count / planeWords
        var common = 0, onesA = 0, onesB = 0, differing = 0
        for k in 0..<sections {
            for w in 0..<planeWords {
                let valid = a.mask[w] & b.mask[w]
                let x = a.bits[k * planeWords + w] & valid, y = b.bits[k * planeWords + w] & valid
                common += valid.nonzeroBitCount
                onesA += x.nonzeroBitCount
                onesB += y.nonzeroBitCount
                differing += (x ^ y).nonzeroBitCount
            }
        }
        guard common >= minimumCommon else { return 0 }
        let norms = Float(onesA).squareRoot() + Float(onesB).squareRoot()
        return norms > 0 ? 1 - Float(differing).squareRoot() / norms : 0
    }

    /// ρ: how well the pair (at, bt) agrees with (ak, bk) in distance,
    /// direction difference and radial angle.
    func compatibility(_ at: FingerMinutia, _ ak: FingerMinutia, _ bt: FingerMinutia, _ bk: FingerMinutia) -> Float {
        let p = parameters
        let d1 = abs(hypot(at.x - ak.x, at.y - ak.y) - hypot(bt.x - bk.x, bt.y - bk.y))
        let d2 = abs(Angle.difference(Angle.difference(at.direction, ak.direction), Angle.difference(bt.direction, bk.direction)))
        let radialA = Angle.difference(at.direction, atan2(ak.y - at.y, ak.x - at.x))
        let radialB = Angle.difference(bt.direction, atan2(bk.y - bt.y, bk.x - bt.x))
        let d3 = abs(Angle.difference(radialA, radialB))
        return p.sigmoid(d1, p.mu1, p.tau1) * p.sigmoid(d2, p.mu2, p.tau2) * p.sigmoid(d3, p.mu3, p.tau3)
    }
}
