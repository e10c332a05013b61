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
        var keys: [UInt64] = []
        var sortScratch: [UInt64] = []
        var usedA: [Bool] = []
        var usedB: [Bool] = []
        var pairs: [Pair] = []
        var columns: [Int32] = []
        /// √k for every possible bit count k: the same values `squareRoot`
        /// gives, without its branch for negative input.
        var roots: [Float] = []
        var relaxation = RelaxationBuffers()
        public init() {}

        func prepare(columns count: Int, cells: Int) {
            if columns.count < count { columns = [Int32](repeating: 0, count: count) }
            if roots.count <= cells { roots = (0...cells).map { Float($0).squareRoot() } }
        }
    }

    public func score(_ a: CylinderTemplate, _ b: CylinderTemplate) -> Float {
        score(a, b, using: Workspace())
    }

    public func score(_ a: CylinderTemplate, _ b: CylinderTemplate, using workspace: Workspace) -> Float {
        let na = a.cylinders.count, nb = b.cylinders.count
        guard na > 0, nb > 0 else { return 0 }
        Self.localSimilarities(a, b, minimumCommon: minimumCommon(a.parameters), maxDirection: maxDirectionDifference,
                               workspace)
        Self.greedyPairs(na, nb, count: min(na, nb), workspace)
        let pairs = workspace.pairs
        guard !pairs.isEmpty else { return 0 }
        let relaxed = relax(pairs, a, b, &workspace.relaxation)
        let np = minPairs + Int((sigmoid(Float(min(na, nb)), muP, tauP) * Float(maxPairs - minPairs)).rounded())
        // Keep the pairs whose similarity survived relaxation best (efficiency).
        let efficiency = pairs.indices.map { relaxed[$0] / max(pairs[$0].similarity, 1e-9) }
        let ranked = pairs.indices.sorted { efficiency[$0] != efficiency[$1] ? efficiency[$0] > efficiency[$1] : $0 < $1 }
        let chosen = ranked.prefix(min(np, ranked.count))
        return chosen.reduce(Float(0)) { $0 + relaxed[$1] } / Float(np)
    }

    /// minME as a number of cells: the share of a cylinder's disc.
    func minimumCommon(_ p: CylinderParameters) -> Int {
        Int(minMatchableFraction * Float(p.cells * p.cells * p.sections) * .pi / 4)
    }

    /// Every positive local similarity as a sort key (see `greedyPairs`), in
    /// row-major order. No similarity matrix is kept: the keys carry the value.
    /// A pair needs `minimumCommon` cells valid in both, so a cylinder with
    /// fewer valid cells than that is skipped whole (exact, cheap prefilter),
    /// as is a pair whose directions differ by more than `maxDirection`.
    /// Each row first lists its eligible columns without branches (about
    /// half pass, unpredictably), then scores them.
    static func localSimilarities(_ a: CylinderTemplate, _ b: CylinderTemplate, minimumCommon: Int, maxDirection: Float,
                                  _ w: Workspace) {
        w.keys.removeAll(keepingCapacity: true)
        let na = a.cylinders.count, nb = b.cylinders.count, words = a.parameters.words
        let minimum = Int32(minimumCommon)
        w.prepare(columns: nb, cells: words * 64)
        a.packed.withUnsafeBufferPointer { pa in
        b.packed.withUnsafeBufferPointer { pb in
        a.validCells.withUnsafeBufferPointer { countsA in
        b.validCells.withUnsafeBufferPointer { countsB in
        a.directions.withUnsafeBufferPointer { directionsA in
        b.directions.withUnsafeBufferPointer { directionsB in
        w.columns.withUnsafeMutableBufferPointer { columns in
        w.roots.withUnsafeBufferPointer { roots in
            for i in 0..<na where countsA[i] >= minimum {
                let direction = directionsA[i]
                var eligible = 0
                for j in 0..<nb {
                    columns[eligible] = Int32(truncatingIfNeeded: j)
                    eligible &+= (countsB[j] >= minimum ? 1 : 0) & (Angle.separation(direction, directionsB[j]) <= maxDirection ? 1 : 0)
                }
                let rowA = pa.baseAddress! + i &* 2 &* words
                for c in 0..<eligible {
                    let j = Int(columns[c])
                    let value = similarity(rowA, pb.baseAddress! + j &* 2 &* words, words: words,
                                           minimumCommon: minimumCommon, roots: roots.baseAddress!)
                    if value > 0 { w.keys.append(pairKey(value, i, j)) }
                }
            }
        } } } } } } } }
    }

    /// Similarities are positive, so their bit patterns order like the
    /// values: inverted, they sort highest first; the row and column ride in
    /// the low half.
    @inline(__always)
    static func pairKey(_ value: Float, _ i: Int, _ j: Int) -> UInt64 {
        UInt64(~value.bitPattern) << 32 | UInt64(truncatingIfNeeded: i) << 16 | UInt64(truncatingIfNeeded: j)
    }

    /// 1 − ‖a⊕b‖ / (‖a‖ + ‖b‖) over the cells valid in both, ‖·‖ = √popcount,
    /// and 0 when fewer than `minimumCommon` cells are valid in both. `a` and
    /// `b` point at a cylinder's bits followed by its mask; `roots[k]` is √k.
    @inline(__always)
    static func similarity(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, words: Int, minimumCommon: Int,
                           roots: UnsafePointer<Float>) -> Float {
        let (common, onesA, onesB, differing) = words % 8 == 0 && words < 1024 ? wideCounts(a, b, words: words) : narrowCounts(a, b, words: words)
        guard common >= minimumCommon else { return 0 }
        let norms = roots[onesA] + roots[onesB]
        guard norms > 0 else { return 0 }
        return 1 - roots[differing] / norms
    }

    @inline(__always)
    static func narrowCounts(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, words: Int) -> (Int, Int, Int, Int) {
        var common = 0, onesA = 0, onesB = 0, differing = 0
        for w in 0..<words {
            let valid = a[words &+ w] & b[words &+ w]
            let x = a[w] & valid, y = b[w] & valid
            common &+= valid.nonzeroBitCount
            onesA &+= x.nonzeroBitCount
            onesB &+= y.nonzeroBitCount
            differing &+= (x ^ y).nonzeroBitCount
        }
        return (common, onesA, onesB, differing)
    }

    /// Eight words per step (one `vpopcntq` per count on AVX-512). The four
    /// counts share one horizontal sum: a lane's count is at most 64 per
    /// step, so with fewer than 1024 words every total fits 16 bits of a
    /// packed lane.
    @inline(__always)
    static func wideCounts(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, words: Int) -> (Int, Int, Int, Int) {
        typealias V = SIMD8<UInt64>
        let ra = UnsafeRawPointer(a), rb = UnsafeRawPointer(b), maskOffset = words &* 8
        var common = V(), onesA = V(), onesB = V(), differing = V()
        var offset = 0
        while offset < maskOffset {
            let valid = ra.loadUnaligned(fromByteOffset: maskOffset &+ offset, as: V.self)
                & rb.loadUnaligned(fromByteOffset: maskOffset &+ offset, as: V.self)
            let x = ra.loadUnaligned(fromByteOffset: offset, as: V.self) & valid
            let y = rb.loadUnaligned(fromByteOffset: offset, as: V.self) & valid
            common &+= valid.nonzeroBitCount
            onesA &+= x.nonzeroBitCount
            onesB &+= y.nonzeroBitCount
            differing &+= (x ^ y).nonzeroBitCount
            offset &+= 64
        }
        let packed = (common | onesA &<< 16 | onesB &<< 32 | differing &<< 48).wrappedSum()
        return (Int(packed & 0xFFFF), Int(packed >> 16 & 0xFFFF), Int(packed >> 32 & 0xFFFF), Int(packed >> 48))
    }

    struct Pair { let a: Int; let b: Int; let similarity: Float }

    /// Highest similarities first, ties to the lower (row, column), each
    /// minutia used once, until `count` pairs. The keys were appended in
    /// row-major order and the radix sort is stable, which gives exactly
    /// that order. Fills `w.pairs`.
    static func greedyPairs(_ na: Int, _ nb: Int, count: Int, _ w: Workspace) {
        RadixSort.sortByHighWord(&w.keys, scratch: &w.sortScratch)
        w.usedA.removeAll(keepingCapacity: true)
        w.usedA.append(contentsOf: repeatElement(false, count: na))
        w.usedB.removeAll(keepingCapacity: true)
        w.usedB.append(contentsOf: repeatElement(false, count: nb))
        w.pairs.removeAll(keepingCapacity: true)
        w.keys.withUnsafeBufferPointer { keys in
        w.usedA.withUnsafeMutableBufferPointer { usedA in
        w.usedB.withUnsafeMutableBufferPointer { usedB in
            for key in keys {
                let i = Int(truncatingIfNeeded: key >> 16 & 0xFFFF), j = Int(truncatingIfNeeded: key & 0xFFFF)
                guard !usedA[i], !usedB[j] else { continue }
                usedA[i] = true
                usedB[j] = true
                w.pairs.append(Pair(a: i, b: j, similarity: Float(bitPattern: ~UInt32(truncatingIfNeeded: key >> 32))))
                if w.pairs.count == count { break }
            }
        } } }
    }

    /// Iteratively weighs each pair by how compatible it is with the others
    /// (distance, direction difference and radial angle agree in both prints).
    /// Returns the relaxed similarities, one per pair.
    func relax(_ pairs: [Pair], _ a: CylinderTemplate, _ b: CylinderTemplate, _ w: inout RelaxationBuffers) -> [Float] {
        let n = pairs.count
        guard n > 1 else { return pairs.map(\.similarity) }
        compatibilities(pairs, a, b, &w)
        var lambda = pairs.map(\.similarity)
        var next = lambda
        let weight = relaxationWeight
        w.rowStart.withUnsafeBufferPointer { start in
        w.partner.withUnsafeBufferPointer { partner in
        w.rho.withUnsafeBufferPointer { rho in
            for _ in 0..<relaxationRounds {
                lambda.withUnsafeBufferPointer { l in
                    next.withUnsafeMutableBufferPointer { out in
                        for t in 0..<n {
                            // The zeros a dense row would hold add exactly nothing.
                            var support: Float = 0
                            for e in Int(start[t])..<Int(start[t &+ 1]) { support += rho[e] * l[Int(partner[e])] }
                            out[t] = weight * l[t] + (1 - weight) * support / Float(n - 1)
                        }
                    }
                }
                swap(&lambda, &next)
            }
        } } }
        return lambda
    }

    /// The compatibility ρ(t, k) of every ordered pair of pairs, kept sparse:
    /// most are zero. A pair of pairs whose distances differ by more than
    /// 20 px beyond μ1, or whose angles differ by more than 0.6 rad beyond μ,
    /// contributes less than e^-18 and gets no exponential. The differences
    /// are tested without branches (whether a pair passes is unpredictable,
    /// and mispredictions dominated this loop); only the survivors pay for
    /// the sigmoids.
    func compatibilities(_ pairs: [Pair], _ a: CylinderTemplate, _ b: CylinderTemplate, _ w: inout RelaxationBuffers) {
        let n = pairs.count, na = a.cylinders.count, nb = b.cylinders.count
        w.reset(pairs)
        let (limit1, limit2, limit3) = (mu1 + 20, mu2 + 0.6, mu3 + 0.6)
        for t in 0..<n {
            let rowA = pairs[t].a * na, rowB = pairs[t].b * nb
            var kept = 0
            a.geometry.withUnsafeBufferPointer { ga in
            b.geometry.withUnsafeBufferPointer { gb in
            w.indexA.withUnsafeBufferPointer { ia in
            w.indexB.withUnsafeBufferPointer { ib in
            w.differences.withUnsafeMutableBufferPointer { d in
            w.survivors.withUnsafeMutableBufferPointer { out in
                for k in 0..<n {
                    let raw = ga[rowA &+ Int(ia[k])] - gb[rowB &+ Int(ib[k])]
                    // Lane by lane: SIMD `pointwiseMax` and `min` branch on NaN.
                    let difference = SIMD4(abs(raw.x), Angle.fold(abs(raw.y)), Angle.fold(abs(raw.z)), 0)
                    d[k] = difference
                    out[kept] = Int32(truncatingIfNeeded: k)
                    kept &+= (difference.x < limit1 ? 1 : 0) & (difference.y < limit2 ? 1 : 0)
                        & (difference.z < limit3 ? 1 : 0) & (k != t ? 1 : 0)
                }
            } } } } } }
            for e in 0..<kept {
                let k = Int(w.survivors[e]), d = w.differences[k]
                w.partner.append(Int32(k))
                w.rho.append(sigmoid(d.x, mu1, tau1) * sigmoid(d.y, mu2, tau2) * sigmoid(d.z, mu3, tau3))
            }
            w.rowStart.append(Int32(w.rho.count))
        }
    }

    func sigmoid(_ v: Float, _ mu: Float, _ tau: Float) -> Float { 1 / (1 + exp(-tau * (v - mu))) }
}

/// The relaxation's scratch: the pairs' minutiae, the sparse compatibility
/// rows (row t is `rho[rowStart[t]..<rowStart[t+1]]`, partners alongside),
/// and one row's differences and surviving partners.
struct RelaxationBuffers {
    var indexA: [Int32] = [], indexB: [Int32] = []
    var rowStart: [Int32] = [], partner: [Int32] = [], rho: [Float] = []
    var differences: [SIMD4<Float>] = [], survivors: [Int32] = []

    mutating func reset(_ pairs: [CylinderMatcher.Pair]) {
        indexA.removeAll(keepingCapacity: true)
        indexA.append(contentsOf: pairs.lazy.map { Int32($0.a) })
        indexB.removeAll(keepingCapacity: true)
        indexB.append(contentsOf: pairs.lazy.map { Int32($0.b) })
        rowStart.removeAll(keepingCapacity: true)
        rowStart.append(0)
        partner.removeAll(keepingCapacity: true)
        rho.removeAll(keepingCapacity: true)
        survivors.removeAll(keepingCapacity: true)
        survivors.append(contentsOf: repeatElement(0, count: pairs.count))
        differences.removeAll(keepingCapacity: true)
        differences.append(contentsOf: repeatElement(.zero, count: pairs.count))
    }
}
