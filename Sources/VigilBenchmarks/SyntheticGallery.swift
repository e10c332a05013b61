import VigilMatching
import VigilMetrics

/// Random unit vectors and mated probes for search benchmarks: probe i is a
/// noisy copy of template `source[i]` (cosine about 0.9 with it, like a
/// genuine face pair), so its true rank-1 is almost surely its source.
struct SyntheticGallery {
    let dimension: Int
    let count: Int
    /// Float32 originals, row-major: the "stored originals" used for exact
    /// rescoring and for the brute-force reference (not part of the index).
    let vectors: [Float]

    init(count: Int, dimension: Int, seed: UInt64) {
        self.count = count
        self.dimension = dimension
        var rng = Random(seed: seed)
        var vectors = [Float](repeating: 0, count: count * dimension)
        for row in 0..<count { Self.fillUnit(&vectors, row: row, dimension: dimension, rng: &rng) }
        self.vectors = vectors
    }

    func vector(_ row: Int) -> [Float] { Array(vectors[row * dimension..<(row + 1) * dimension]) }

    func matedProbes(_ count: Int, seed: UInt64) -> [(source: Int, probe: [Float])] {
        var rng = Random(seed: seed)
        return (0..<count).map { _ in
            let source = Int(rng.next() % UInt64(self.count))
            var probe = vector(source)
            let noise = 0.45 / Float(dimension).squareRoot() * Float(3).squareRoot()   // per-component uniform, norm ≈ 0.45
            for d in 0..<dimension { probe[d] += rng.uniform() * noise }
            return (source, probe)
        }
    }

    private static func fillUnit(_ vectors: inout [Float], row: Int, dimension: Int, rng: inout Random) {
        var norm: Float = 0
        for d in 0..<dimension {
            let x = rng.gaussian()
            vectors[row * dimension + d] = x
            norm += x * x
        }
        let inverse = 1 / norm.squareRoot()
        for d in 0..<dimension { vectors[row * dimension + d] *= inverse }
    }
}

/// The benchmarks' generator, deterministic per seed.
typealias Random = SeededGenerator

extension SeededGenerator {
    /// Uniform in [-1, 1).
    mutating func uniform() -> Float { Float(next() >> 40) / Float(1 << 23) - 1 }
    /// Approximately standard normal (sum of four uniforms, rescaled).
    mutating func gaussian() -> Float { (uniform() + uniform() + uniform() + uniform()) * 0.866 }
}
