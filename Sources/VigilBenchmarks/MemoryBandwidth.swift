import Dispatch
import VigilMatching

/// STREAM-like read bandwidth: every thread of `pool` sums its share of a
/// buffer at least 4x the last-level cache (32 MB here) with four independent
/// 64-byte accumulators, so the adds never limit the reads.
///
/// The rate depends on the buffer size (measured here: about 53 GB/s over
/// 128 MiB, 44 over 256 MiB, 36 over 1 GiB, from page-table effects), so the
/// ceiling the scan is compared against is the best rate over several sizes:
/// the strictest honest reference.
public enum MemoryBandwidth {
    public static let defaultSizes = [128 << 20, 256 << 20, 1 << 30]

    public static func measure(pool: ScanPool, sizes: [Int] = defaultSizes, passes: Int = 10) -> Double {
        sizes.map { measure(pool: pool, bytes: $0, passes: passes) }.max() ?? 0
    }

    static func measure(pool: ScanPool, bytes: Int, passes: Int) -> Double {
        let words = bytes / 8
        let buffer = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
        defer { buffer.deallocate() }
        for i in 0..<words { buffer[i] = UInt64(truncatingIfNeeded: i &* 0x9E37_79B9) }
        let address = UInt(bitPattern: buffer)
        var best = Double.infinity
        let sink = SinkBox()
        for _ in 0..<passes {
            let start = DispatchTime.now().uptimeNanoseconds
            pool.run { partition in
                let base = UnsafePointer<UInt64>(bitPattern: address)!
                let lo = words * partition / pool.threads, hi = words * (partition + 1) / pool.threads
                var a0 = SIMD8<UInt64>(), a1 = SIMD8<UInt64>(), a2 = SIMD8<UInt64>(), a3 = SIMD8<UInt64>()
                var i = lo
                while i + 32 <= hi {
                    let p = UnsafeRawPointer(base + i)
                    a0 &+= p.loadUnaligned(as: SIMD8<UInt64>.self)
                    a1 &+= p.loadUnaligned(fromByteOffset: 64, as: SIMD8<UInt64>.self)
                    a2 &+= p.loadUnaligned(fromByteOffset: 128, as: SIMD8<UInt64>.self)
                    a3 &+= p.loadUnaligned(fromByteOffset: 192, as: SIMD8<UInt64>.self)
                    i += 32
                }
                sink.add((a0 &+ a1 &+ a2 &+ a3).wrappedSum())
            }
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start))
        }
        return Double(words * 8) / best   // bytes per nanosecond = GB/s
    }
}

/// Keeps the summed values observable so the reads are not optimised away.
final class SinkBox: @unchecked Sendable {
    private var value: UInt64 = 0
    private let lock = DispatchSemaphore(value: 1)
    func add(_ x: UInt64) {
        lock.wait()
        value &+= x
        lock.signal()
    }
}
