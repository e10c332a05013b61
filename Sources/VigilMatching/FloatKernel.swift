/// Float32 dot products with SIMD16 fused multiply-adds.
public enum FloatKernel {
    /// Summing halves keeps the final reduction vectorised (`SIMD16.sum()` is sequential).
    @inline(__always)
    public static func dot(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ n: Int) -> Float {
        var acc = SIMD16<Float>()
        var d = 0
        while d < n {
            let x = UnsafeRawPointer(a + d).loadUnaligned(as: SIMD16<Float>.self)
            let y = UnsafeRawPointer(b + d).loadUnaligned(as: SIMD16<Float>.self)
            acc = acc.addingProduct(x, y)
            d += 16
        }
        let h8 = acc.lowHalf + acc.highHalf
        let h4 = h8.lowHalf + h8.highHalf
        let h2 = h4.lowHalf + h4.highHalf
        return h2.x + h2.y
    }

    public static func dot(_ a: [Float], _ b: [Float]) -> Float {
        a.withUnsafeBufferPointer { x in b.withUnsafeBufferPointer { y in dot(x.baseAddress!, y.baseAddress!, x.count) } }
    }
}
