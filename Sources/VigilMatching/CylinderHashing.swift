/// Locality-sensitive hashing of MCC cylinders, for choosing which enrolled
/// fingers the full matcher compares. The scheme is Cappelli, Ferrara &
/// Maltoni's ("Fingerprint Indexing Based on Minutia Cylinder-Code", IEEE
/// TPAMI 33(5), 2011): every minutia's cylinder gets one key per table, a
/// finger's keys are filed in the tables, and a probe's keys vote for the
/// fingers that share them.
///
/// The hash family differs, for a measured reason. The paper samples `h`
/// bits of the cylinder; but a cylinder's bits are sparse (a cell is set only
/// within about 12 px of a neighbour, about one bit in ten), so sampled keys
/// are mostly zeros, shared by unrelated cylinders, and on real prints among
/// 20,000 distractors bit-sampling kept the mate among the best 2% for only
/// 40% of probes. For sparse sets the locality-sensitive family is MinHash
/// (Broder 1997): the set bit that comes first in a random order; two
/// cylinders get the same value with probability equal to the Jaccard
/// similarity of their set bits, which is what MCC's similarity measures
/// (1 − |a ⊕ b| / (|a| + |b|) is a monotone function of it). A key
/// concatenates `hashesPerKey` MinHash values, so its collision probability
/// is J^k: 0.54³ ≈ 0.16 for a typical mated pair of cylinders against
/// 0.18³ ≈ 0.006 for an unrelated one.
///
/// Only cells within `innerRadius` of the centre are read: they lie on the
/// print for almost every cylinder, so a cylinder near the print's edge is
/// not made to look different by cells it cannot see. A cylinder with fewer
/// than `minimumOnes` bits set there gives no keys (too little to hash).
public struct CylinderHashing: Sendable, Equatable {
    public let tables: Int
    public let hashesPerKey: Int
    public let minimumOnes: Int
    public let innerRadius: Float
    public let seed: UInt64
    /// A bucket is the key's low `bucketBits` bits after mixing.
    public static let bucketBits = 15
    public static var buckets: Int { 1 << bucketBits }
    /// MinHash values computed at once: `tables × hashesPerKey` rounded up
    /// to a multiple of 32, whole vectors (32 for the default 10 × 3).
    public let lanes: Int
    /// The most MinHash values a hashing computes (ranks take 2 bytes per
    /// value and bit read: 256 values take about 770 KB).
    public static let maximumValues = 256

    /// The cells read, as one mask per plane word (`planeWords` words).
    let innerCells: [UInt64]
    let planeWords: Int
    let sections: Int
    /// Per (section, cell): its rank in each lane's random order. Ranks
    /// are a permutation of the bits read, per lane, so the smallest rank
    /// names the bit.
    let ranks: [UInt16]   // `lanes` per (section, cell)

    /// An enrolled finger files the keys of at most this many cylinders,
    /// those with the most bits set (the richest neighbourhoods, the most
    /// distinctive), which bounds the index's memory per finger; a probe
    /// uses all of its cylinders. 31 in 10 tables at 3 bytes a key is at
    /// most 930 bytes, and with what a segment keeps per finger (about 92
    /// bytes) at most 1,022: every finger within the kilobyte, not just the
    /// average. Measured at 100,000 fingers, pose-consistent votes lose
    /// about a point of hit rate from 36 cylinders to 30 (docs/fingerprints.md).
    public let enrolledCylinders: Int
    /// Identifies the keys this hashing gives (`signature(settings:innerCells:)`):
    /// stored keys open only under the signature they were written with.
    public let signature: UInt64

    public init(tables: Int = 10, hashesPerKey: Int = 3, minimumOnes: Int = 8, innerRadius: Float = 0.75, enrolledCylinders: Int = 31,
                seed: UInt64 = 0x4D43_432D_4C53_4831, parameters: CylinderParameters = CylinderParameters()) {
        precondition(tables > 0 && hashesPerKey > 0 && tables * hashesPerKey <= Self.maximumValues, "at most 256 MinHash values in all")
        lanes = (tables * hashesPerKey + 31) / 32 * 32
        self.tables = tables
        self.hashesPerKey = hashesPerKey
        self.minimumOnes = minimumOnes
        self.innerRadius = innerRadius
        self.enrolledCylinders = enrolledCylinders
        self.seed = seed
        planeWords = parameters.planeWords
        sections = parameters.sections
        let limit = innerRadius * parameters.radius
        var inner = [UInt64](repeating: 0, count: parameters.planeWords)
        var cells: [Int] = []
        for i in 0..<parameters.cells {
            for j in 0..<parameters.cells {
                let (u, v) = parameters.cellCentre(i, j)
                guard u * u + v * v <= limit * limit else { continue }
                let cell = i * parameters.cells + j
                inner[cell >> 6] |= 1 << UInt64(cell & 63)
                cells.append(cell)
            }
        }
        innerCells = inner
        let planeBits = parameters.planeWords * 64
        let read = (0..<parameters.sections).flatMap { s in cells.map { s * planeBits + $0 } }
        var ranks = [UInt16](repeating: .max, count: parameters.sections * planeBits * lanes)
        var state = seed
        for lane in 0..<lanes {
            var order = Array(0..<read.count)
            for i in stride(from: order.count - 1, to: 0, by: -1) {   // Fisher-Yates
                order.swapAt(i, Int(SplitMix.next(&state) % UInt64(i + 1)))
            }
            for (rank, position) in order.enumerated() { ranks[read[position] * lanes + lane] = UInt16(rank) }
        }
        self.ranks = ranks
        signature = Self.signature(settings: [UInt64(tables), UInt64(hashesPerKey), UInt64(minimumOnes), UInt64(innerRadius.bitPattern),
                                              UInt64(enrolledCylinders), seed, UInt64(Self.bucketBits), UInt64(lanes),
                                              UInt64(planeWords), UInt64(sections)],
                                   innerCells: inner)
    }

    /// Marks a (cylinder, table) without a key.
    public static let noKey = UInt32.max

    /// Every cylinder's bucket in every table, cylinder-major
    /// (`count × tables`); `noKey` for a cylinder with too few bits set and,
    /// when `enrolled`, beyond the `enrolledCylinders` with the most.
    public func buckets(of template: CylinderTemplate, enrolled: Bool = false) -> [UInt32] {
        let stride = template.parameters.bitWords + template.parameters.planeWords
        let words = template.words
        var out = [UInt32](repeating: Self.noKey, count: template.count * tables)
        var richness = [(ones: Int, cylinder: Int)]()
        let lanes = self.lanes
        let minimum = UnsafeMutablePointer<UInt16>.allocate(capacity: lanes)
        defer { minimum.deallocate() }
        ranks.withUnsafeBufferPointer { ranks in
            let ranks = ranks.baseAddress!
            for cylinder in 0..<template.count {
                let base = words + cylinder * stride
                minimum.update(repeating: .max, count: lanes)
                var ones = 0
                for section in 0..<sections {
                    for w in 0..<planeWords {
                        var bits = base[section * planeWords + w] & innerCells[w]
                        ones += bits.nonzeroBitCount
                        while bits != 0 {
                            // One bit's ranks in every lane, 32 at a time (a fixed count: the loop vectorises).
                            let row = ranks + ((section * planeWords + w) * 64 + bits.trailingZeroBitCount) * lanes
                            for chunk in Swift.stride(from: 0, to: lanes, by: 32) {
                                for lane in chunk..<chunk + 32 { minimum[lane] = Swift.min(minimum[lane], row[lane]) }
                            }
                            bits &= bits &- 1
                        }
                    }
                }
                guard ones >= minimumOnes else { continue }
                richness.append((ones, cylinder))
                for table in 0..<tables {
                    var key: UInt64 = 0x243F_6A88_85A3_08D3
                    for h in 0..<hashesPerKey { key = (key ^ UInt64(minimum[table * hashesPerKey + h])) &* 0x9E37_79B9_7F4A_7C15 }
                    out[cylinder * tables + table] = UInt32(truncatingIfNeeded: key >> (64 - UInt64(Self.bucketBits)))
                }
            }
        }
        if enrolled && richness.count > enrolledCylinders {
            // Ties by cylinder order, so every process files the same keys.
            richness.sort { $0.ones != $1.ones ? $0.ones > $1.ones : $0.cylinder < $1.cylinder }
            for dropped in richness[enrolledCylinders...] {
                for table in 0..<tables { out[dropped.cylinder * tables + table] = Self.noKey }
            }
        }
        return out
    }
}

/// SplitMix64 (Steele, Lea & Flood 2014): the hash orders must be the same
/// in every process and build, so they come from this fixed generator and
/// not from the system's.
enum SplitMix {
    static func next(_ state: inout UInt64) -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
