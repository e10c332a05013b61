/// What the face pipeline found in one image: how many faces, and those it
/// was asked to describe, the subject (the largest face inside the frame) first.
public struct FaceAnalysis: Sendable {
    public let imageWidth: Int
    public let imageHeight: Int
    public let faceCount: Int
    public let faces: [DetectedFace]
    /// The subject; nil when no face was detected.
    public var face: DetectedFace? { faces.first }

    /// The same analysis with the face `box` points at as its subject: of the
    /// described faces whose box centre lies inside `box`, the one overlapping
    /// it most (an administrator's rough box around a face, not an exact
    /// detector box). Nil when no described face lies in it.
    public func choosingSubject(inside box: DetectedFace.Box) -> FaceAnalysis? {
        guard let chosen = index(ofFaceInside: box) else { return nil }
        var reordered = faces
        reordered.insert(reordered.remove(at: chosen), at: 0)
        return FaceAnalysis(imageWidth: imageWidth, imageHeight: imageHeight, faceCount: faceCount, faces: reordered)
    }

    /// The described face `box` points at (see `choosingSubject(inside:)`);
    /// also how a second recognizer's analysis of the same image is paired
    /// face by face with the first's.
    public func face(inside box: DetectedFace.Box) -> DetectedFace? {
        index(ofFaceInside: box).map { faces[$0] }
    }

    private func index(ofFaceInside box: DetectedFace.Box) -> Int? {
        let inside = faces.indices.filter { box.contains(x: faces[$0].box.centreX, y: faces[$0].box.centreY) }
        return inside.max { faces[$0].box.overlap(with: box) < faces[$1].box.overlap(with: box) }
    }
}

public struct DetectedFace: Sendable {
    public struct Box: Sendable, Equatable, Codable {
        public let x: Int, y: Int, width: Int, height: Int

        public init(x: Int, y: Int, width: Int, height: Int) {
            self.x = x
            self.y = y
            self.width = width
            self.height = height
        }

        var centreX: Int { x + width / 2 }
        var centreY: Int { y + height / 2 }

        func contains(x px: Int, y py: Int) -> Bool { (x..<(x + width)).contains(px) && (y..<(y + height)).contains(py) }

        /// Area shared with `other`, in pixels.
        func overlap(with other: Box) -> Int {
            let w = min(x + width, other.x + other.width) - max(x, other.x)
            let h = min(y + height, other.y + other.height) - max(y, other.y)
            return max(0, w) * max(0, h)
        }
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
