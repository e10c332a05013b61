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
        let report = try await FaceEvaluation.run(directories: [TestData.url("faces/lfw10").path], pipeline: pipeline,
                                                  threshold: configuration.matchThreshold)
        #expect(report.images == 100 && report.identities == 10)
        #expect(report.genuine == 450 && report.impostor == 4500)
        #expect(report.fteCount == 0)
        // dlib's model publishes 99.38% on LFW; a broken pipeline lands near 50%.
        #expect(report.eer < 0.05)
        #expect((report.tarAtFar["0.01"] ?? 0) > 0.9)
        #expect((report.thresholdAtFar["0.001"] ?? 0) >= (report.thresholdAtFar["0.01"] ?? 1))
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
