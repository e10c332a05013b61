extension CylinderMatcher {
    /// The local similarity of cylinder `i` of `a` and cylinder `j` of `b`,
    /// as `localSimilarities` computes it for every pair (0 when the two
    /// share fewer than `minimumCommon` valid cells), for a caller that
    /// already knows which few pairs it wants. `roots[k]` is √k.
    @inline(__always)
    static func similarity(_ a: CylinderTemplate, _ i: Int, _ b: CylinderTemplate, _ j: Int, minimumCommon: Int,
                           roots: UnsafePointer<Float>) -> Float {
        let p = a.parameters
        let bitWords = p.bitWords, stride = bitWords + p.planeWords
        let own = a.summaries[i], other = b.summaries[j]
        guard Int(own.validBits) >= minimumCommon && Int(other.validBits) >= minimumCommon else { return 0 }
        let rowA = a.words + i &* stride, rowB = b.words + j &* stride
        switch (own.whole != 0, other.whole != 0) {
        case (true, true):
            return similarity(onesA: Int(own.ones), onesB: Int(other.ones), differing: BitKernels.xorCount(rowA, rowB, words: bitWords),
                              roots: roots)
        case (true, false):
            // The common mask is B's; B's bits lie inside it.
            let (x, differing) = BitKernels.maskedCounts(rowA, rowB, mask: rowB + bitWords, planeWords: p.planeWords, sections: p.sections)
            return similarity(onesA: x, onesB: Int(other.ones), differing: differing, roots: roots)
        case (false, true):
            let (y, differing) = BitKernels.maskedCounts(rowB, rowA, mask: rowA + bitWords, planeWords: p.planeWords, sections: p.sections)
            return similarity(onesA: Int(own.ones), onesB: y, differing: differing, roots: roots)
        case (false, false):
            let (common, x, y, differing) = BitKernels.commonMaskCounts(rowA, rowB, planeWords: p.planeWords, sections: p.sections)
            return common >= minimumCommon ? similarity(onesA: x, onesB: y, differing: differing, roots: roots) : 0
        }
    }
}
