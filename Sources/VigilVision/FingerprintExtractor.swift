import VigilVisionC

/// Minutiae of one fingerprint image, from Vigil's own extractor in the shim.
public struct ExtractedFingerprint: Sendable {
    public struct Minutia: Sendable, Equatable {
        public let x: Float
        public let y: Float
        /// Radians in the image frame (x right, y down).
        public let direction: Float
        public let isBifurcation: Bool
        public let reliability: Float
    }

    /// NFIQ 2-style features, each 0...1 (see `vv_fingerprint_quality`).
    public struct QualityFeatures: Sendable, Equatable, Codable {
        public let clarity: Float
        public let orientation: Float
        public let frequency: Float
        public let area: Float
        public let minutiae: Float
    }

    public let width: Int
    public let height: Int
    /// The resolution the image was read at (stated by the file, else 500).
    public let dpi: Int
    public let minutiae: [Minutia]
    /// 0...100, the features' weighted geometric mean; low values ask for a recapture.
    public let quality: Float
    public let features: QualityFeatures
}

public enum FingerprintExtractor {
    /// The most an ISO/IEC 19794-2 finger view holds (its count is one
    /// byte); a noisy print with more keeps its most reliable.
    static let capacity = 255

    /// Stateless and thread-safe (the shim keeps no state between calls).
    /// `dpi` nil reads the resolution the image states (500 when it states
    /// none, or only a screen default under 150 ppi).
    public static func extract(_ bytes: [UInt8], dpi: Int? = nil, maxPixels: UInt64 = 40_000_000) throws(VisionError) -> ExtractedFingerprint {
        var options = vv_fingerprint_options(max_pixels: maxPixels, dpi: Int32(clamping: dpi ?? 0))
        var result = vv_fingerprint_result()
        var buffer = [vv_minutia](repeating: vv_minutia(), count: capacity)
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { input in
            vv_fingerprint_extract(input.baseAddress, input.count, &options, &buffer, Int32(capacity), &result, &message, message.count)
        }
        if status == VV_ERR_RESOLUTION { throw .resolutionUnsupported(ppi: (try? ImageProbe.probe(bytes))?.ppi ?? 0) }
        guard status == VV_OK else {
            throw VisionError(status: status, message: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
                              pixelLimit: maxPixels)
        }
        let minutiae = buffer.prefix(Int(result.count)).map {
            ExtractedFingerprint.Minutia(x: $0.x, y: $0.y, direction: $0.direction, isBifurcation: $0.type == 2, reliability: $0.reliability)
        }
        let f = result.features
        return ExtractedFingerprint(width: Int(result.image_width), height: Int(result.image_height), dpi: Int(result.dpi),
                                    minutiae: minutiae, quality: result.quality,
                                    features: .init(clarity: f.clarity, orientation: f.orientation, frequency: f.frequency,
                                                    area: f.area, minutiae: f.minutiae))
    }
}
