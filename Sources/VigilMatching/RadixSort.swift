/// Least-significant-digit radix sort of 64-bit keys on their upper 32 bits,
/// 8 bits per pass: linear time for the few hundred keys of one fingerprint
/// comparison, where a comparison sort dominated the profile. (Sorting only
/// the similarity buckets greedy pairing reaches was slower: it reaches
/// most of them.)
enum RadixSort {
    /// Sorts `keys[..<n]` ascending by `key >> 32`, stably, moving keys
    /// between `keys` and `scratch` (both of room `n`); returns whichever
    /// holds the result. `counts` has room for the 4 x 256 histograms.
    static func sortByHighWord(_ keys: UnsafeMutablePointer<UInt64>, scratch: UnsafeMutablePointer<UInt64>, count n: Int,
                               counts c: UnsafeMutablePointer<Int32>) -> UnsafeMutablePointer<UInt64> {
        guard n > 1 else { return keys }
        // Few keys (a pooled finger's aligned pairs, a few dozen): an
        // insertion sort's ~n²/4 moves cost less than the histograms' fixed
        // 2 × 1,024 steps (clearing and summing), which took a tenth of a
        // million-finger search by a profile.
        guard n > Self.insertionBelow else {
            insertionSort(keys, count: n, droppingLow: 32)
            return keys
        }
        c.update(repeating: 0, count: 4 * 256)
        // All four histograms in one read of the keys.
        for k in 0..<n {
            let key = keys[k]
            c[Int(truncatingIfNeeded: key >> 32 & 0xFF)] &+= 1
            c[256 &+ Int(truncatingIfNeeded: key >> 40 & 0xFF)] &+= 1
            c[512 &+ Int(truncatingIfNeeded: key >> 48 & 0xFF)] &+= 1
            c[768 &+ Int(truncatingIfNeeded: key >> 56)] &+= 1
        }
        for pass in 0..<4 {
            var total: Int32 = 0
            for i in pass &* 256..<(pass &+ 1) &* 256 {
                let count = c[i]
                c[i] = total
                total &+= count
            }
        }
        var (from, to) = (keys, scratch)
        for pass in 0..<4 {
            let shift = UInt64(32 &+ 8 &* pass), base = pass &* 256
            // A pass whose byte is the same in every key moves nothing: skip it.
            let first = Int(truncatingIfNeeded: from[0] >> shift & 0xFF)
            let width = (first == 255 ? n : Int(c[base &+ first &+ 1])) &- Int(c[base &+ first])
            guard width != n else { continue }
            for k in 0..<n {
                let key = from[k]
                let bucket = base &+ Int(truncatingIfNeeded: key >> shift & 0xFF)
                to[Int(c[bucket])] = key
                c[bucket] &+= 1
            }
            swap(&from, &to)
        }
        return from
    }

    /// At most this many keys are sorted by insertion: n²/4 ≤ 1,024.
    static let insertionBelow = 64

    /// Orders `keys[..<n]`, already sorted by their upper 32 bits, by the
    /// whole key: insertion within each run of equal upper halves, which
    /// are short, so this is one linear pass in practice.
    static func orderTies(_ k: UnsafeMutablePointer<UInt64>, count n: Int) {
        insertionSort(k, count: n, droppingLow: 0)
    }

    /// Stable insertion sort of `k[..<n]` by `key >> shift`: a key moves
    /// only past keys that rank strictly higher.
    @inline(__always)
    private static func insertionSort(_ k: UnsafeMutablePointer<UInt64>, count n: Int, droppingLow shift: UInt64) {
        var i = 1
        while i < n {
            let key = k[i], rank = key >> shift
            if rank < k[i &- 1] >> shift {
                var j = i
                while j > 0, k[j &- 1] >> shift > rank {
                    k[j] = k[j &- 1]
                    j &-= 1
                }
                k[j] = key
            }
            i &+= 1
        }
    }
}
