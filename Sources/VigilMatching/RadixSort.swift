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
        var counts = [Int](repeating: 0, count: 256)
        for shift in stride(from: 32, to: 64, by: 8) {
            for i in 0..<256 { counts[i] = 0 }
            for key in keys { counts[Int(key >> UInt64(shift) & 0xFF)] += 1 }
            var total = 0
            for i in 0..<256 {
                let c = counts[i]
                counts[i] = total
                total += c
            }
            for key in keys {
                let bucket = Int(key >> UInt64(shift) & 0xFF)
                scratch[counts[bucket]] = key
                counts[bucket] += 1
            }
            swap(&keys, &scratch)
        }
    }
}
