/// Validation and L2 normalisation of face vectors. Everything stored in a
/// gallery or used as a probe passes through here, so a score is always the
/// cosine similarity of two unit vectors.
public enum UnitVector {
    /// Returns `vector / ‖vector‖`, or throws when it is not a usable direction.
    public static func normalized(_ vector: [Float], dimension: Int) throws(MatchingError) -> [Float] {
        guard vector.count == dimension else {
            throw .dimensionMismatch(expected: dimension, actual: vector.count)
        }
        var squares: Double = 0
        for value in vector {
            guard value.isFinite else { throw .nonFiniteValue }
            squares += Double(value) * Double(value)
        }
        let norm = squares.squareRoot()
        guard norm > 1e-12 else { throw .zeroVector }
        return vector.map { Float(Double($0) / norm) }
    }
}
