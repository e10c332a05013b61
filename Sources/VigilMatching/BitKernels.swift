/// Popcount kernels for bit-based cylinders (Minutia Cylinder-Code). A
/// cylinder's bits are `sections` planes of `planeWords` words, one bit per
/// cell, and its validity mask is one such plane, the same for every
/// section. With four-word planes (16 x 16 cells), eight words, two
/// sections, go through each step (one `vpopcntq` per count on AVX-512
/// VPOPCNTDQ with `-target-cpu native`), and counts share one horizontal
/// sum, packed into bit fields of each lane (a lane gains at most 64 per
/// step, so fields cannot overflow below the word counts checked).
public enum BitKernels {
    typealias Lanes = SIMD8<UInt64>

    @inline(__always)
    static func load(_ p: UnsafePointer<UInt64>, _ word: Int) -> Lanes {
        UnsafeRawPointer(p + word).loadUnaligned(as: Lanes.self)
    }

    /// The plane mask `m` repeated for two sections.
    @inline(__always)
    static func doubled(_ m: UnsafePointer<UInt64>) -> Lanes {
        let half = UnsafeRawPointer(m).loadUnaligned(as: SIMD4<UInt64>.self)
        return Lanes(lowHalf: half, highHalf: half)
    }

    /// Whether the eight-word steps apply.
    @inline(__always)
    static func wide(planeWords: Int, sections: Int) -> Bool { planeWords == 4 && sections % 2 == 0 && sections < 256 }

    /// Bits that differ between `a` and `b` (`words` words each).
    @inline(__always)
    public static func xorCount(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, words: Int) -> Int {
        var lanes = Lanes(), w = 0
        while w &+ 8 <= words {
            lanes &+= (load(a, w) ^ load(b, w)).nonzeroBitCount
            w &+= 8
        }
        var total = Int(truncatingIfNeeded: lanes.wrappedSum())
        while w < words {
            total &+= (a[w] ^ b[w]).nonzeroBitCount
            w &+= 1
        }
        return total
    }

    /// With the planes of `p` restricted to the plane mask `mask`: the bits
    /// set, and the bits where they differ from `q`'s, which must lie
    /// inside the mask.
    @inline(__always)
    public static func maskedCounts(_ p: UnsafePointer<UInt64>, _ q: UnsafePointer<UInt64>, mask: UnsafePointer<UInt64>,
                                    planeWords: Int, sections: Int) -> (ones: Int, differing: Int) {
        guard wide(planeWords: planeWords, sections: sections) else {
            var ones = 0, differing = 0
            for k in 0..<sections {
                for w in 0..<planeWords {
                    let x = p[k &* planeWords &+ w] & mask[w]
                    ones &+= x.nonzeroBitCount
                    differing &+= (x ^ q[k &* planeWords &+ w]).nonzeroBitCount
                }
            }
            return (ones, differing)
        }
        let m = doubled(mask)
        var lanes = Lanes(), w = 0
        while w < 4 &* sections {
            let x = load(p, w) & m
            lanes &+= x.nonzeroBitCount | (x ^ load(q, w)).nonzeroBitCount &<< 32
            w &+= 8
        }
        let packed = lanes.wrappedSum()
        return (Int(truncatingIfNeeded: packed & 0xFFFF_FFFF), Int(truncatingIfNeeded: packed >> 32))
    }

    /// Two cylinders, each its `sections` planes then its plane mask: the
    /// bits valid in both (cells valid in both, times sections), and over
    /// those, the bits set in each and the bits that differ.
    @inline(__always)
    public static func commonMaskCounts(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, planeWords: Int,
                                        sections: Int) -> (common: Int, onesA: Int, onesB: Int, differing: Int) {
        let maskA = a + planeWords &* sections, maskB = b + planeWords &* sections
        guard wide(planeWords: planeWords, sections: sections) else {
            var cells = 0, onesA = 0, onesB = 0, differing = 0
            for w in 0..<planeWords {
                let valid = maskA[w] & maskB[w]
                cells &+= valid.nonzeroBitCount
                for k in 0..<sections {
                    let x = a[k &* planeWords &+ w] & valid, y = b[k &* planeWords &+ w] & valid
                    onesA &+= x.nonzeroBitCount
                    onesB &+= y.nonzeroBitCount
                    differing &+= (x ^ y).nonzeroBitCount
                }
            }
            return (cells &* sections, onesA, onesB, differing)
        }
        let valid = doubled(maskA) & doubled(maskB)
        var lanes = Lanes(), w = 0
        while w < 4 &* sections {
            let x = load(a, w) & valid, y = load(b, w) & valid
            lanes &+= x.nonzeroBitCount | y.nonzeroBitCount &<< 21 | (x ^ y).nonzeroBitCount &<< 42
            w &+= 8
        }
        let packed = lanes.wrappedSum()
        // `valid` holds each cell twice: half its count is the cells, one section's worth.
        let cells = Int(truncatingIfNeeded: valid.nonzeroBitCount.wrappedSum()) / 2
        return (cells &* sections, Int(truncatingIfNeeded: packed & 0x1F_FFFF), Int(truncatingIfNeeded: packed >> 21 & 0x1F_FFFF),
                Int(truncatingIfNeeded: packed >> 42))
    }
}
