import Testing
import VigilTestSupport
@testable import VigilVision

@Suite("Image header probe")
struct ImageProbeTests {
    @Test("reads format and size of a valid PNG")
    func validPNG() throws {
        let info = try ImageProbe.probe(CraftedImages.png(width: 7, height: 5))
        #expect(info == ImageInfo(format: .png, width: 7, height: 5, ppi: nil))
    }

    @Test("reads format and size of a real JPEG", .enabled(if: TestData.shouldRunDataTests))
    func realJPEG() throws {
        let info = try ImageProbe.probe(try TestData.bytes("faces/lfw10/Tony_Blair/Tony_Blair_0001.jpg"))
        #expect(info == ImageInfo(format: .jpeg, width: 250, height: 250, ppi: nil))   // JFIF density 1:1, no unit
    }

    @Test("reads a real TIFF", .enabled(if: TestData.shouldRunDataTests))
    func realTIFF() throws {
        let info = try ImageProbe.probe(try TestData.bytes("fingerprints/FVC2002/DB1_B/101_1.tif"))
        #expect(info.format == .tiff)
        #expect(info.width == 388 && info.height == 374)
        #expect(info.ppi == nil)
    }

    @Test("reads the resolution a PNG or BMP states")
    func statedResolution() throws {
        #expect(try ImageProbe.probe(CraftedImages.png(width: 4, height: 4, pixelsPerMetre: 19_685)).ppi == 500)
        #expect(try ImageProbe.probe(GreyImage(width: 2, height: 2, pixels: [0, 0, 0, 0]).bmp(ppi: 400)).ppi == 400)
        #expect(try ImageProbe.probe(GreyImage(width: 2, height: 2, pixels: [0, 0, 0, 0]).bmp(ppi: 0)).ppi == nil)
    }

    @Test("refuses empty input, non-images and unknown formats")
    func refusesNonImages() {
        #expect(throws: VisionError.emptyInput) { try ImageProbe.probe([]) }
        #expect(throws: VisionError.unsupportedFormat) { try ImageProbe.probe(CraftedImages.notAnImage) }
        #expect(throws: VisionError.unsupportedFormat) { try ImageProbe.probe(Array("GIF89a......".utf8)) }
    }

    @Test("detects truncated containers", .enabled(if: TestData.shouldRunDataTests))
    func truncated() throws {
        let jpeg = try TestData.bytes("faces/lfw10/Tony_Blair/Tony_Blair_0001.jpg")
        #expect(throws: VisionError.truncated) { try ImageProbe.probe(CraftedImages.truncated(jpeg)) }
        #expect(throws: VisionError.truncated) { try ImageProbe.probe(Array(jpeg.prefix(3))) }
        let tiff = try TestData.bytes("fingerprints/FVC2002/DB1_B/101_1.tif")
        #expect(throws: VisionError.truncated) { try ImageProbe.probe(CraftedImages.truncated(tiff, keeping: 0.9)) }
        let png = CraftedImages.png(width: 10, height: 10)
        #expect(throws: VisionError.truncated) { try ImageProbe.probe(CraftedImages.truncated(png, keeping: 0.8)) }
    }

    @Test("reads a decompression bomb's declared size without decoding it")
    func bombHeader() throws {
        let info = try ImageProbe.probe(CraftedImages.pngDeclaring(width: 50_000, height: 50_000))
        #expect(info.width == 50_000 && info.height == 50_000)
    }
}

@Suite("JPEG 2000 through OpenJPEG", .enabled(if: TestData.shouldRunDataTests))
struct JPEG2000Tests {
    /// Where SOC (FF 4F) followed by SIZ (FF 51) starts.
    static func startOfCodestream(_ bytes: [UInt8]) -> Int? {
        let signature: [UInt8] = [0xFF, 0x4F, 0xFF, 0x51]
        return (0..<(bytes.count - 3)).first { Array(bytes[$0..<($0 + 4)]) == signature }
    }

    @Test("a JP2 file and its raw codestream decode losslessly at their size; a header declaring 65535 × 65535 is refused before decoding")
    func decodeAndBomb() throws {
        let photo = try DecodedImage.decode(try TestData.bytes("faces/lfw10/Tony_Blair/Tony_Blair_0001.jpg"), channels: .colour)
        let jp2 = photo.jpeg2000()
        #expect(try ImageProbe.probe(jp2).format == .jpeg2000)
        #expect(try DecodedImage.decode(jp2, channels: .colour).pixels == photo.pixels)
        // The contiguous codestream box holds the raw codestream (SOC, then SIZ).
        let codestream = Array(jp2[try #require(Self.startOfCodestream(jp2))...])
        #expect(try DecodedImage.decode(codestream, channels: .colour).pixels == photo.pixels)
        // SIZ: Lsiz, Rsiz, then Xsiz and Ysiz (4 bytes each) 8 bytes after SOC.
        for var bomb in [jp2, codestream] {
            let at = try #require(Self.startOfCodestream(bomb))
            bomb.replaceSubrange(at + 8..<at + 16, with: [0, 0, 0xFF, 0xFF, 0, 0, 0xFF, 0xFF])
            #expect(throws: VisionError.tooManyPixels(limit: 40_000_000)) { try DecodedImage.decode(bomb) }
        }
    }
}
