import Testing
import VigilTestSupport
import VigilVision

@Suite("Face analysis on real photos", .enabled(if: TestData.shouldRunDataTests))
struct FaceAnalyzerTests {
    static let analyzer: FaceAnalyzer? = try? FaceAnalyzer(modelsDirectory: TestData.modelsDirectory)

    func analyzer() throws -> FaceAnalyzer {
        try #require(Self.analyzer, "models missing in \(TestData.modelsDirectory): run Models/fetch-models.sh")
    }

    @Test("finds a face in every photo of lfw10 and johns", arguments: ["lfw10", "johns"])
    func detectsEveryFace(set: String) async throws {
        let analyzer = try analyzer()
        let files = try TestData.identities(set).flatMap(\.files)
        #expect(files.count >= 55)
        for file in files {
            let analysis = try await analyzer.analyze(try TestData.bytes(file))
            #expect(analysis.face != nil, "no face found in \(file)")
        }
    }

    @Test("finds no face in a photo of dogs")
    func noFaceInDogs() async throws {
        let analysis = try await analyzer().analyze(try TestData.bytes("faces/scenes/dogs.jpg"))
        #expect(analysis.faceCount == 0)
        #expect(analysis.face == nil)
        #expect(analysis.imageWidth > 0)
    }

    @Test("reports every face of a group photo and picks the largest")
    func groupPhoto() async throws {
        let analysis = try await analyzer().analyze(try TestData.bytes("faces/scenes/bald_guys.jpg"))
        #expect(analysis.faceCount >= 20)
        let face = try #require(analysis.face)
        #expect(face.box.width >= 200)
    }

    @Test("each component's embedding and the fused template are unit length; landmarks lie in the face box")
    func descriptorAndLandmarks() async throws {
        let analysis = try await analyzer().analyze(try TestData.bytes("faces/lfw10/Colin_Powell/Colin_Powell_0001.jpg"))
        let face = try #require(analysis.face)
        #expect(face.embeddings.map(\.count) == FaceRecognizer.shipped.components.map(\.dimension))
        for vector in face.embeddings + [face.template] {
            #expect(abs(vector.reduce(0) { $0 + $1 * $1 }.squareRoot() - 1) < 1e-4)
        }
        #expect(face.template == FaceRecognizer.shipped.template(face.embeddings))
        #expect(face.landmarks.count == 5)
        for point in face.landmarks {
            #expect(Float(face.box.x - 10)...Float(face.box.x + face.box.width + 10) ~= point.x)
            #expect(Float(face.box.y - 10)...Float(face.box.y + face.box.height + 10) ~= point.y)
        }
        #expect(face.measures.interEyeDistance > 20)
    }

    @Test("the same image gives the same descriptor")
    func deterministic() async throws {
        let bytes = try TestData.bytes(try TestData.identities("johns")[0].files[0])
        let a = try await analyzer().analyze(bytes), b = try await analyzer().analyze(bytes)
        #expect(a.face?.template == b.face?.template)
    }

    @Test("bad images get typed errors, not crashes")
    func badImages() async throws {
        let analyzer = try analyzer()
        let jpeg = try TestData.bytes("faces/lfw10/Tony_Blair/Tony_Blair_0001.jpg")
        await #expect(throws: VisionError.emptyInput) { try await analyzer.analyze([]) }
        await #expect(throws: VisionError.unsupportedFormat) { try await analyzer.analyze(CraftedImages.notAnImage) }
        await #expect(throws: VisionError.truncated) { try await analyzer.analyze(CraftedImages.truncated(jpeg)) }
        await #expect(throws: VisionError.decodeFailed) { try await analyzer.analyze(CraftedImages.corruptedJPEG(jpeg)) }
        await #expect(throws: VisionError.decodeFailed) { try await analyzer.analyze(CraftedImages.corruptedPNG()) }
        await #expect(throws: VisionError.tooManyPixels(limit: 40_000_000)) {
            try await analyzer.analyze(CraftedImages.pngDeclaring(width: 50_000, height: 50_000))
        }
    }

    @Test("the pixel limit is configurable")
    func pixelLimit() async throws {
        var limits = FaceAnalyzer.Limits()
        limits.maxPixels = 200 * 200
        let small = try FaceAnalyzer(modelsDirectory: TestData.modelsDirectory, concurrency: 1, limits: limits)
        let jpeg = try TestData.bytes("faces/lfw10/Tony_Blair/Tony_Blair_0001.jpg")   // 250 x 250
        await #expect(throws: VisionError.tooManyPixels(limit: 40_000)) { try await small.analyze(jpeg) }
    }

    @Test("a missing models folder is a clear error")
    func missingModels() {
        #expect(throws: VisionError.self) { try FaceAnalyzer(modelsDirectory: "/nonexistent") }
    }
}
