import Foundation
import Testing
import VigilTestSupport
import VigilVision

@Suite("Face recognizer configuration and fused templates")
struct FaceRecognizerTests {
    func unit(_ count: Int, seed: Float) -> [Float] {
        let raw = (0..<count).map { sin(Float($0) * seed + seed) }
        let norm = raw.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return raw.map { $0 / norm }
    }

    @Test("the inner product of two templates is the weighted mean of the components' cosines, and templates are unit vectors")
    func weightedMean() {
        let model = FaceRecognizer.shipped
        let (d1, d2) = (unit(128, seed: 0.3), unit(128, seed: 0.7))
        let (f1, f2) = (unit(512, seed: 1.1), unit(512, seed: 0.2))
        let t1 = model.template([d1, f1]), t2 = model.template([d2, f2])
        func dot(_ a: [Float], _ b: [Float]) -> Float { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }
        #expect(t1.count == model.dimension && model.dimension == 640)
        #expect(abs(dot(t1, t1) - 1) < 1e-5)
        let w = model.normalizedWeights
        #expect(abs(dot(t1, t2) - (w[0] * dot(d1, d2) + w[1] * dot(f1, f2))) < 1e-5)
    }

    @Test("the shipped recognizer names the files Models/SHA256SUMS checks, and passes its own validation")
    func shippedDigests() throws {
        let sums = try String(contentsOfFile: TestData.projectRoot.appendingPathComponent("Models/SHA256SUMS").path, encoding: .utf8)
        let listed = Dictionary(uniqueKeysWithValues: sums.split(separator: "\n").map { line in
            let parts = line.split(separator: " ", omittingEmptySubsequences: true)
            return (String(parts[1]), String(parts[0]))
        })
        for component in FaceRecognizer.shipped.components {
            #expect(listed[component.file] == component.sha256, "\(component.file)")
        }
        #expect(FaceRecognizer.shipped.problem == nil)
    }

    @Test("configurations that cannot run are named before any file is opened")
    func problems() {
        let good = FaceRecognizer.shipped
        var badDigest = good
        badDigest.components[0].sha256 = "abc"
        #expect(badDigest.problem?.contains("sha256") == true)
        var noInput = good
        noInput.components[1].input = nil
        #expect(noInput.problem?.contains("input") == true)
        var odd = good
        odd.components[1].dimension = 500
        #expect(odd.problem?.contains("multiple of 16") == true)
        var weightless = good
        weightless.components[0].weight = 0
        #expect(weightless.problem?.contains("weight") == true)
        var wrongDlib = good
        wrongDlib.components[0].dimension = 256
        #expect(wrongDlib.problem?.contains("128") == true)
        #expect(FaceRecognizer(name: "none", components: []).problem != nil)
    }

    @Test("an analyzer refuses a recognizer whose file is missing, naming it", .enabled(if: TestData.shouldRunModelTests))
    func missingFile() {
        var recognizer = FaceRecognizer.shipped
        recognizer.components[1].file = "no-such-network.onnx"
        #expect(throws: VisionError.self) {
            _ = try FaceAnalyzer(modelsDirectory: TestData.modelsDirectory, recognizer: recognizer, concurrency: 1)
        }
    }
}
