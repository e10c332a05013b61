/// Stable least-significant-digit radix sort of 64-bit keys on their upper
/// 32 bits, 8 bits per pass: linear time for the few hundred keys of one
/// fingerprint comparison, where a comparison sort dominated the profile.
enum RadixSort {
    /// Sorts `keys` ascending by `key >> 32`; equal keys keep their order.
    static func sortByHighWord(_ keys: inout [UInt64], scratch: inout [UInt64]) {
        let n = keys.count
        guard n > 1 else { return }
        scratch.removeAll(keepingCapacity: true)
        scratch.append(contentsOf: repeatElement(0, count: n))
        // All four histograms in one read of the keys.
        var counts = [Int](repeating: 0, count: 4 * 256)
        counts.withUnsafeMutableBufferPointer { c in
            keys.withUnsafeBufferPointer { k in
                for key in k {
                    c[Int(truncatingIfNeeded: key >> 32 & 0xFF)] &+= 1
                    c[256 &+ Int(truncatingIfNeeded: key >> 40 & 0xFF)] &+= 1
                    c[512 &+ Int(truncatingIfNeeded: key >> 48 & 0xFF)] &+= 1
                    c[768 &+ Int(truncatingIfNeeded: key >> 56)] &+= 1
                }
            }
            for pass in 0..<4 {
                var total = 0
                for i in pass * 256..<(pass + 1) * 256 {
                    let count = c[i]
                    c[i] = total
                    total &+= count
                }
            }
        }
        for pass in 0..<4 {
            let shift = UInt64(32 + 8 * pass), base = pass * 256
            // A pass whose byte is the same in every key moves nothing: skip it.
            let first = Int(truncatingIfNeeded: keys[0] >> shift & 0xFF)
            let width = (first == 255 ? n : counts[base + first + 1]) - counts[base + first]
            guard width != n else { continue }
            counts.withUnsafeMutableBufferPointer { c in
                keys.withUnsafeBufferPointer { k in
                    scratch.withUnsafeMutableBufferPointer { out in
                        for key in k {
                            let bucket = base &+ Int(truncatingIfNeeded: key >> shift & 0xFF)
                            out[c[bucket]] = key
                            c[bucket] &+= 1
                        }
                    }
                }
            }
            swap(&keys, &scratch)
        }
    }
}
