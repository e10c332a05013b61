import Foundation

/// An 8-bit grey image for tests that need a print at another resolution:
/// read from the FVC TIFFs (uncompressed, one strip), resampled
/// bilinearly, written as a 24-bit BMP that states its resolution.
public struct GreyImage: Sendable {
    public let width: Int
    public let height: Int
    public let pixels: [UInt8]

    /// An uncompressed 8-bit little-endian TIFF with its pixels in strips.
    public init(tiff bytes: [UInt8]) throws {
        func u16(_ o: Int) -> Int { Int(bytes[o]) | Int(bytes[o + 1]) << 8 }
        func u32(_ o: Int) -> Int { u16(o) | u16(o + 2) << 16 }
        guard bytes.starts(with: [0x49, 0x49, 42, 0]) else { throw CocoaError(.fileReadCorruptFile) }
        let ifd = u32(4)
        var tags: [Int: Int] = [:]
        for e in 0..<u16(ifd) {
            let entry = ifd + 2 + 12 * e
            tags[u16(entry)] = u16(entry + 2) == 3 ? u16(entry + 8) : u32(entry + 8)
        }
        guard let w = tags[256], let h = tags[257], tags[259] == 1, let offset = tags[273], offset + w * h <= bytes.count else {
            throw CocoaError(.fileReadCorruptFile)
        }
        width = w
        height = h
        pixels = Array(bytes[offset..<offset + w * h])
    }

    public init(width: Int, height: Int, pixels: [UInt8]) {
        self.width = width
        self.height = height
        self.pixels = pixels
    }

    /// The image scaled by `factor` (bilinear, pixel centres aligned).
    public func resampled(by factor: Double) -> GreyImage {
        let w = Int((Double(width) * factor).rounded()), h = Int((Double(height) * factor).rounded())
        var out = [UInt8](repeating: 0, count: w * h)
        for y in 0..<h {
            let sy = min(Double(height - 1), max(0, (Double(y) + 0.5) / factor - 0.5))
            let y0 = Int(sy), y1 = min(height - 1, y0 + 1), fy = sy - Double(y0)
            for x in 0..<w {
                let sx = min(Double(width - 1), max(0, (Double(x) + 0.5) / factor - 0.5))
                let x0 = Int(sx), x1 = min(width - 1, x0 + 1), fx = sx - Double(x0)
                func p(_ x: Int, _ y: Int) -> Double { Double(pixels[y * width + x]) }
                let top = p(x0, y0) * (1 - fx) + p(x1, y0) * fx, bottom = p(x0, y1) * (1 - fx) + p(x1, y1) * fx
                out[y * w + x] = UInt8((top * (1 - fy) + bottom * fy).rounded())
            }
        }
        return GreyImage(width: w, height: h, pixels: out)
    }

    /// A 24-bit BMP (BITMAPINFOHEADER) stating `ppi` pixels per inch (0: none).
    public func bmp(ppi: Int) -> [UInt8] {
        let row = (width * 3 + 3) / 4 * 4
        var out: [UInt8] = Array("BM".utf8)
        func le32(_ v: Int) { out += (0..<4).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        func le16(_ v: Int) { out += (0..<2).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }
        let perMetre = Int((Double(ppi) / 0.0254).rounded())
        le32(54 + row * height); le32(0); le32(54)
        le32(40); le32(width); le32(height); le16(1); le16(24); le32(0); le32(row * height); le32(perMetre); le32(perMetre); le32(0); le32(0)
        for y in (0..<height).reversed() {   // bottom-up
            for x in 0..<width { out += [UInt8](repeating: pixels[y * width + x], count: 3) }
            out += [UInt8](repeating: 0, count: row - width * 3)
        }
        return out
    }
}
