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
