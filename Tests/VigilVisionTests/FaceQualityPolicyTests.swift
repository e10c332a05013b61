import Testing
import VigilVision

@Suite("Face quality policy")
struct FaceQualityPolicyTests {
    let policy = FaceQualityPolicy()

    @Test("a good capture has no shortfall")
    func good() {
        #expect(policy.shortfalls(of: FaceMeasures(faceSize: 110, interEyeDistance: 42, sharpness: 60, brightness: 120)).isEmpty)
    }

    @Test("each minimum is enforced", arguments: [
        (FaceMeasures(faceSize: 40, interEyeDistance: 14, sharpness: 60, brightness: 120), FaceQualityPolicy.Shortfall.eyesTooClose),
        (FaceMeasures(faceSize: 110, interEyeDistance: 42, sharpness: 2, brightness: 120), .tooBlurred),
        (FaceMeasures(faceSize: 110, interEyeDistance: 42, sharpness: 60, brightness: 12), .tooDark),
        (FaceMeasures(faceSize: 110, interEyeDistance: 42, sharpness: 60, brightness: 250), .tooBright),
    ])
    func shortfall(measures: FaceMeasures, expected: FaceQualityPolicy.Shortfall) {
        #expect(policy.shortfalls(of: measures) == [expected])
    }
}
