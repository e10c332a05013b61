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

    func analyze(_ bytes: [UInt8], maxPixels: UInt64, detectionMaxSide: Int32) -> Result<FaceAnalysis, VisionError> {
        var options = vv_face_options(max_pixels: maxPixels, detection_max_side: detectionMaxSide)
        var out = vv_face_analysis()
        var message = [CChar](repeating: 0, count: 512)
        let status = bytes.withUnsafeBufferPointer {
            vv_face_analyze(handle, $0.baseAddress, $0.count, &options, &out, &message, message.count)
        }
        guard status == VV_OK else {
            return .failure(VisionError(status: status, message: Self.text(message), pixelLimit: maxPixels))
        }
        return .success(Self.convert(out))
    }

    /// The NUL-terminated text the shim wrote into `buffer`.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func convert(_ out: vv_face_analysis) -> FaceAnalysis {
        guard out.face_count > 0 else {
            return FaceAnalysis(imageWidth: Int(out.image_width), imageHeight: Int(out.image_height), faceCount: 0, face: nil)
        }
        let landmarks = withUnsafeBytes(of: out.landmarks) { raw in
            raw.bindMemory(to: vv_point.self).map { DetectedFace.Point(x: $0.x, y: $0.y) }
        }
        let descriptor = withUnsafeBytes(of: out.descriptor) { Array($0.bindMemory(to: Float.self)) }
        let box = DetectedFace.Box(x: Int(out.box_x), y: Int(out.box_y), width: Int(out.box_width), height: Int(out.box_height))
        let measures = FaceMeasures(faceSize: min(box.width, box.height), interEyeDistance: out.inter_eye_distance,
                                    sharpness: out.sharpness, brightness: out.brightness)
        let face = DetectedFace(box: box, landmarks: landmarks, measures: measures, descriptor: descriptor)
        return FaceAnalysis(imageWidth: Int(out.image_width), imageHeight: Int(out.image_height),
                            faceCount: Int(out.face_count), face: face)
    }
}
