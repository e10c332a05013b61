import Foundation

/// Compares two cylinder templates: local similarities by popcount over the
/// common validity mask, then the global score by Local Similarity
/// Assignment with Relaxation (LSA-R), pairs chosen greedily (measured here
/// as accurate as the Hungarian algorithm), put on one scale whatever the
/// number of pairs it rests on (`normalisation`). Scores are in 0...1 and
/// equal `ReferenceCylinderMatcher`'s, the same algorithm written plainly.
public struct CylinderMatcher: Sendable {
    public var minMatchableFraction: Float = 0.6   // minME: common valid cells needed
    public var maxDirectionDifference: Float = .pi / 2
    public var minPairs = 4, maxPairs = 12          // minNP, maxNP
    public var muP: Float = 20, tauP: Float = 0.4
    /// Maps each n_P's raw score onto n_P = `maxPairs`' scale (nil: raw LSA-R,
    /// which `vigil calibrate fingers` fits the shipped mapping on).
    public var normalisation: PairCountNormalisation? = .shipped
    public var relaxationRounds = 5
    public var relaxationWeight: Float = 0.5        // wR
    public var mu1: Float = 5, tau1: Float = -8.0 / 5.0
    public var mu2: Float = .pi / 12, tau2: Float = -30
    public var mu3: Float = .pi / 12, tau3: Float = -30

    public init() {}

    /// Scratch memory reused across comparisons, so a comparison allocates
    /// nothing once the buffers have grown. One per thread.
    public final class Workspace {
        /// Pair keys, and the radix sort's second buffer and histograms.
        let keys = ScratchBuffer<UInt64>(), sortScratch = ScratchBuffer<UInt64>(), sortCounts = ScratchBuffer<Int32>(capacity: 4 * 256)
        /// One row's eligible columns: those with a whole-disc mask in the
        /// first half, the rest in the second.
        let columns = ScratchBuffer<Int32>()
        /// Minutiae already paired, A's then B's.
        let used = ScratchBuffer<Bool>()
        /// √k for every possible bit count k: the same values `squareRoot`
        /// gives, without its branch for negative input.
        let roots = ScratchBuffer<Float>()
        var rootsUpTo = -1
        var pairs: [Pair] = []
        var relaxation = RelaxationBuffers()
        public init() {}

        func prepare(rows: Int, columns count: Int, cells: Int) {
            columns.reserve(2 * count)
            keys.reserve(rows * count)
            sortScratch.reserve(rows * count)
            used.reserve(rows + count)
            if rootsUpTo < cells {
                roots.reserve(cells + 1)
                for k in 0...cells { roots.pointer[k] = Float(k).squareRoot() }
                rootsUpTo = cells
            }
        }
    }

    public func score(_ a: CylinderTemplate, _ b: CylinderTemplate) -> Float {
        score(a, b, using: Workspace())
    }

    public func score(_ a: CylinderTemplate, _ b: CylinderTemplate, using workspace: Workspace) -> Float {
        let na = a.count, nb = b.count
        guard na > 0, nb > 0 else { return 0 }
        // The templates' raw memory is read through pointers below.
        return withExtendedLifetime((a, b)) {
            let found = Self.localSimilarities(a, b, minimumCommon: minimumCommon(a.parameters), maxDirection: maxDirectionDifference,
                                               workspace)
            Self.greedyPairs(na, nb, keys: found, count: min(na, nb), workspace)
            guard !workspace.pairs.isEmpty else { return 0 }
            relax(a, b, workspace)
            let np = pairCount(na, nb)
            return finalScore(workspace.relaxation.sumOfMostEfficient(np, pairs: workspace.pairs) / Float(np), pairs: np)
        }
    }

    /// minME as a number of cells: the share of a cylinder's disc.
    func minimumCommon(_ p: CylinderParameters) -> Int {
        Int(minMatchableFraction * Float(p.cells * p.cells * p.sections) * .pi / 4)
    }

    /// Every positive local similarity as a sort key (see `greedyPairs`) in
    /// `w.keys`; returns how many. No similarity matrix is kept: the keys
    /// carry the value. A pair needs `minimumCommon` cells valid in both, so
    /// a cylinder with fewer valid cells than that is skipped whole (exact,
    /// cheap prefilter), as is a pair whose directions differ by more than
    /// `maxDirection`. Each row first sorts its eligible columns without
    /// branches into those whose mask is the whole disc and the rest, so
    /// that each kind runs its own loop: when either mask is whole, the
    /// common mask is the other one and fewer bits need counting.
    static func localSimilarities(_ a: CylinderTemplate, _ b: CylinderTemplate, minimumCommon: Int, maxDirection: Float,
                                  _ w: Workspace) -> Int {
        let p = a.parameters
        w.prepare(rows: a.count, columns: b.count, cells: p.bitWords * 64)
        // The default cylinders' shape is known at compile time, so their loops unroll.
        return p.planeWords == 4 && p.sections == 6
            ? rows(a, b, shape: DefaultShape(), minimumCommon: minimumCommon, maxDirection: maxDirection, w)
            : rows(a, b, shape: AnyShape(planeWords: p.planeWords, sections: p.sections), minimumCommon: minimumCommon,
                   maxDirection: maxDirection, w)
    }

    private static func rows<Shape: CylinderShape>(_ a: CylinderTemplate, _ b: CylinderTemplate, shape: Shape, minimumCommon: Int,
                                                   maxDirection: Float, _ w: Workspace) -> Int {
        let planeWords = shape.planeWords, sections = shape.sections
        let bitWords = planeWords &* sections, stride = bitWords &+ planeWords
        let na = a.count, nb = b.count
        let minimum = Int32(minimumCommon)
        let (pa, pb, summaryA, summaryB) = (a.words, b.words, a.summaries, b.summaries)
        let (keys, roots, whole) = (w.keys.pointer, UnsafePointer(w.roots.pointer), w.columns.pointer)
        let partial = whole + nb
        var found = 0
        // Against a whole disc the common cells are the other mask's, which
        // passed `minimum` already: only two partial masks need the check.
        @inline(__always) func emit(_ x: Int, _ y: Int, _ differing: Int, _ i: Int, _ j: Int, enough: Bool = true) {
            let value = similarity(onesA: x, onesB: y, differing: differing, roots: roots)
            keys[found] = pairKey(value, i, j)
            found &+= enough && value > 0 ? 1 : 0
        }
        for i in 0..<na where summaryA[i].validBits >= minimum {
            let own = summaryA[i]
            var wholeCount = 0, partialCount = 0
            for j in 0..<nb {
                let column = Int32(truncatingIfNeeded: j), other = summaryB[j]
                whole[wholeCount] = column
                partial[partialCount] = column
                let eligible = (other.validBits >= minimum ? 1 : 0) & (Angle.separation(own.direction, other.direction) <= maxDirection ? 1 : 0)
                let isWhole = Int(truncatingIfNeeded: other.whole)
                wholeCount &+= eligible & isWhole
                partialCount &+= eligible & (isWhole ^ 1)
            }
            let rowA = pa + i &* stride
            let ownOnes = Int(own.ones)
            if own.whole != 0 {
                for c in 0..<wholeCount {
                    let j = Int(whole[c])
                    emit(ownOnes, Int(summaryB[j].ones), BitKernels.xorCount(rowA, pb + j &* stride, words: bitWords), i, j)
                }
                for c in 0..<partialCount {
                    let j = Int(partial[c]), rowB = pb + j &* stride
                    // The common mask is B's; B's bits lie inside it.
                    let (x, differing) = BitKernels.maskedCounts(rowA, rowB, mask: rowB + bitWords, planeWords: planeWords, sections: sections)
                    emit(x, Int(summaryB[j].ones), differing, i, j)
                }
            } else {
                for c in 0..<wholeCount {
                    let j = Int(whole[c])
                    let (y, differing) = BitKernels.maskedCounts(pb + j &* stride, rowA, mask: rowA + bitWords,
                                                                 planeWords: planeWords, sections: sections)
                    emit(ownOnes, y, differing, i, j)
                }
                for c in 0..<partialCount {
                    let j = Int(partial[c])
                    let (common, x, y, differing) = BitKernels.commonMaskCounts(rowA, pb + j &* stride,
                                                                                planeWords: planeWords, sections: sections)
                    emit(x, y, differing, i, j, enough: common >= minimumCommon)
                }
            }
        }
        return found
    }

    /// Similarities are positive, so their bit patterns order like the
    /// values: inverted, they sort highest first; the row and column ride in
    /// the low half.
    @inline(__always)
    static func pairKey(_ value: Float, _ i: Int, _ j: Int) -> UInt64 {
        UInt64(~value.bitPattern) << 32 | UInt64(truncatingIfNeeded: i) << 16 | UInt64(truncatingIfNeeded: j)
    }

    /// 1 − ‖a⊕b‖ / (‖a‖ + ‖b‖) over the cells valid in both, ‖·‖ = √popcount
    /// (`roots[k]` is √k), and 0 when both are empty. A select, not a
    /// branch: which pairs are empty is unpredictable.
    @inline(__always)
    static func similarity(onesA: Int, onesB: Int, differing: Int, roots: UnsafePointer<Float>) -> Float {
        let norms = roots[onesA] + roots[onesB]
        let value = 1 - roots[differing] / norms
        return norms > 0 ? value : 0
    }

    struct Pair { let a: Int; let b: Int; let similarity: Float }

    /// Highest similarities first, ties to the lower (row, column), each
    /// minutia used once, until `count` pairs. The radix sort orders the
    /// keys by value; one insertion pass then orders equal values by row
    /// and column, which the keys' low half holds. Fills `w.pairs`.
    static func greedyPairs(_ na: Int, _ nb: Int, keys found: Int, count: Int, _ w: Workspace) {
        let keys = RadixSort.sortByHighWord(w.keys.pointer, scratch: w.sortScratch.pointer, count: found, counts: w.sortCounts.pointer)
        RadixSort.orderTies(keys, count: found)
        let usedA = w.used.pointer, usedB = usedA + na
        usedA.update(repeating: false, count: na + nb)
        w.pairs.removeAll(keepingCapacity: true)
        for k in 0..<found {
            let key = keys[k]
            let i = Int(truncatingIfNeeded: key >> 16 & 0xFFFF), j = Int(truncatingIfNeeded: key & 0xFFFF)
            guard !usedA[i], !usedB[j] else { continue }
            usedA[i] = true
            usedB[j] = true
            w.pairs.append(Pair(a: i, b: j, similarity: Float(bitPattern: ~UInt32(truncatingIfNeeded: key >> 32))))
            if w.pairs.count == count { break }
        }
    }

    /// n_P: how many of the most efficient pairs the score averages, from
    /// `minPairs` for prints with few cylinders to `maxPairs`.
    public func pairCount(_ na: Int, _ nb: Int) -> Int {
        minPairs + Int((sigmoid(Float(min(na, nb)), muP, tauP) * Float(maxPairs - minPairs)).rounded())
    }

    /// The mean of the n_P pairs, normalised when `normalisation` is set.
    func finalScore(_ mean: Float, pairs: Int) -> Float {
        normalisation.map { $0.normalised(mean, pairs: pairs) } ?? mean
    }

    func sigmoid(_ v: Float, _ mu: Float, _ tau: Float) -> Float { 1 / (1 + exp(-tau * (v - mu))) }
}

/// The cylinder shape the matcher's loops are compiled for: the default
/// one's sizes are constants, so its loops unroll.
protocol CylinderShape {
    var planeWords: Int { get }
    var sections: Int { get }
}

struct DefaultShape: CylinderShape {
    var planeWords: Int { 4 }
    var sections: Int { 6 }
}

struct AnyShape: CylinderShape {
    let planeWords: Int
    let sections: Int
}
