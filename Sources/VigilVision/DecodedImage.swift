import VigilVisionC

/// An image decoded to 8-bit pixels, row by row: how images leave a
/// transaction (WSQ and JPEG 2000 included) and are written out again as PNG.
public struct DecodedImage: Sendable, Equatable {
    public enum Channels: Int32, Sendable {
        case grey = 1
        /// Blue, green, red.
        case colour = 3
    }

    public let width: Int
    public let height: Int
    public let channels: Channels
    /// The resolution the encoded image stated, pixels per inch.
    public let ppi: Int?
    public let pixels: [UInt8]

    public init(width: Int, height: Int, channels: Channels = .grey, ppi: Int?, pixels: [UInt8]) {
        precondition(width > 0 && height > 0 && pixels.count == width * height * Int(channels.rawValue),
                     "pixels must be width × height × channels")
        self.width = width
        self.height = height
        self.channels = channels
        self.ppi = ppi
        self.pixels = pixels
    }

    /// Decodes any accepted format; the pixel limit is checked on the header, before decoding.
    public static func decode(_ bytes: [UInt8], channels: Channels = .grey, pixelLimit: UInt64 = 40_000_000) throws(VisionError) -> DecodedImage {
        let info = try ImageProbe.probe(bytes)
        guard UInt64(info.width) * UInt64(info.height) <= pixelLimit else { throw .tooManyPixels(limit: pixelLimit) }
        var decoded = vv_image_info()
        var pixels = [UInt8](repeating: 0, count: info.width * info.height * Int(channels.rawValue))
        let status = bytes.withUnsafeBufferPointer { source in
            pixels.withUnsafeMutableBufferPointer {
                vv_image_decode_pixels(source.baseAddress, source.count, pixelLimit, channels.rawValue, $0.baseAddress, $0.count, &decoded)
            }
        }
        guard status == VV_OK else { throw VisionError(status: status, message: "", pixelLimit: pixelLimit) }
        return DecodedImage(width: Int(decoded.width), height: Int(decoded.height), channels: channels, ppi: info.ppi, pixels: pixels)
    }

    /// A PNG of these pixels stating `ppi` (default: the resolution they came with).
    public func png(ppi stated: Int? = nil) -> [UInt8] {
        encoded(format: VV_FORMAT_PNG, ppi: stated ?? ppi ?? 0)
    }

    /// A lossless JPEG 2000 (JP2) file of these pixels.
    public func jpeg2000() -> [UInt8] {
        encoded(format: VV_FORMAT_JPEG2000, ppi: 0)
    }

    private func encoded(format: vv_image_format, ppi: Int) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: vv_encode_capacity(Int32(width), Int32(height), channels.rawValue))
        var written = 0
        let status = pixels.withUnsafeBufferPointer { source in
            out.withUnsafeMutableBufferPointer {
                vv_image_encode(source.baseAddress, Int32(width), Int32(height), channels.rawValue, Int32(format.rawValue),
                                Int32(ppi), $0.baseAddress, $0.count, &written)
            }
        }
        // The capacity always suffices and the pixels are well formed: a failure is a bug here.
        precondition(status == VV_OK, "image encoding failed: \(String(cString: vv_status_name(status)))")
        return Array(out.prefix(written))
    }
}
