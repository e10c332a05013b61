import Testing
import VigilTestSupport
import VigilVision

@Suite("Fingerprint minutiae extractor", .enabled(if: TestData.shouldRunDataTests))
struct FingerprintExtractorTests {
    @Test("a 500 dpi print yields a plausible set of minutiae inside the image")
    func realPrint() throws {
        let print = try FingerprintExtractor.extract(try TestData.bytes("fingerprints/FVC2002/DB1_B/101_1.tif"))
        #expect(print.width == 388 && print.height == 374)
        #expect((15...120).contains(print.minutiae.count), "\(print.minutiae.count) minutiae")
        #expect(print.quality > 30)
        for m in print.minutiae {
            #expect((0..<Float(print.width)).contains(m.x) && (0..<Float(print.height)).contains(m.y))
            #expect(abs(m.direction) <= .pi + 1e-4)
            #expect((0...1).contains(m.reliability))
        }
        #expect(print.minutiae.contains { $0.isBifurcation } && print.minutiae.contains { !$0.isBifurcation })
    }

    @Test("the same image gives the same minutiae")
    func deterministic() throws {
        let bytes = try TestData.bytes("fingerprints/FVC2000/DB2_B/103_2.tif")
        #expect(try FingerprintExtractor.extract(bytes).minutiae == FingerprintExtractor.extract(bytes).minutiae)
    }

    @Test("a blank image has no minutiae; bad input and resolutions are refused")
    func refusals() throws {
        let blank = try FingerprintExtractor.extract(CraftedImages.png(width: 64, height: 64))
        #expect(blank.minutiae.isEmpty)
        #expect(blank.quality < 10)
        let tiff = try TestData.bytes("fingerprints/FVC2002/DB1_B/101_1.tif")
        #expect(throws: VisionError.truncated) { try FingerprintExtractor.extract(CraftedImages.truncated(tiff)) }
        #expect(throws: VisionError.unsupportedFormat) { try FingerprintExtractor.extract(CraftedImages.notAnImage) }
        #expect(throws: VisionError.self) { try FingerprintExtractor.extract(tiff, dpi: 1200) }
    }
}
