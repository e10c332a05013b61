/// Hostile and broken images built from bytes, for bad-input tests.
public enum CraftedImages {
    /// A PNG whose header declares `width` x `height` pixels (a decompression
    /// bomb's header) with a valid IHDR and IEND but a tiny IDAT.
    public static func pngDeclaring(width: UInt32, height: UInt32) -> [UInt8] {
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        var ihdr: [UInt8] = []
        ihdr += bigEndian(width) + bigEndian(height) + [8, 2, 0, 0, 0]
        bytes += chunk("IHDR", ihdr)
        bytes += chunk("IDAT", [0x78, 0x9C, 0x63, 0x00, 0x00, 0x00, 0x01, 0x00, 0x01])
        bytes += chunk("IEND", [])
        return bytes
    }

    /// A valid grey RGB PNG of the given size (stored, uncompressed zlib),
    /// stating a resolution in a pHYs chunk when `pixelsPerMetre` is given.
    public static func png(width: Int, height: Int, grey: UInt8 = 128, pixelsPerMetre: UInt32? = nil) -> [UInt8] {
        var raw: [UInt8] = []
        for _ in 0..<height { raw += [0] + [UInt8](repeating: grey, count: width * 3) }
        precondition(raw.count < 65_536, "one stored deflate block")
        let length = UInt16(raw.count)
        var zlib: [UInt8] = [0x78, 0x01, 0x01, UInt8(length & 0xFF), UInt8(length >> 8), UInt8(~length & 0xFF), UInt8(~length >> 8)]
        zlib += raw
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        zlib += bigEndian(b << 16 | a)
        var bytes: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        bytes += chunk("IHDR", bigEndian(UInt32(width)) + bigEndian(UInt32(height)) + [8, 2, 0, 0, 0])
        if let density = pixelsPerMetre { bytes += chunk("pHYs", bigEndian(density) + bigEndian(density) + [1]) }
        bytes += chunk("IDAT", zlib)
        bytes += chunk("IEND", [])
        return bytes
    }

    /// A PNG whose image data no longer matches its checksum.
    public static func corruptedPNG() -> [UInt8] {
        var bytes = png(width: 16, height: 16)
        bytes[60] ^= 0xFF   // inside the IDAT payload
        return bytes
    }

    /// A JPEG whose frame header claims an impossible sample precision.
    public static func corruptedJPEG(_ original: [UInt8]) -> [UInt8] {
        var bytes = original
        for i in 0..<(bytes.count - 4) where bytes[i] == 0xFF && bytes[i + 1] == 0xC0 {
            bytes[i + 4] = 0   // precision byte of SOF0
            return bytes
        }
        return bytes
    }

    /// The first `fraction` of `original`.
    public static func truncated(_ original: [UInt8], keeping fraction: Double = 0.6) -> [UInt8] {
        Array(original.prefix(Int(Double(original.count) * fraction)))
    }

    public static let notAnImage: [UInt8] = Array("%PDF-1.4 this is not an image at all\n".utf8)

    static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let typed = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + typed + bigEndian(crc32(typed))
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
