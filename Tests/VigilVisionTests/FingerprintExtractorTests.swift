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
        #expect(print.dpi == 500)   // the TIFF states no resolution
        let f = print.features
        for feature in [f.clarity, f.orientation, f.frequency, f.area, f.minutiae] { #expect((0...1).contains(feature)) }
        #expect(f.clarity > 0.3 && f.orientation > 0.3 && f.frequency > 0.3)
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

    @Test("quality ranks a print above the same print buried in noise")
    func qualityRanks() throws {
        let clean = try GreyImage(tiff: try TestData.bytes("fingerprints/FVC2002/DB1_B/101_1.tif"))
        var state: UInt64 = 42   // a fixed linear congruential sequence: the same noise every run
        let noisy = GreyImage(width: clean.width, height: clean.height, pixels: clean.pixels.map {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(clamping: Int($0) + Int(state >> 56) * 180 / 255 - 90)
        })
        let a = try FingerprintExtractor.extract(clean.bmp(ppi: 0)), b = try FingerprintExtractor.extract(noisy.bmp(ppi: 0))
        #expect(a.quality > b.quality + 10, "clean \(a.quality), noisy \(b.quality)")
        #expect(a.features.clarity > b.features.clarity)
    }

    @Test("a smudge pasted into the print yields no minutiae: the ridges drawn there are not clear enough to trust")
    func smudge() throws {
        let clean = try GreyImage(tiff: try TestData.bytes("fingerprints/FVC2002/DB1_B/101_1.tif"))
        // A 96-pixel square of blotches about a third of a ridge period
        // across, as dark and light as the ridges but with no ridge flow:
        // binarised, it is a maze of short fragments, endings and forks.
        let patch = (x: 140..<236, y: 130..<226)
        var random = SplitMix64(state: 7)   // the same blotches every run
        let blotches: [UInt8] = (0..<(96 / 3) * (96 / 3)).map { _ in random.next() >> 63 == 0 ? 40 : 200 }
        var pixels = clean.pixels
        for y in patch.y {
            for x in patch.x { pixels[y * clean.width + x] = blotches[(y - patch.y.lowerBound) / 3 * 32 + (x - patch.x.lowerBound) / 3] }
        }
        let smudged = try FingerprintExtractor.extract(GreyImage(width: clean.width, height: clean.height, pixels: pixels).bmp(ppi: 0))
        // Inside the patch, away from its edge where real ridges end.
        let inside = smudged.minutiae.filter { (patch.x.lowerBound + 12..<patch.x.upperBound - 12).contains(Int($0.x))
            && (patch.y.lowerBound + 12..<patch.y.upperBound - 12).contains(Int($0.y)) }
        #expect(inside.count <= 2, "\(inside.count) minutiae inside the smudge")
        #expect(smudged.minutiae.count >= 15, "the rest of the print keeps its minutiae")
    }

    @Test("the resolution an image states is used; outside 300...600 ppi it is refused")
    func statedResolution() throws {
        let print = try GreyImage(tiff: try TestData.bytes("fingerprints/FVC2002/DB1_B/101_1.tif")).resampled(by: 0.8)
        let at400 = try FingerprintExtractor.extract(print.bmp(ppi: 400))
        #expect(at400.dpi == 400 && at400.width == print.width)
        #expect(try FingerprintExtractor.extract(print.bmp(ppi: 96)).dpi == 500)   // a screen default, not a scan resolution
        #expect(throws: VisionError.resolutionUnsupported(ppi: 700)) { try FingerprintExtractor.extract(print.bmp(ppi: 700)) }
        #expect(throws: VisionError.resolutionUnsupported(ppi: 250)) { try FingerprintExtractor.extract(print.bmp(ppi: 250)) }
    }
}
