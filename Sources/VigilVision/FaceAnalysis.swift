/// What the face pipeline found in one image: how many faces, and those it
/// was asked to describe, the subject (the largest face inside the frame) first.
public struct FaceAnalysis: Sendable {
    public let imageWidth: Int
    public let imageHeight: Int
    public let faceCount: Int
    public let faces: [DetectedFace]
    /// The subject; nil when no face was detected.
    public var face: DetectedFace? { faces.first }
}

public struct DetectedFace: Sendable {
    public struct Box: Sendable, Equatable, Codable {
        public let x: Int, y: Int, width: Int, height: Int
    }
    public struct Point: Sendable, Equatable, Codable {
        public let x: Float, y: Float
    }

    public let box: Box
    public let landmarks: [Point]
    public let measures: FaceMeasures
    /// Detector confidence, 0...1.
    public let detectionScore: Float
    /// Each recognizer component's unit embedding, in the recognizer's order.
    public let embeddings: [[Float]]
    /// The fused unit template Vigil stores and searches (see `FaceRecognizer`).
    public let template: [Float]
}

/// Raw quality measures of a detected face; see `FaceQualityPolicy` for the
/// minimums applied to them.
public struct FaceMeasures: Sendable, Equatable, Codable {
    /// Shorter side of the face box, pixels.
    public let faceSize: Int
    /// Distance between the eye centres, pixels.
    public let interEyeDistance: Float
    /// Variance of the Laplacian on the aligned 150x150 grey chip.
    public let sharpness: Float
    /// Mean grey level of the aligned chip, 0...255.
    public let brightness: Float

    public init(faceSize: Int, interEyeDistance: Float, sharpness: Float, brightness: Float) {
        self.faceSize = faceSize
        self.interEyeDistance = interEyeDistance
        self.sharpness = sharpness
        self.brightness = brightness
    }
}
