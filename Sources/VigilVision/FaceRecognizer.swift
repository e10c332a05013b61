/// The face recognizer a deployment runs: one or more networks, each turning
/// an aligned face into a unit embedding, fused at score level into the one
/// template Vigil stores and searches.
///
/// Each component's unit embedding is scaled by the square root of its
/// (normalised) weight and the embeddings are concatenated, so the template
/// is itself a unit vector and the inner product of two templates is exactly
/// the weighted mean of the components' cosine similarities. The matching
/// core, its int8 index and its exact rescoring search fused scores unchanged.
///
/// Governments license better face models than any public registry carries,
/// so the recognizer is configuration, not code: `FaceRecognizer.shipped` is
/// the default, and a deployment can name its own networks in a JSON file
/// (docs/faces.md, "Bringing your own recognizer").
public struct FaceRecognizer: Sendable, Equatable, Codable {
    public struct Component: Sendable, Equatable, Codable {
        public enum Kind: String, Sendable, Codable {
            /// dlib's ResNet metric network (`.dat`): 128 values from its own 150x150 chip.
            case dlibResNet = "dlib-resnet"
            /// Any network OpenCV's dnn module reads (ONNX, TensorFlow `.pb`, Caffe), by file extension.
            case dnn = "opencv-dnn"
        }

        /// Names the network and its training, e.g. "facenet-casia-20180408".
        public var name: String
        public var kind: Kind
        /// The model file: relative to the models folder unless absolute.
        public var file: String
        /// SHA-256 of the file (hex); the service refuses to start on any other file.
        public var sha256: String
        /// Length of the embedding the network outputs.
        public var dimension: Int
        /// Relative weight of this component's cosine in the fused score.
        public var weight: Double
        /// How the aligned face is fed to a `dnn` network (ignored for dlib).
        public var input: Input?

        public init(name: String, kind: Kind, file: String, sha256: String, dimension: Int, weight: Double, input: Input? = nil) {
            self.name = name
            self.kind = kind
            self.file = file
            self.sha256 = sha256
            self.dimension = dimension
            self.weight = weight
            self.input = input
        }
    }

    /// The face as a `dnn` network wants it: aligned by the 5-point landmarks
    /// onto dlib's canonical face, `size` x `size` pixels with `padding` border
    /// (a fraction of the face's side, dlib's `get_face_chip_details`), each
    /// value `(v - mean[c]) * scale[c]` in the channel order given, NCHW.
    public struct Input: Sendable, Equatable, Codable {
        public enum Channels: String, Sendable, Codable { case rgb, bgr }
        public var size: Int
        public var padding: Double
        public var channels: Channels
        public var mean: [Double]
        public var scale: [Double]

        public init(size: Int, padding: Double, channels: Channels, mean: [Double], scale: [Double]) {
            self.size = size
            self.padding = padding
            self.channels = channels
            self.mean = mean
            self.scale = scale
        }
    }

    /// Names the recognizer as a whole; templates record it with a digest of the components.
    public var name: String
    public var components: [Component]
    /// A calibration written by `vigil calibrate faces` for this recognizer
    /// (path relative to the recognizer file); the service needs one to turn
    /// a category's target FPIR into a threshold.
    public var calibration: String?

    public init(name: String, components: [Component], calibration: String? = nil) {
        self.name = name
        self.components = components
        self.calibration = calibration
    }

    /// Where a component's file is: its own path when absolute, else inside the models folder.
    public static func path(of component: Component, modelsDirectory: String) -> String {
        component.file.hasPrefix("/") ? component.file : modelsDirectory + "/" + component.file
    }

    /// Length of the fused template.
    public var dimension: Int { components.reduce(0) { $0 + $1.dimension } }

    /// Each component's weight divided by the sum of all, so the template is a unit vector.
    public var normalizedWeights: [Float] {
        let total = components.reduce(0) { $0 + $1.weight }
        return components.map { Float($0.weight / total) }
    }

    /// The fused unit template from each component's unit embedding, in component order.
    public func template(_ embeddings: [[Float]]) -> [Float] {
        precondition(embeddings.count == components.count)
        var out: [Float] = []
        out.reserveCapacity(dimension)
        for (embedding, weight) in zip(embeddings, normalizedWeights) {
            let factor = weight.squareRoot()
            out += embedding.map { $0 * factor }
        }
        return out
    }

    /// Why this configuration cannot run, or nil: checked before any file is opened.
    public var problem: String? {
        guard !name.isEmpty, name.count <= 200 else { return "the recognizer needs a name of at most 200 characters" }
        guard (1...Self.maxComponents).contains(components.count) else { return "a recognizer has 1 to \(Self.maxComponents) components" }
        for c in components {
            guard !c.name.isEmpty else { return "every component needs a name" }
            guard c.sha256.count == 64, c.sha256.allSatisfy(\.isHexDigit) else { return "\(c.name): sha256 must be 64 hex digits" }
            guard c.weight > 0, c.weight.isFinite else { return "\(c.name): weight must be above 0" }
            switch c.kind {
            case .dlibResNet:
                guard c.dimension == 128 else { return "\(c.name): dlib's ResNet gives 128 values" }
            case .dnn:
                guard (1...Self.maxComponentDimension).contains(c.dimension) else {
                    return "\(c.name): dimension must be 1 to \(Self.maxComponentDimension)"
                }
                guard let input = c.input else { return "\(c.name): a dnn component needs an input description" }
                guard (32...1024).contains(input.size) else { return "\(c.name): input size must be 32 to 1024" }
                guard (0...2).contains(input.padding) else { return "\(c.name): padding must be 0 to 2" }
                guard input.mean.count == 3, input.scale.count == 3, (input.mean + input.scale).allSatisfy(\.isFinite) else {
                    return "\(c.name): mean and scale take three finite values, one per channel"
                }
            }
        }
        guard dimension % 16 == 0 else { return "the components' dimensions must add up to a multiple of 16 (the matching core's lanes)" }
        return nil
    }

    public static let maxComponents = 4
    public static let maxComponentDimension = 4096
}
