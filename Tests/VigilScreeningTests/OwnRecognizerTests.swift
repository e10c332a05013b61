import Foundation
import Testing
import VigilScreening
import VigilTestSupport

/// A deployment's own recognizer, played here by FaceNet alone (a real
/// network read by OpenCV's dnn module, as a licensed ONNX model would be).
@Suite("A deployment's own recognizer", .enabled(if: TestData.shouldRunDataTests))
struct OwnRecognizerTests {
    static let facenetDigest = "704afe26766ce6215931b0bde68650835be9518613d40ce101e641708c7d5c78"

    /// Writes a recognizer file into `folder` and returns its path.
    func recognizerFile(in folder: URL, sha256: String = facenetDigest, calibration: String? = nil,
                        extraInputKey: String? = nil) throws -> String {
        var input: [String: Any] = ["size": 160, "padding": 0.4, "channels": "rgb",
                                    "mean": [127.5, 127.5, 127.5], "scale": [0.0078125, 0.0078125, 0.0078125]]
        if let extraInputKey { input[extraInputKey] = 1 }
        var object: [String: Any] = ["name": "facenet-alone", "components": [[
            "name": "facenet-casia-20180408", "kind": "opencv-dnn",
            "file": TestData.modelsDirectory + "/facenet_inception_resnet_v1_casia.pb",
            "sha256": sha256, "dimension": 512, "weight": 1, "input": input,
        ]]]
        if let calibration { object["calibration"] = calibration }
        let path = folder.appendingPathComponent("recognizer-\(UUID().uuidString).json").path
        try JSONSerialization.data(withJSONObject: object).write(to: URL(fileURLWithPath: path))
        return path
    }

    func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-recognizer-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    func configuration(database: String) -> ServiceConfiguration {
        var configuration = ServiceConfiguration()
        configuration.modelsDirectory = TestData.modelsDirectory
        configuration.databasePath = database
        return configuration
    }

    @Test("a file whose SHA-256 is not the one named, or a misspelt key, is refused before any network is built")
    func refusals() async throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var configuration = configuration(database: temporaryDatabasePath())
        try configuration.use(recognizerFile: try recognizerFile(in: dir, sha256: String(repeating: "0", count: 64)), calibrationPath: nil)
        do {
            _ = try FacePipeline(configuration: configuration)
            Issue.record("a file with another digest was loaded")
        } catch {
            #expect(error.code == .modelsUnavailable && error.message.contains("SHA-256"), "\(error)")
        }
        var misspelt = ServiceConfiguration()
        let misspeltFile = try recognizerFile(in: dir, extraInputKey: "paddng")
        do {
            try misspelt.use(recognizerFile: misspeltFile, calibrationPath: nil)
            Issue.record("a misspelt input key was accepted")
        } catch {
            #expect(error.code == .invalidField && error.message.contains("paddng"), "\(error)")
        }
    }

    @Test("calibrated with vigil calibrate, recorded in every template, the watchlist re-embedded to it, the old templates searched meanwhile")
    func ownRecognizer() async throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = temporaryDatabasePath()
        let people = try TestData.identities("lfw10")
        var ids: [UUID] = []
        do {
            let shipped = try await makeService(database: path)
            for person in people.prefix(2) {
                ids.append(try await shipped.enroll(name: person.identity, category: "wanted_other",
                                                    faces: [try TestData.bytes(person.files[0])]).id)
            }
        }

        // Without a calibration the service cannot turn a target FPIR into a threshold: it refuses to start.
        var uncalibrated = configuration(database: path)
        try uncalibrated.use(recognizerFile: try recognizerFile(in: dir), calibrationPath: nil)
        await expectError(.modelsUnavailable) { _ = try await ScreeningService(configuration: uncalibrated) }

        // Calibrated on lfw10 the way a deployment would on its own labelled photos; the file names it relatively.
        let report = try await FaceCalibration.run(populations: [TestData.url("faces/lfw10").path],
                                                   pipeline: try FacePipeline(configuration: uncalibrated))
        #expect(report.model.hasPrefix("facenet-alone@") && report.model != ServiceConfiguration().faceCalibrationModel)
        try VigilJSON.encoder(pretty: true).encode(report).write(to: dir.appendingPathComponent("calibration.json"))
        var calibrated = configuration(database: path)
        try calibrated.use(recognizerFile: try recognizerFile(in: dir, calibration: "calibration.json"), calibrationPath: nil)
        // The shipped calibration is refused for it: fitted for another recognizer.
        var mismatched = calibrated
        await expectError(.invalidField) {
            try mismatched.use(recognizerFile: try recognizerFile(in: dir), calibrationPath: TestData.projectRoot.appendingPathComponent("docs/face-calibration.json").path)
        }

        let probe = try TestData.bytes(people[0].files[1])
        do {
            // Without --previous-recognizer the shipped recognizer's templates are not searched.
            let service = try await ScreeningService(configuration: calibrated)
            #expect(service.faceModelName == report.model && service.previousModelFaces == nil)
            #expect(service.faceTemplatesOfOtherModels == 2 && service.watchlistStatus.faceTemplates == 0)
            #expect(try await service.screen(face: probe).candidates.isEmpty)
        }

        // With it, they are searched beside the new recognizer's until re-embedded: no gap.
        var sideBySide = calibrated
        try sideBySide.keepSearching(previousRecognizerFile: "shipped")
        let service = try await ScreeningService(configuration: sideBySide)
        #expect(service.previousModelFaces?.model == ServiceConfiguration().faceCalibrationModel)
        #expect(service.previousModelFaces?.templates == 2 && service.faceTemplatesOfOtherModels == 0)
        let during = try await service.screen(face: probe)
        let previousHit = try #require(during.candidates.first)
        #expect(previousHit.entryId == ids[0] && during.candidates.count == 1)
        // Its score is on the new recognizer's scale: at least the threshold its category holds there.
        #expect(try #require(previousHit.score) >= previousHit.threshold)
        // It replays: the probe's template of each recognizer searched against that recognizer's templates.
        let replayDuring = try await service.replay()
        #expect(replayDuring.screenings == 2 && replayDuring.divergences.isEmpty, "\(replayDuring.divergences)")

        let reembedded = try await service.reembedFaces()
        #expect(reembedded.rebuilt == 2 && reembedded.model == report.model)
        #expect(service.faceTemplatesOfOtherModels == 0 && service.watchlistStatus.faceTemplates == 2)
        #expect(service.previousModelFaces?.templates == 0)
        let found = try await service.screen(face: probe)
        #expect(found.candidates.first?.entryId == ids[0])
        // Its thresholds come from its own calibration, not the shipped one.
        let point = try #require(found.faceOperatingPoints?.first)
        #expect(point.threshold != Float(ServiceConfiguration().faceCalibration.score(atFalseMatchRate: 0.01)))

        // Back on the shipped recognizer, these templates are the other model's; the
        // screenings made with the deployment's recognizer still replay to the same result
        // (each record names its recognizer, and a replay searches that one's templates).
        let back = try await makeService(database: path)
        #expect(back.faceTemplatesOfOtherModels == 2)
        #expect(try await back.verifyAudit().ok)
        let replay = try await back.replay()
        // Except the side-by-side one, whose candidate's old template the re-embedding erased: said so.
        #expect(replay.screenings == 3 && replay.divergences.count == 1, "\(replay.divergences)")
        #expect(replay.divergences.first?.reason.contains("re-embedded at version") == true, "\(replay.divergences)")
    }
}

@Suite("The documented recognizer example")
struct RecognizerExampleTests {
    @Test("docs/recognizer-example.json is a valid recognizer file; its calibration path is made relative to it")
    func example() throws {
        let path = TestData.projectRoot.appendingPathComponent("docs/recognizer-example.json").path
        var configuration = ServiceConfiguration()
        // Its calibration file does not exist (the example names a deployment's): loading stops there, after validation.
        do {
            try configuration.use(recognizerFile: path, calibrationPath: nil)
            Issue.record("the example's calibration file should not exist")
        } catch {
            #expect(error.code == .notFound && error.message.contains("docs/arcface-calibration.json"), "\(error)")
        }
    }
}
