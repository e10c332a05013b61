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

    public let width: Int
    public let height: Int
    public let minutiae: [Minutia]
    /// 0...100; low values ask for a recapture.
    public let quality: Float
}

public enum FingerprintExtractor {
    /// More than any real print holds; extra minutiae would be noise.
    static let capacity = 256

    /// Stateless and thread-safe (the shim keeps no state between calls).
    public static func extract(_ bytes: [UInt8], dpi: Int = 500, maxPixels: UInt64 = 40_000_000) throws(VisionError) -> ExtractedFingerprint {
        var options = vv_fingerprint_options(max_pixels: maxPixels, dpi: Int32(clamping: dpi))
        var result = vv_fingerprint_result()
        var buffer = [vv_minutia](repeating: vv_minutia(), count: capacity)
        var message = [CChar](repeating: 0, count: 256)
        let status = bytes.withUnsafeBufferPointer { input in
            vv_fingerprint_extract(input.baseAddress, input.count, &options, &buffer, Int32(capacity), &result, &message, message.count)
        }
        guard status == VV_OK else {
            throw VisionError(status: status, message: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self),
                              pixelLimit: maxPixels)
        }
        let minutiae = buffer.prefix(Int(result.count)).map {
            ExtractedFingerprint.Minutia(x: $0.x, y: $0.y, direction: $0.direction, isBifurcation: $0.type == 2, reliability: $0.reliability)
        }
        return ExtractedFingerprint(width: Int(result.image_width), height: Int(result.image_height), minutiae: minutiae,
                                    quality: result.quality)
    }
}
