/// The face template Vigil stores and searches: two independently trained
/// recognizers, fused at score level.
///
/// Each recognizer's unit embedding is scaled by the square root of its weight
/// and the two are concatenated, so the template is itself a unit vector and
/// the inner product of two templates is exactly the weighted mean of the two
/// cosine similarities. The matching core, its int8 index and its exact
/// rescoring therefore need no change to search fused scores.
///
/// Why two: dlib's ResNet (trained on a mostly Western face set) and FaceNet
/// (CASIA-WebFace) err on different pairs, and on South Asian faces each alone
/// leaves too many false matches (see docs/faces.md).
///
/// The weight puts both scores on one scale: each model's cosine is divided
/// by the spread (standard deviation) of its impostor scores, measured on the
/// Western calibration sets `lfw10` + `johns` (never on the population sets
/// reported in the docs), so neither model dominates merely because its
/// impostor cosines are spread wider. With spreads s_d and s_f the weight of
/// dlib is s_f / (s_d + s_f).
public struct FaceTemplateModel: Sendable, Equatable, Codable {
    /// Names the recognizers, their files and the weight: a template made by
    /// another model is not comparable with this one.
    public let name: String
    public let dlibWeight: Float

    public static let dlibDimension = 128
    public static let facenetDimension = 512
    public var dimension: Int { Self.dlibDimension + Self.facenetDimension }

    /// Impostor cosine spreads on lfw10 + johns (`vigil eval faces --components`):
    /// dlib ResNet 0.0364, FaceNet 0.1380, so 0.1380 / (0.0364 + 0.1380) = 0.791.
    public static let current = FaceTemplateModel(
        name: "dlib-resnet-v1+facenet-casia-20180408/w0.791", dlibWeight: 0.791)

    /// The fused unit template of one face.
    public func template(dlib: [Float], facenet: [Float]) -> [Float] {
        precondition(dlib.count == Self.dlibDimension && facenet.count == Self.facenetDimension)
        let a = dlibWeight.squareRoot(), b = (1 - dlibWeight).squareRoot()
        return dlib.map { $0 * a } + facenet.map { $0 * b }
    }
}
