import Foundation
import VigilVisionC

/// Owns one `vv_face_engine` (loaded models plus dlib's scratch state).
/// Not thread-safe, like the engine it wraps: `FaceAnalyzer` gives each one
/// its own thread and never shares it between two calls at once.
final class FaceEngine {
    private let handle: OpaquePointer
    private let recognizer: FaceRecognizer
    private let embeddingLength: Int

    init(modelsDirectory: String, recognizer: FaceRecognizer) throws(VisionError) {
        // The C strings live until vv_face_engine_create returns; it keeps none.
        let paths = recognizer.components.map { strdup(FaceRecognizer.path(of: $0, modelsDirectory: modelsDirectory)) }
        defer { paths.forEach { free($0) } }
        let specs = zip(recognizer.components, paths).map { component, path in
            Self.spec(component, path: UnsafePointer(path))
        }
        var engine: OpaquePointer?
        var message = [CChar](repeating: 0, count: 512)
        let status = specs.withUnsafeBufferPointer { specs in
            modelsDirectory.withCString { directory in
                var config = vv_face_engine_config(models_dir: directory, recognizers: specs.baseAddress,
                                                   recognizer_count: Int32(specs.count))
                return vv_face_engine_create(&config, &engine, &message, message.count)
            }
        }
        guard status == VV_OK, let engine else {
            throw VisionError(status: status, message: Self.text(message), pixelLimit: 0)
        }
        handle = engine
        self.recognizer = recognizer
        embeddingLength = Int(vv_face_engine_embedding_length(engine))
    }

    deinit { vv_face_engine_free(handle) }

    private static func spec(_ component: FaceRecognizer.Component, path: UnsafePointer<CChar>?) -> vv_recognizer_spec {
        let input = component.input
        let mean = input?.mean.map(Float.init) ?? [0, 0, 0], scale = input?.scale.map(Float.init) ?? [1, 1, 1]
        return vv_recognizer_spec(
            kind: Int32(component.kind == .dlibResNet ? VV_RECOGNIZER_DLIB_RESNET.rawValue : VV_RECOGNIZER_DNN.rawValue),
            model_path: path, dimension: Int32(component.dimension),
            input_size: Int32(input?.size ?? 0), padding: Float(input?.padding ?? 0),
            mean: (mean[0], mean[1], mean[2]), scale: (scale[0], scale[1], scale[2]),
            bgr: input?.channels == .bgr ? 1 : 0)
    }

    func analyze(_ bytes: [UInt8], limits: FaceAnalyzer.Limits, maxFaces: Int) -> Result<FaceAnalysis, VisionError> {
        let wanted = min(max(maxFaces, 1), Int(VV_MAX_FACES))
        var options = vv_face_options(max_pixels: limits.maxPixels, detection_max_side: limits.detectionMaxSide,
                                      max_faces: Int32(wanted), min_face_side: limits.minimumFaceSide)
        var out = vv_face_analysis()
        var embeddings = [Float](repeating: 0, count: wanted * embeddingLength)
        var message = [CChar](repeating: 0, count: 512)
        let status = bytes.withUnsafeBufferPointer { bytes in
            embeddings.withUnsafeMutableBufferPointer { embeddings in
                vv_face_analyze(handle, bytes.baseAddress, bytes.count, &options, &out,
                                embeddings.baseAddress, embeddings.count, &message, message.count)
            }
        }
        guard status == VV_OK else {
            return .failure(VisionError(status: status, message: Self.text(message), pixelLimit: limits.maxPixels))
        }
        return .success(convert(out, embeddings: embeddings))
    }

    /// The NUL-terminated text the shim wrote into `buffer`.
    private static func text(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private func convert(_ out: vv_face_analysis, embeddings: [Float]) -> FaceAnalysis {
        let faces = withUnsafeBytes(of: out.faces) { raw in
            Array(raw.bindMemory(to: vv_face.self).prefix(Int(out.described_count)))
        }
        return FaceAnalysis(imageWidth: Int(out.image_width), imageHeight: Int(out.image_height),
                            faceCount: Int(out.face_count),
                            faces: faces.enumerated().map { number, face in
                                convert(face, embeddings: embeddings[(number * embeddingLength)...].prefix(embeddingLength))
                            })
    }

    private func convert(_ face: vv_face, embeddings: ArraySlice<Float>) -> DetectedFace {
        let landmarks = withUnsafeBytes(of: face.landmarks) { raw in
            raw.bindMemory(to: vv_point.self).map { DetectedFace.Point(x: $0.x, y: $0.y) }
        }
        var components: [[Float]] = []
        var start = embeddings.startIndex
        for component in recognizer.components {
            components.append(Array(embeddings[start..<(start + component.dimension)]))
            start += component.dimension
        }
        let box = DetectedFace.Box(x: Int(face.box_x), y: Int(face.box_y), width: Int(face.box_width), height: Int(face.box_height))
        let measures = FaceMeasures(faceSize: min(box.width, box.height), interEyeDistance: face.inter_eye_distance,
                                    sharpness: face.sharpness, brightness: face.brightness)
        return DetectedFace(box: box, landmarks: landmarks, measures: measures, detectionScore: face.detection_score,
                            embeddings: components, template: recognizer.template(components))
    }
}
