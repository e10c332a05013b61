/// How far an int8 score can be from the exact Float32 cosine, for one
/// probe against a set of segments. With `v ≈ sv·cv` and `p ≈ sp·cp`:
///   |p·v − sv·sp·(cv·cp)| ≤ ‖p‖₁·sv/2 + ‖sv·cv‖₁·sp/2 ≤ ‖p‖₁·Smax/2 + √d·(1 + √d·Smax/2)·sp/2
/// (‖sv·cv‖₁ ≤ √d·‖sv·cv‖₂ and ‖sv·cv‖₂ ≤ 1 + √d·sv/2 for a unit v).
/// The bound is rigorous, so a candidate set built with it always holds the
/// exact answer; rescoring in Float32 then gives exact scores and order.
struct QueryBounds {
    let error: Float

    init(probe: [Float], quantized: QuantizedVector, maxGalleryScale: Float) {
        let d = Float(probe.count)
        let probeL1 = probe.reduce(Float(0)) { $0 + abs($1) }
        let galleryL1 = d.squareRoot() * (1 + d.squareRoot() * maxGalleryScale / 2)
        // A relative 1e-5 on top covers Float32 rounding of the bound itself.
        error = (probeL1 * maxGalleryScale / 2 + galleryL1 * quantized.scale / 2) * (1 + 1e-5) + 1e-6
    }
}
