import VigilVisionC

/// Owns one `vv_face_engine` (loaded models plus dlib's scratch state).
/// Not thread-safe, like the engine it wraps: `FaceAnalyzer` gives each one
/// its own thread and never shares it between two calls at once.
final class FaceEngine {
    private let handle: OpaquePointer

    init(modelsDirectory: String) throws(VisionError) {
        var engine: OpaquePointer?
        var message = [CChar](repeating: 0, count: 512)
        let status = vv_face_engine_create(modelsDirectory, &engine, &message, message.count)
        guard status == VV_OK, let engine else {
            throw VisionError(status: status, message: Self.text(message), pixelLimit: 0)
        }
        handle = engine
    }

    deinit { vv_face_engine_free(handle) }

    func analyze(_ bytes: [UInt8], limits: FaceAnalyzer.Limits, maxFaces: Int) -> Result<FaceAnalysis, VisionError> {
        var options = vv_face_options(max_pixels: limits.maxPixels, detection_max_side: limits.detectionMaxSide,
                                      max_faces: Int32(clamping: maxFaces), min_face_side: limits.minimumFaceSide)
        var out = vv_face_analysis()
        var message = [CChar](repeating: 0, count: 512)
        let status = bytes.withUnsafeBufferPointer {
            vv_face_analyze(handle, $0.baseAddress, $0.count, &options, &out, &message, message.count)
        }
        guard status == VV_OK else {
            return .failure(VisionError(status: status, message: Self.text(message), pixelLimit: limits.maxPixels))
        }
        return .success(Self.convert(out))
    }

    /// The NUL-terminated text the shim wrote into `buffer`.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func convert(_ out: vv_face_analysis) -> FaceAnalysis {
        let faces = withUnsafeBytes(of: out.faces) { raw in
            Array(raw.bindMemory(to: vv_face.self).prefix(Int(out.described_count)).map(convert))
        }
        return FaceAnalysis(imageWidth: Int(out.image_width), imageHeight: Int(out.image_height),
                            faceCount: Int(out.face_count), faces: faces)
    }

    private static func convert(_ face: vv_face) -> DetectedFace {
        let landmarks = withUnsafeBytes(of: face.landmarks) { raw in
            raw.bindMemory(to: vv_point.self).map { DetectedFace.Point(x: $0.x, y: $0.y) }
        }
        let descriptor = withUnsafeBytes(of: face.descriptor) { Array($0.bindMemory(to: Float.self)) }
        let facenet = withUnsafeBytes(of: face.facenet) { Array($0.bindMemory(to: Float.self)) }
        let box = DetectedFace.Box(x: Int(face.box_x), y: Int(face.box_y), width: Int(face.box_width), height: Int(face.box_height))
        let measures = FaceMeasures(faceSize: min(box.width, box.height), interEyeDistance: face.inter_eye_distance,
                                    sharpness: face.sharpness, brightness: face.brightness)
        return DetectedFace(box: box, landmarks: landmarks, measures: measures, detectionScore: face.detection_score,
                            descriptor: descriptor, facenetDescriptor: facenet)
    }
}
