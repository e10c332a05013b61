/// The hot loop of the int8 scan. Measured on this machine (AVX-512): filling
/// a `SIMD16<Int32>` lane by lane from 16 int8 codes compiles to one
/// sign-extending vector load, 465 M templates/s per core in cache; the
/// stdlib conversion `SIMD16<Int32>(truncatingIfNeeded: SIMD16<Int8>)` is
/// 10x slower, and 16 scalar accumulators 2x slower out of cache.
enum Int8Kernel {
    /// Integer dot products of one block's 16 templates with the probe codes.
    @inline(__always)
    static func block(_ codes: UnsafePointer<Int8>, _ probe: UnsafePointer<Int32>, _ dimension: Int) -> SIMD16<Int32> {
        var acc = SIMD16<Int32>()
        for d in 0..<dimension {
            let row = codes + d &* Int8Segment.lanes
            var widened = SIMD16<Int32>()
            for lane in 0..<Int8Segment.lanes { widened[lane] = Int32(row[lane]) }
            acc &+= widened &* probe[d]
        }
        return acc
    }
}
