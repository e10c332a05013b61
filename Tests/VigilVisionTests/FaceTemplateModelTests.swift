import Foundation
import Testing
import VigilVision

@Suite("Fused face templates")
struct FaceTemplateModelTests {
    func unit(_ count: Int, seed: Float) -> [Float] {
        let raw = (0..<count).map { sin(Float($0) * seed + seed) }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / norm }
    }

    @Test("the inner product of two templates is the weighted mean of the two cosines, and templates are unit vectors")
    func weightedMean() {
        let model = FaceTemplateModel.current
        let (d1, d2) = (unit(128, seed: 0.3), unit(128, seed: 0.7))
        let (f1, f2) = (unit(512, seed: 1.1), unit(512, seed: 0.2))
        let t1 = model.template(dlib: d1, facenet: f1), t2 = model.template(dlib: d2, facenet: f2)
        func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(t1.count == model.dimension)
        #expect(abs(dot(t1, t1) - 1) < 1e-5)
        let expected = model.dlibWeight * dot(d1, d2) + (1 - model.dlibWeight) * dot(f1, f2)
        #expect(abs(dot(t1, t2) - expected) < 1e-5)
    }
}
