/// A minutia in image coordinates (x right, y down), with its direction in
/// radians measured in the same frame. ISO/ANSI angles run counter-clockwise
/// with y up, so a template angle must be negated to land here (with the
/// wrong sign MCC's EER on FVC2002 rose to about 19%).
public struct FingerMinutia: Sendable, Equatable {
    public let x: Float
    public let y: Float
    public let direction: Float

    public init(x: Float, y: Float, direction: Float) {
        self.x = x
        self.y = y
        self.direction = direction
    }
}

/// Angle helpers on (-π, π].
public enum Angle {

    /// `a` brought into (-π, π]. Branches instead of `fmod`: every caller's
    /// input is within a few turns.
    @inline(__always)
    public static func normalized(_ a: Float) -> Float {
        var v = a
        while v > .pi { v -= 2 * .pi }
        while v <= -.pi { v += 2 * .pi }
        return v
    }

    /// Signed difference a − b on (-π, π].
    static func difference(_ a: Float, _ b: Float) -> Float { normalized(a - b) }

    /// |difference(a, b)| for `a` and `b` on (-π, π], without branches: the
    /// raw difference is within (-2π, 2π), so one fold suffices, and
    /// 2π − |d| rounds exactly like |d − 2π| (the same value, bit for bit).
    @inline(__always)
    static func separation(_ a: Float, _ b: Float) -> Float { fold(abs(a - b)) }

    /// |d| on [0, 2π) brought to the angle's size on [0, π]. A select, not
    /// `min` (whose NaN handling compiles to branches).
    @inline(__always)
    static func fold(_ d: Float) -> Float { d > .pi ? 2 * .pi - d : d }
}
