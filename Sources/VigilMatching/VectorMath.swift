/// Sixteen-lane `exp` and `atan2` for the relaxation's compatibilities, in
/// plain `SIMD16<Float>` arithmetic (libm works one value at a time). Both
/// use the classic single-precision approximations (Cody-Waite reduction
/// with a degree-6 polynomial for exp, reduction to |z| ≤ tan(π/8) with a
/// degree-9 odd polynomial for atan, as in Moshier's Cephes): a few units
/// in the last place, far below what moves a compatibility (at most 7.5
/// per radian of angle error).
enum VectorMath {
    typealias V = SIMD16<Float>

    /// e^x, x clamped to [-87, 88] (beyond, a sigmoid is 0 or 1 anyway).
    @inline(__always)
    static func exp(_ x: V) -> V {
        var x = x.replacing(with: 88, where: x .> 88)
        x.replace(with: -87, where: x .< -87)
        // Round x·log2(e) to an integer n with the 1.5·2^23 trick: its low bits then hold n.
        let magic = V(repeating: 12_582_912)
        let shifted = x * 1.442_695_04 + magic
        let n = shifted - magic
        let r = x - n * 0.693_359_375 + n * 2.121_944_4e-4   // x − n·ln 2 in two parts
        var p = V(repeating: 1.987_569_15e-4)
        p = p * r + 1.398_199_95e-3
        p = p * r + 8.333_451_9e-3
        p = p * r + 4.166_579_59e-2
        p = p * r + 1.666_666_55e-1
        p = p * r + 5.000_000_12e-1
        p = p * r * r + r + 1
        // 2^n: n + 127 in the exponent field.
        let bits = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000 &+ 127
        return p * unsafeBitCast(bits &<< 23, to: V.self)
    }

    /// atan2(y, x) for y ≥ 0: the angle in [0, π].
    @inline(__always)
    static func atan2(_ y: V, _ x: V) -> V {
        let ax = x.replacing(with: -x, where: x .< 0)
        let steep = y .> ax
        let high = ax.replacing(with: y, where: steep), low = y.replacing(with: ax, where: steep)
        let q = low / high.replacing(with: 1, where: high .== 0)   // 0/0 (a zero vector) reads as angle 0
        let far = q .> 0.414_213_56   // tan(π/8)
        let z = q.replacing(with: (q - 1) / (q + 1), where: far)
        let z2 = z * z
        var p = V(repeating: 8.053_744_495_38e-2)
        p = p * z2 - 1.387_768_560_32e-1
        p = p * z2 + 1.997_771_064_78e-1
        p = p * z2 - 3.333_294_915_39e-1
        var angle = p * z2 * z + z
        angle.replace(with: angle + .pi / 4, where: far)
        angle.replace(with: .pi / 2 - angle, where: steep)
        angle.replace(with: .pi - angle, where: x .< 0)
        return angle
    }

    /// 1 / (1 + e^(−τ(d − μ))).
    @inline(__always)
    static func sigmoid(_ d: V, _ mu: Float, _ tau: Float) -> V {
        1 / (1 + exp(-tau * (d - mu)))
    }
}
