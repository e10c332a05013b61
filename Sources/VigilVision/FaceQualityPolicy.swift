/// Minimums a face capture must meet before it is enrolled or searched.
///
/// Values come from the labelled photos in the test data (155 photos that all
/// match correctly): the smallest inter-eye distance seen there is 27.5 px,
/// sharpness 10.6, brightness 53. The minimums sit below those with margin,
/// and at points where the aligned chip would be upsampled more than 2.5x
/// (inter-eye distance under 20 px) or is close to flat (sharpness 5).
public struct FaceQualityPolicy: Sendable, Equatable {
    public var minimumInterEyeDistance: Float = 20
    public var minimumSharpness: Float = 5
    public var brightnessRange: ClosedRange<Float> = 30...230

    public init() {}

    public enum Shortfall: String, Sendable, Codable, CaseIterable {
        case eyesTooClose = "inter_eye_distance_below_minimum"
        case tooBlurred = "sharpness_below_minimum"
        case tooDark = "too_dark"
        case tooBright = "too_bright"
    }

    /// Every shortfall of `measures`, empty when the capture is acceptable.
    public func shortfalls(of measures: FaceMeasures) -> [Shortfall] {
        var found: [Shortfall] = []
        if measures.interEyeDistance < minimumInterEyeDistance { found.append(.eyesTooClose) }
        if measures.sharpness < minimumSharpness { found.append(.tooBlurred) }
        if measures.brightness < brightnessRange.lowerBound { found.append(.tooDark) }
        if measures.brightness > brightnessRange.upperBound { found.append(.tooBright) }
        return found
    }
}
