/// A dimension reduction of unit templates by principal component analysis:
/// the `dimension` directions that carry most of a fitting set's templates,
/// found by subspace (orthogonal) iteration on their second-moment matrix.
/// Projected templates are scaled back to unit length, so cosine similarity
/// still compares them.
///
/// Uncentred on purpose: Vigil compares raw cosines, and the subspace that
/// best reconstructs the templates themselves best keeps those cosines.
/// Centring on a fitting set's mean changes what is compared: measured on
/// `pakistan-politicians` with a mean fitted on `lfw-a-j`, centring alone
/// (keeping 99.998% of the variance) raised the EER from 5.9% to 7.2%.
///
/// Fitted on one population and measured on others (`vigil eval faces
/// --reduce-to K --reduce-fit DIR`): a reduction that only holds on the
/// set it was fitted on proves nothing.
public struct PrincipalSubspace: Sendable {
    public let inputDimension: Int
    /// Row-major `dimension × inputDimension` orthonormal basis.
    public let basis: [Float]
    public let dimension: Int
    /// Share of the fitting set's energy (mean squared norm) the subspace keeps.
    public let explainedVariance: Double

    /// Fits the `dimension` principal directions of `samples` (all of one length).
    /// Deterministic: the start basis comes from a fixed-seed generator.
    public init(fitting samples: [[Float]], dimension: Int, iterations: Int = 60) {
        let d = samples.first?.count ?? 0
        precondition(dimension > 0 && dimension <= d && samples.count > 1, "cannot fit \(dimension) directions")
        inputDimension = d
        self.dimension = dimension
        // Second moments, d × d (symmetric; the upper triangle is filled, then mirrored).
        var covariance = [Double](repeating: 0, count: d * d)
        var value = [Double](repeating: 0, count: d)
        for sample in samples {
            for i in 0..<d { value[i] = Double(sample[i]) }
            for i in 0..<d where value[i] != 0 {
                let vi = value[i]
                for j in i..<d { covariance[i * d + j] += vi * value[j] }
            }
        }
        let scale = 1 / Double(samples.count)
        for i in 0..<d {
            for j in i..<d {
                covariance[i * d + j] *= scale
                covariance[j * d + i] = covariance[i * d + j]
            }
        }

        // Subspace iteration: Q ← orth(M·Q) converges to the top eigenvectors' span.
        var generator = LinearCongruential(seed: 0x5EED)
        var q = (0..<(dimension * d)).map { _ in generator.nextUnit() }
        Self.orthonormalise(&q, rows: dimension, length: d)
        var product = [Double](repeating: 0, count: dimension * d)
        for _ in 0..<iterations {
            for r in 0..<dimension {
                for i in 0..<d {
                    var sum = 0.0
                    for j in 0..<d { sum += covariance[i * d + j] * q[r * d + j] }
                    product[r * d + i] = sum
                }
            }
            swap(&q, &product)
            Self.orthonormalise(&q, rows: dimension, length: d)
        }
        var kept = 0.0, total = 0.0
        for i in 0..<d { total += covariance[i * d + i] }
        for r in 0..<dimension {
            for i in 0..<d {
                var sum = 0.0
                for j in 0..<d { sum += covariance[i * d + j] * q[r * d + j] }
                kept += q[r * d + i] * sum
            }
        }
        explainedVariance = total > 0 ? kept / total : 0
        basis = q.map(Float.init)
    }

    /// `template` in the subspace, unit length (a zero vector stays zero).
    public func project(_ template: [Float]) -> [Float] {
        precondition(template.count == inputDimension)
        var out = [Float](repeating: 0, count: dimension)
        var norm: Float = 0
        for r in 0..<dimension {
            var sum: Float = 0
            for i in 0..<inputDimension { sum += basis[r * inputDimension + i] * template[i] }
            out[r] = sum
            norm += sum * sum
        }
        guard norm > 0 else { return out }
        let inverse = 1 / norm.squareRoot()
        return out.map { $0 * inverse }
    }

    /// Modified Gram–Schmidt on the rows of a row-major matrix.
    private static func orthonormalise(_ m: inout [Double], rows: Int, length: Int) {
        for r in 0..<rows {
            for earlier in 0..<r {
                var dot = 0.0
                for i in 0..<length { dot += m[r * length + i] * m[earlier * length + i] }
                for i in 0..<length { m[r * length + i] -= dot * m[earlier * length + i] }
            }
            var norm = 0.0
            for i in 0..<length { norm += m[r * length + i] * m[r * length + i] }
            let inverse = norm > 0 ? 1 / norm.squareRoot() : 0
            for i in 0..<length { m[r * length + i] *= inverse }
        }
    }
}

/// A small fixed-seed generator for reproducible start vectors (Knuth's MMIX constants).
private struct LinearCongruential {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func nextUnit() -> Double {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return Double(state >> 11) / Double(1 << 53) - 0.5
    }
}
