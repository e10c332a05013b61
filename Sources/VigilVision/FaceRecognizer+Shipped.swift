extension FaceRecognizer {
    /// The default: dlib's ResNet fused with FaceNet, the best combination
    /// the public registries allow under licences a government can deploy
    /// (docs/faces.md). Both files are fetched by Models/fetch-models.sh and
    /// their digests match Models/SHA256SUMS (a test checks).
    ///
    /// Why two: dlib's ResNet (trained on a mostly Western face set) and
    /// FaceNet (CASIA-WebFace) err on different pairs, and on South Asian
    /// faces each alone leaves too many false matches.
    ///
    /// The weights put both scores on one scale: each model's cosine is
    /// divided by the spread (standard deviation) of its impostor scores,
    /// measured on the Western calibration sets `lfw10` + `johns` (never on
    /// the population sets reported in the docs), so neither dominates merely
    /// because its impostor cosines spread wider: dlib 0.0364, FaceNet 0.1380
    /// (`vigil eval faces --components`), so dlib weighs 0.1380 / (0.0364 +
    /// 0.1380) = 0.791.
    public static let shipped = FaceRecognizer(name: "dlib-resnet-v1+facenet-casia-20180408", components: [
        Component(name: "dlib-resnet-v1", kind: .dlibResNet, file: "dlib_face_recognition_resnet_model_v1.dat",
                  sha256: "55533b28a95800a551ba546ba62fe69625c7e95a7061c338adffead08719da30", dimension: 128, weight: 0.791),
        // davidsandberg's FaceNet 20180408-102900 was trained on 160x160 crops of MTCNN
        // boxes with a margin, at its own scale, standardised as (x - 127.5) / 128; it is
        // aligned here by dlib's landmarks instead. Padding measured on the Western
        // calibration sets lfw10 + johns only (FaceNet alone, EER): 0.1 -> 11.3%,
        // 0.25 -> 3.7%, 0.4 -> 2.6%, 0.5 -> 2.5%, 0.65 -> 3.2%; 0.4 had the best TAR at
        // FAR 0.1% (94.9%).
        Component(name: "facenet-casia-20180408", kind: .dnn, file: "facenet_inception_resnet_v1_casia.pb",
                  sha256: "704afe26766ce6215931b0bde68650835be9518613d40ce101e641708c7d5c78", dimension: 512, weight: 0.209,
                  input: Input(size: 160, padding: 0.4, channels: .rgb, mean: [127.5, 127.5, 127.5],
                               scale: [1 / 128.0, 1 / 128.0, 1 / 128.0])),
    ])
}
