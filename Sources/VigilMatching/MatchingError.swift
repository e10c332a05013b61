/// Why the matching core refused a vector or a query.
public enum MatchingError: Error, Sendable, Equatable {
    /// The vector's length is not the gallery's dimension.
    case dimensionMismatch(expected: Int, actual: Int)
    /// The vector holds NaN or infinity.
    case nonFiniteValue
    /// The vector is all zeros (or numerically so) and has no direction.
    case zeroVector
    /// Dimensions must be a positive multiple of the SIMD width.
    case unsupportedDimension(Int)
    /// A limit of zero or less was asked for.
    case invalidLimit(Int)
}
