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

    /// Scratch memory reused across comparisons, so a comparison allocates
    /// nothing once the buffers have grown. One per thread.
    public final class Workspace {
        var local: [Float] = []
        var keys: [UInt64] = []
        var sortScratch: [UInt64] = []
        var usedA: [Bool] = []
        var usedB: [Bool] = []
        var rho: [Float] = []
        var lambda: [Float] = []
        var next: [Float] = []
        var maskCountsA: [Int32] = []
        var maskCountsB: [Int32] = []
        public init() {}
    }

    public func score(_ a: CylinderTemplate, _ b: CylinderTemplate) -> Float {
        score(a, b, using: Workspace())
    }

    public func score(_ a: CylinderTemplate, _ b: CylinderTemplate, using workspace: Workspace) -> Float {
        let na = a.cylinders.count, nb = b.cylinders.count
        guard na > 0, nb > 0 else { return 0 }
        let words = a.parameters.words
        let minimumCommon = Int(minMatchableFraction * Float(a.parameters.cells * a.parameters.cells * a.parameters.sections) * .pi / 4)
        // Local similarity matrix, row-major na x nb.
        // Take the buffer out of the workspace (no copy-on-write), put it back after.
        var local: [Float] = []
        swap(&local, &workspace.local)
        defer { swap(&local, &workspace.local) }
        local.removeAll(keepingCapacity: true)
        local.append(contentsOf: repeatElement(0, count: na * nb))
        // A pair needs `minimumCommon` cells valid in both: neither cylinder
        // may have fewer valid cells than that (exact, cheap prefilter).
        Self.maskCounts(a, words: words, into: &workspace.maskCountsA)
        Self.maskCounts(b, words: words, into: &workspace.maskCountsB)
        let minimum = Int32(minimumCommon), maxDirection = maxDirectionDifference
        local.withUnsafeMutableBufferPointer { out in
            a.packed.withUnsafeBufferPointer { pa in
                b.packed.withUnsafeBufferPointer { pb in
                    workspace.maskCountsA.withUnsafeBufferPointer { countsA in
                        workspace.maskCountsB.withUnsafeBufferPointer { countsB in
                            for i in 0..<na where countsA[i] >= minimum {
                                let direction = a.cylinders[i].minutia.direction
                                let rowA = pa.baseAddress! + i * 2 * words
                                for j in 0..<nb where countsB[j] >= minimum
                                    && abs(Angle.difference(direction, b.cylinders[j].minutia.direction)) <= maxDirection {
                                    out[i * nb + j] = Self.similarity(rowA, pb.baseAddress! + j * 2 * words, words: words,
                                                                      minimumCommon: minimumCommon)
                                }
                            }
                        }
                    }
                }
            }
        }
        let nr = min(na, nb)
        let pairs = Self.greedyPairs(local, na, nb, count: nr, workspace)
        guard !pairs.isEmpty else { return 0 }
        let relaxed = relax(pairs, a, b, workspace)
        let np = minPairs + Int((sigmoid(Float(min(na, nb)), muP, tauP) * Float(maxPairs - minPairs)).rounded())
        // Keep the pairs whose similarity survived relaxation best (efficiency).
        let ranked = pairs.indices.sorted {
            let e0 = relaxed[$0] / max(pairs[$0].similarity, 1e-9), e1 = relaxed[$1] / max(pairs[$1].similarity, 1e-9)
            return e0 != e1 ? e0 > e1 : $0 < $1
        }
        let chosen = ranked.prefix(min(np, ranked.count))
        return chosen.reduce(Float(0)) { $0 + relaxed[$1] } / Float(np)
    }

    /// Valid cells per cylinder of a template.
    static func maskCounts(_ t: CylinderTemplate, words: Int, into counts: inout [Int32]) {
        counts.removeAll(keepingCapacity: true)
        t.packed.withUnsafeBufferPointer { p in
            for c in 0..<t.cylinders.count {
                let mask = p.baseAddress! + c * 2 * words + words
                var n = 0
                for w in 0..<words { n &+= mask[w].nonzeroBitCount }
                counts.append(Int32(n))
            }
        }
    }

    /// 1 − ‖a⊕b‖ / (‖a‖ + ‖b‖) over the cells valid in both, ‖·‖ = √popcount.
    /// `a` and `b` point at a cylinder's bits followed by its mask. The
    /// common cells are counted first: many pairs stop there. Cylinders of a
    /// multiple of 8 words go 8 words at a time (one `vpopcntq` per
    /// operation on AVX-512); the counts, hence the score, are the same.
    @inline(__always)
    static func similarity(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, words: Int, minimumCommon: Int) -> Float {
        let counts = words % 8 == 0 ? wideCounts(a, b, words: words, minimumCommon: minimumCommon)
                                    : narrowCounts(a, b, words: words, minimumCommon: minimumCommon)
        guard let (onesA, onesB, differing) = counts else { return 0 }
        let norms = Float(onesA).squareRoot() + Float(onesB).squareRoot()
        guard norms > 0 else { return 0 }
        return 1 - Float(differing).squareRoot() / norms
    }

    @inline(__always)
    static func narrowCounts(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, words: Int,
                             minimumCommon: Int) -> (Int, Int, Int)? {
        var common = 0
        for w in 0..<words { common &+= (a[words &+ w] & b[words &+ w]).nonzeroBitCount }
        guard common >= minimumCommon else { return nil }
        var onesA = 0, onesB = 0, differing = 0
        for w in 0..<words {
            let valid = a[words &+ w] & b[words &+ w]
            let x = a[w] & valid, y = b[w] & valid
            onesA &+= x.nonzeroBitCount
            onesB &+= y.nonzeroBitCount
            differing &+= (x ^ y).nonzeroBitCount
        }
        return (onesA, onesB, differing)
    }

    @inline(__always)
    static func wideCounts(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, words: Int,
                           minimumCommon: Int) -> (Int, Int, Int)? {
        typealias V = SIMD8<UInt64>
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b), maskOffset = words &* 8
        var common = V()
        var offset = 0
        while offset < maskOffset {
            let valid = ra.loadUnaligned(fromByteOffset: maskOffset &+ offset, as: V.self)
                & rb.loadUnaligned(fromByteOffset: maskOffset &+ offset, as: V.self)
            common &+= valid.nonzeroBitCount
            offset &+= 64
        }
        guard Int(common.wrappedSum()) >= minimumCommon else { return nil }
        var onesA = V(), onesB = V(), differing = V()
        offset = 0
        while offset < maskOffset {
            let valid = ra.loadUnaligned(fromByteOffset: maskOffset &+ offset, as: V.self)
                & rb.loadUnaligned(fromByteOffset: maskOffset &+ offset, as: V.self)
            let x = ra.loadUnaligned(fromByteOffset: offset, as: V.self) & valid
            let y = rb.loadUnaligned(fromByteOffset: offset, as: V.self) & valid
            onesA &+= x.nonzeroBitCount
            onesB &+= y.nonzeroBitCount
            differing &+= (x ^ y).nonzeroBitCount
            offset &+= 64
        }
        return (Int(onesA.wrappedSum()), Int(onesB.wrappedSum()), Int(differing.wrappedSum()))
    }

    struct Pair { let a: Int; let b: Int; let similarity: Float }

    /// Highest similarities first, ties to the lower index, each minutia used
    /// once. Similarities are non-negative, so their bit patterns order like
    /// the values; keys of (inverted similarity bits, index) built in index
    /// order and radix-sorted stably give exactly that order.
    static func greedyPairs(_ local: [Float], _ na: Int, _ nb: Int, count: Int, _ w: Workspace) -> [Pair] {
        w.keys.removeAll(keepingCapacity: true)
        local.withUnsafeBufferPointer { values in
            for index in 0..<values.count where values[index] > 0 {
                w.keys.append(UInt64(~values[index].bitPattern) << 32 | UInt64(index))
            }
        }
        RadixSort.sortByHighWord(&w.keys, scratch: &w.sortScratch)
        var usedA: [Bool] = [], usedB: [Bool] = []
        swap(&usedA, &w.usedA)
        swap(&usedB, &w.usedB)
        defer {
            swap(&usedA, &w.usedA)
            swap(&usedB, &w.usedB)
        }
        usedA.removeAll(keepingCapacity: true)
        usedA.append(contentsOf: repeatElement(false, count: na))
        usedB.removeAll(keepingCapacity: true)
        usedB.append(contentsOf: repeatElement(false, count: nb))
        var pairs: [Pair] = []
        pairs.reserveCapacity(count)
        for key in w.keys where pairs.count < count {
            let index = Int(UInt32(truncatingIfNeeded: key))
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
    /// A pair of pairs whose distances differ by more than 20 px, or whose
    /// angles differ by more than 0.6 rad beyond μ, contributes less than
    /// e^-18 and is skipped before any exponential is computed.
    func relax(_ pairs: [Pair], _ a: CylinderTemplate, _ b: CylinderTemplate, _ w: Workspace) -> [Float] {
        let n = pairs.count
        guard n > 1 else { return pairs.map(\.similarity) }
        let na = a.cylinders.count, nb = b.cylinders.count
        var rho: [Float] = [], lambda: [Float] = [], next: [Float] = []
        swap(&rho, &w.rho)
        swap(&lambda, &w.lambda)
        swap(&next, &w.next)
        defer {
            swap(&rho, &w.rho)
            swap(&lambda, &w.lambda)
            swap(&next, &w.next)
        }
        rho.removeAll(keepingCapacity: true)
        rho.append(contentsOf: repeatElement(0, count: n * n))
        let (mu1, mu2, mu3) = (self.mu1, self.mu2, self.mu3)
        rho.withUnsafeMutableBufferPointer { r in
            a.distances.withUnsafeBufferPointer { da in
            b.distances.withUnsafeBufferPointer { db in
            a.directionDifferences.withUnsafeBufferPointer { ta in
            b.directionDifferences.withUnsafeBufferPointer { tb in
            a.radialAngles.withUnsafeBufferPointer { ra in
            b.radialAngles.withUnsafeBufferPointer { rb in
                for t in 0..<n {
                    let at = pairs[t].a * na, bt = pairs[t].b * nb
                    for k in 0..<n where k != t {
                        let ak = at + pairs[k].a, bk = bt + pairs[k].b
                        let d1 = abs(da[ak] - db[bk])
                        guard d1 < mu1 + 20 else { continue }
                        let d2 = abs(Angle.difference(ta[ak], tb[bk]))
                        guard d2 < mu2 + 0.6 else { continue }   // factor below e^-18
                        let d3 = abs(Angle.difference(ra[ak], rb[bk]))
                        guard d3 < mu3 + 0.6 else { continue }
                        r[t * n + k] = sigmoid(d1, mu1, tau1) * sigmoid(d2, mu2, tau2) * sigmoid(d3, mu3, tau3)
                    }
                }
            } } } } } }
        }
        lambda.removeAll(keepingCapacity: true)
        lambda.append(contentsOf: pairs.lazy.map(\.similarity))
        next.removeAll(keepingCapacity: true)
        next.append(contentsOf: lambda)
        let weight = relaxationWeight
        rho.withUnsafeBufferPointer { r in
            for _ in 0..<relaxationRounds {
                lambda.withUnsafeBufferPointer { l in
                    next.withUnsafeMutableBufferPointer { out in
                        for t in 0..<n {
                            // rho[t][t] is 0: summing it adds exactly nothing.
                            var support: Float = 0
                            let row = r.baseAddress! + t * n
                            for k in 0..<n { support += row[k] * l[k] }
                            out[t] = weight * l[t] + (1 - weight) * support / Float(n - 1)
                        }
                    }
                }
                swap(&lambda, &next)
            }
        }
        return lambda
    }

    func sigmoid(_ v: Float, _ mu: Float, _ tau: Float) -> Float { 1 / (1 + exp(-tau * (v - mu))) }
}
