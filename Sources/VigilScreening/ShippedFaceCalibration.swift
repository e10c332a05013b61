import VigilMetrics

/// The face calibration Vigil ships: written by scripts/ship-face-calibration.py from
/// `vigil calibrate faces ../shared/data/faces/lfw10 ../shared/data/faces/pakistan-politicians ../shared/data/faces/lfw-a-j --out docs/face-calibration.json`
/// (docs/faces.md). At each false-match rate, the highest threshold any of these
/// populations needs: lfw-a-j (7311 images, 26,451,784 impostor pairs), lfw10 (100 images, 4,500 impostor pairs), pakistan-politicians (1440 images, 922,087 impostor pairs).
enum ShippedFaceCalibration {
    static let model = "dlib-resnet-v1+facenet-casia-20180408/w0.791"

    static let pooled = PooledCalibration(points: [
        .init(rate: 1e-01, score: 0.80086, population: "pakistan-politicians", worstFnmr: 0.0869),
        .init(rate: 5e-02, score: 0.81747, population: "pakistan-politicians", worstFnmr: 0.1084),
        .init(rate: 2e-02, score: 0.83437, population: "pakistan-politicians", worstFnmr: 0.1430),
        .init(rate: 1e-02, score: 0.84478, population: "pakistan-politicians", worstFnmr: 0.1714),
        .init(rate: 5e-03, score: 0.85363, population: "pakistan-politicians", worstFnmr: 0.2012),
        .init(rate: 2e-03, score: 0.86361, population: "pakistan-politicians", worstFnmr: 0.2450),
        .init(rate: 1e-03, score: 0.87005, population: "pakistan-politicians", worstFnmr: 0.2784),
        .init(rate: 5e-04, score: 0.87566, population: "pakistan-politicians", worstFnmr: 0.3120),
        .init(rate: 2e-04, score: 0.88198, population: "pakistan-politicians", worstFnmr: 0.3543),
        .init(rate: 1e-04, score: 0.88605, population: "pakistan-politicians", worstFnmr: 0.3853),
        .init(rate: 5e-05, score: 0.88961, population: "pakistan-politicians", worstFnmr: 0.4150),
        .init(rate: 2e-05, score: 0.89361, population: "pakistan-politicians", worstFnmr: 0.4510),
        .init(rate: 1e-05, score: 0.89619, population: "pakistan-politicians", worstFnmr: 0.4760),
        .init(rate: 5e-06, score: 0.89844, population: "pakistan-politicians", worstFnmr: 0.4994),
        .init(rate: 2e-06, score: 0.90098, population: "pakistan-politicians", worstFnmr: 0.5258),
        .init(rate: 1e-06, score: 0.90262, population: "pakistan-politicians", worstFnmr: 0.5424),
        .init(rate: 5e-07, score: 0.90404, population: "pakistan-politicians", worstFnmr: 0.5581),
        .init(rate: 2e-07, score: 0.90593, population: "lfw-a-j", worstFnmr: 0.5781),
        .init(rate: 1e-07, score: 0.90786, population: "lfw-a-j", worstFnmr: 0.6002),
        .init(rate: 5e-08, score: 0.90960, population: "lfw-a-j", worstFnmr: 0.6193),
        .init(rate: 2e-08, score: 0.91163, population: "lfw-a-j", worstFnmr: 0.6420),
        .init(rate: 1e-08, score: 0.91299, population: "lfw-a-j", worstFnmr: 0.6569),
    ])
}
