import VigilMetrics

/// The face calibration Vigil ships: written by scripts/ship-face-calibration.py from
/// `vigil calibrate faces ../shared/data/faces/lfw10 ../shared/data/faces/pakistan-politicians ../shared/data/faces/lfw-a-j --out docs/face-calibration.json`
/// (docs/faces.md). At each false-match rate, the highest threshold any of these
/// populations needs: lfw-a-j (7311 images, 26,495,549 impostor pairs), lfw10 (100 images, 4,500 impostor pairs), pakistan-politicians (1440 images, 965,541 impostor pairs).
enum ShippedFaceCalibration {
    static let model = "dlib-resnet-v1+facenet-casia-20180408@88bc574255d7"

    static let pooled = PooledCalibration(points: [
        .init(rate: 1e-01, score: 0.80090, population: "pakistan-politicians", worstFnmr: 0.0418),
        .init(rate: 5e-02, score: 0.81748, population: "pakistan-politicians", worstFnmr: 0.0647),
        .init(rate: 2e-02, score: 0.83440, population: "pakistan-politicians", worstFnmr: 0.1021),
        .init(rate: 1e-02, score: 0.84474, population: "pakistan-politicians", worstFnmr: 0.1318),
        .init(rate: 5e-03, score: 0.85355, population: "pakistan-politicians", worstFnmr: 0.1628),
        .init(rate: 2e-03, score: 0.86345, population: "pakistan-politicians", worstFnmr: 0.2079),
        .init(rate: 1e-03, score: 0.86981, population: "pakistan-politicians", worstFnmr: 0.2425),
        .init(rate: 5e-04, score: 0.87535, population: "pakistan-politicians", worstFnmr: 0.2770),
        .init(rate: 2e-04, score: 0.88157, population: "pakistan-politicians", worstFnmr: 0.3206),
        .init(rate: 1e-04, score: 0.88557, population: "pakistan-politicians", worstFnmr: 0.3522),
        .init(rate: 5e-05, score: 0.88905, population: "pakistan-politicians", worstFnmr: 0.3825),
        .init(rate: 2e-05, score: 0.89296, population: "pakistan-politicians", worstFnmr: 0.4185),
        .init(rate: 1e-05, score: 0.89548, population: "pakistan-politicians", worstFnmr: 0.4442),
        .init(rate: 5e-06, score: 0.89766, population: "pakistan-politicians", worstFnmr: 0.4676),
        .init(rate: 2e-06, score: 0.90012, population: "pakistan-politicians", worstFnmr: 0.4943),
        .init(rate: 1e-06, score: 0.90170, population: "pakistan-politicians", worstFnmr: 0.5118),
        .init(rate: 5e-07, score: 0.90308, population: "pakistan-politicians", worstFnmr: 0.5266),
        .init(rate: 2e-07, score: 0.90591, population: "lfw-a-j", worstFnmr: 0.5587),
        .init(rate: 1e-07, score: 0.90784, population: "lfw-a-j", worstFnmr: 0.5819),
        .init(rate: 5e-08, score: 0.90958, population: "lfw-a-j", worstFnmr: 0.6018),
        .init(rate: 2e-08, score: 0.91161, population: "lfw-a-j", worstFnmr: 0.6255),
        .init(rate: 1e-08, score: 0.91297, population: "lfw-a-j", worstFnmr: 0.6414),
    ])
}
