/// Popcount compares of bit templates stored as `UInt64` words (fingerprint
/// cylinders in the Minutia Cylinder-Code). With `-target-cpu native` on an
/// AVX-512 VPOPCNTDQ machine the loops compile to `vpopcntq`.
public enum BitKernels {
    /// Number of bits set in both `a` and `b`.
    @inline(__always)
    public static func andCount(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, words: Int) -> Int {
        var total = 0
        for w in 0..<words { total &+= (a[w] & b[w]).nonzeroBitCount }
        return total
    }

    /// Number of bits that differ between `a` and `b` (Hamming distance).
    @inline(__always)
    public static func xorCount(_ a: UnsafePointer<UInt64>, _ b: UnsafePointer<UInt64>, words: Int) -> Int {
        var total = 0
        for w in 0..<words { total &+= (a[w] ^ b[w]).nonzeroBitCount }
        return total
    }

    /// Bits that differ where both validity masks are set, and how many
    /// positions were valid in both: the ingredients of MCC's bit-based
    /// local similarity `1 − ‖a⊕b‖ / (‖a‖ + ‖b‖)` over the common mask.
    public static func maskedDistance(_ a: [UInt64], _ maskA: [UInt64], _ b: [UInt64], _ maskB: [UInt64]) -> (differing: Int, valid: Int) {
        precondition(a.count == b.count && maskA.count == a.count && maskB.count == a.count)
        var differing = 0, valid = 0
        for w in a.indices {
            let common = maskA[w] & maskB[w]
            differing &+= ((a[w] ^ b[w]) & common).nonzeroBitCount
            valid &+= common.nonzeroBitCount
        }
        return (differing, valid)
    }
}
