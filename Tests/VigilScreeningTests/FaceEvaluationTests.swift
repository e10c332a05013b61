import Foundation
import Testing
import VigilScreening
import VigilTestSupport

@Suite("Face evaluation", .enabled(if: TestData.shouldRunDataTests))
struct FaceEvaluationTests {
    @Test("all-pairs evaluation of lfw10 counts every pair and measures error rates")
    func lfw10() async throws {
        var configuration = ServiceConfiguration()
        configuration.modelsDirectory = TestData.modelsDirectory
        let pipeline = try FacePipeline(configuration: configuration)
        let plot = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-det-\(UUID().uuidString).svg").path
        defer { try? FileManager.default.removeItem(atPath: plot) }
        let report = try await FaceEvaluation.run(directories: [TestData.url("faces/lfw10").path], pipeline: pipeline,
                                                  threshold: configuration.matchThreshold, components: true, plotPath: plot)
        #expect(report.images == 100 && report.identities == 10)
        #expect(report.genuine == 450 && report.impostor == 4500)
        #expect(report.fteCount == 0)
        // dlib's model publishes 99.38% on LFW; a broken pipeline lands near 50%.
        #expect(report.eer < 0.05)
        #expect((report.tarAtFar["0.01"] ?? 0) > 0.9)
        #expect((report.thresholdAtFar["0.001"] ?? 0) >= (report.thresholdAtFar["0.01"] ?? 1))
        // The shipped calibration states FMR 1% at the default threshold; no population may exceed twice that.
        let stated = try #require(report.defaultTargetFmr)
        #expect(abs(stated - 0.01) < 1e-3)
        #expect(report.fmrAtDefaultThreshold <= 2 * stated)
        let components = try #require(report.components)
        #expect(Set(components.keys) == ["dlib-resnet-v1", "facenet-casia-20180408", "fused"])
        #expect(components["fused"]?.eer == report.eer)
        let svg = try String(contentsOfFile: plot, encoding: .utf8)
        #expect(svg.hasPrefix("<svg") && svg.contains("<polyline"))
        #expect(svg.contains("genuine pairs (450)") && svg.contains("impostor pairs (4500)"))
    }

    @Test("open-set identification: the documented split, every probe counted, mates found")
    func identification() async throws {
        var configuration = ServiceConfiguration()
        configuration.modelsDirectory = TestData.modelsDirectory
        let pipeline = try FacePipeline(configuration: configuration)
        // Distractors: two lfw10 people, two photos each, in a folder of their own.
        let distractors = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-distractors-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: distractors) }
        for person in try TestData.identities("lfw10").prefix(2) {
            let folder = distractors.appendingPathComponent(person.identity)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for file in person.files.prefix(2) {
                try FileManager.default.copyItem(at: TestData.url(file), to: folder.appendingPathComponent((file as NSString).lastPathComponent))
            }
        }
        let report = try await IdentificationEvaluation.run(directories: [TestData.url("faces/johns").path],
                                                            distractors: [distractors.path], galleryPerIdentity: 2, pipeline: pipeline)
        // Five identities of eleven photos: in SHA-256 order, every other one enrolled with two
        // photos (nine mated probes each), the others give all eleven as non-mated probes;
        // the two distractors join the gallery with two photos each.
        #expect(report.gallery == 5 && report.galleryTemplates == 10)
        #expect(report.matedProbes + report.nonmatedProbes == 55 - 6)
        #expect(report.matedProbes % 9 == 0 && report.nonmatedProbes % 11 == 0 && report.matedProbes >= 18)
        #expect(report.fte == 0)
        #expect(report.rank1 >= 0.9 && report.rank10 >= report.rank1)
        let fnir = try #require(report.fnirAtFpir["0.01"])
        #expect(fnir >= 0 && fnir <= 0.5)
        #expect((report.thresholdAtFpir["0.001"] ?? 0) >= (report.thresholdAtFpir["0.01"] ?? 1))
    }

    @Test("a folder without labelled images is an error")
    func emptyFolder() async throws {
        var configuration = ServiceConfiguration()
        configuration.modelsDirectory = TestData.modelsDirectory
        let pipeline = try FacePipeline(configuration: configuration)
        await #expect(throws: VigilError.self) {
            try await FaceEvaluation.run(directories: ["/nonexistent"], pipeline: pipeline, threshold: 0.9)
        }
    }
}

@Suite("Face calibration files")
struct FaceCalibrationFileTests {
    func write(_ text: String) throws -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-calibration-\(UUID().uuidString).json").path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test("a file that is not a calibration, or one fitted for another model, is refused")
    func refused() async throws {
        let shippedModel = ServiceConfiguration().faceCalibrationModel
        for text in ["", "{", "[1,2,3]", "{\"model\": 3}"] {
            let path = try write(text)
            defer { try? FileManager.default.removeItem(atPath: path) }
            await expectError(.invalidField) { _ = try FaceCalibration.load(path: path, model: shippedModel) }
        }
        await expectError(.notFound) { _ = try FaceCalibration.load(path: "/nonexistent/calibration.json", model: shippedModel) }
        // The shipped calibration as a file: accepted for this model, refused for another.
        let shipped = try String(contentsOf: TestData.projectRoot.appendingPathComponent("docs/face-calibration.json"), encoding: .utf8)
        let good = try write(shipped)
        defer { try? FileManager.default.removeItem(atPath: good) }
        let calibration = try FaceCalibration.load(path: good, model: shippedModel)
        #expect(abs(Double(calibration.score(atFalseMatchRate: 0.01)) - Double(ServiceConfiguration.defaultMatchThreshold)) < 1e-4)
        let model = try #require((try JSONSerialization.jsonObject(with: Data(shipped.utf8)) as? [String: Any])?["model"] as? String)
        let other = try write(shipped.replacingOccurrences(of: model, with: "some-other-model"))
        defer { try? FileManager.default.removeItem(atPath: other) }
        await expectError(.invalidField) { _ = try FaceCalibration.load(path: other, model: shippedModel) }
    }
}
