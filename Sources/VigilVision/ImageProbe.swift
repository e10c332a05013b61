import VigilVisionC

/// Container-level facts about an encoded image, read without decoding it.
public struct ImageInfo: Sendable, Equatable {
    public enum Format: String, Sendable { case jpeg, png, bmp, tiff, webp, wsq, jpeg2000 }
    public let format: Format
    public let width: Int
    public let height: Int
    /// The resolution the file states, pixels per inch; nil when it states none.
    public let ppi: Int?
}

public enum ImageProbe {
    /// Format and declared size of `bytes`; throws for anything the decoder
    /// would not be allowed to see (unknown format, truncated container).
    public static func probe(_ bytes: [UInt8]) throws(VisionError) -> ImageInfo {
        var info = vv_image_info()
        let status = bytes.withUnsafeBufferPointer { vv_image_probe($0.baseAddress, $0.count, &info) }
        guard status == VV_OK else { throw VisionError(status: status, message: "", pixelLimit: 0) }
        let formats: [Int32: ImageInfo.Format] = [1: .jpeg, 2: .png, 3: .bmp, 4: .tiff, 5: .webp, 6: .wsq, 7: .jpeg2000]
        guard let format = formats[info.format] else { throw .unsupportedFormat }
        return ImageInfo(format: format, width: Int(info.width), height: Int(info.height), ppi: info.ppi > 0 ? Int(info.ppi) : nil)
    }
}
