import Testing
import VigilInterchange
import VigilTestSupport
@testable import VigilVision

/// Vigil's WSQ decoder (CShims, written from IAFIS-IC-0110 v3.1) against the
/// pixels a reference decoder produced for the same files.
@Suite("WSQ decoder", .enabled(if: TestData.shouldRunDataTests))
struct WSQDecoderTests {
    /// The largest difference from the reference and how many pixels differ at all.
    func compare(_ wsq: [UInt8], reference png: [UInt8]) throws -> (largest: Int, differing: Int, pixels: Int) {
        let decoded = try DecodedImage.decode(wsq)
        let expected = try DecodedImage.decode(png)
        try #require(decoded.width == expected.width && decoded.height == expected.height,
                     "\(decoded.width)×\(decoded.height) against \(expected.width)×\(expected.height)")
        var largest = 0, differing = 0
        for (a, b) in zip(decoded.pixels, expected.pixels) where a != b {
            largest = max(largest, abs(Int(a) - Int(b)))
            differing += 1
        }
        return (largest, differing, decoded.pixels.count)
    }

    @Test("the WSQ sample and the tenprint's 14 fingerprints decode to the reference pixels, within 1 grey level")
    func referencePixels() throws {
        var results = [("wsq/sample.wsq", try compare(try TestData.bytes("ansi-nist/wsq/sample.wsq"),
                                                      reference: try TestData.bytes("ansi-nist/wsq/sample.png")))]
        let transaction = try NISTTransaction.parse(try TestData.bytes("ansi-nist/nist-sample/sample.an2"))
        for record in transaction.records {
            guard let image = record.image(), let position = image.positions.first, let data = record.data else { continue }
            results.append(("fp-\(position)", try compare(data, reference: try TestData.bytes("ansi-nist/nist-sample/fp-\(position).png"))))
        }
        #expect(results.count == 15)
        for (name, result) in results {
            print("WSQ \(name): largest difference \(result.largest), \(result.differing) of \(result.pixels) pixels differ")
            // The reference decoder rounds in single precision: a pixel at a half grey level may land either side.
            #expect(result.largest <= 1, "\(name)")
            #expect(Double(result.differing) / Double(result.pixels) < 0.001, "\(name)")
        }
    }

    @Test("every WSQ image in NIST's and NBIS's transactions decodes at the size of its frame header")
    func referenceTransactions() throws {
        var decoded = 0
        for file in try TestData.files(in: "ansi-nist", extension: "an2") {
            let transaction = try NISTTransaction.parse(try TestData.bytes(file))
            for record in transaction.records {
                guard let image = record.image(), image.format == .wsq, let data = record.data else { continue }
                let header = try ImageProbe.probe(data)
                let pixels = try DecodedImage.decode(data)
                #expect(pixels.width == header.width && pixels.height == header.height, "\(file) record \(record.type)")
                // Some test files state another size in the record than the image has (NBIS's
                // valid1.8 says 1800 × 1000 for a 1600 × 976 print): the image is what it is.
                if image.width != pixels.width || image.height != pixels.height {
                    print("\(file) type-\(record.type) record states \(image.width ?? 0)×\(image.height ?? 0), its WSQ is \(pixels.width)×\(pixels.height)")
                }
                // A fingerprint, not a flat field: grey levels spread over a real range.
                #expect(Set(pixels.pixels).count > 64, "\(file) record \(record.type)")
                decoded += 1
            }
        }
        #expect(decoded >= 60)
    }

    @Test("the header is probed without decoding: size, the NISTCOM resolution; damaged and bomb headers refused")
    func probeAndDamage() throws {
        let wsq = try TestData.bytes("ansi-nist/wsq/sample.wsq")
        let info = try ImageProbe.probe(wsq)
        #expect(info.format == .wsq && info.width == 545 && info.height == 622)
        #expect(throws: VisionError.truncated) { try DecodedImage.decode(Array(wsq.prefix(wsq.count / 2))) }
        // A frame header declaring 65535 × 65535 pixels is refused before anything that size exists.
        var bomb = wsq
        let sof = try #require((0..<bomb.count - 1).first { bomb[$0] == 0xFF && bomb[$0 + 1] == 0xA2 })
        bomb.replaceSubrange(sof + 6..<sof + 10, with: [0xFF, 0xFF, 0xFF, 0xFF])
        #expect(throws: VisionError.tooManyPixels(limit: 40_000_000)) { try DecodedImage.decode(bomb) }
        // Every single-byte change of the entropy data is decoded or refused, never a crash.
        var generator = SplitMix64(state: 17)
        for _ in 0..<300 {
            var damaged = wsq
            let at = Int.random(in: 0..<damaged.count, using: &generator)
            damaged[at] = UInt8.random(in: 0...255, using: &generator)
            _ = try? DecodedImage.decode(damaged)
        }
    }

    @Test("a decoded print leaves as a PNG stating its resolution, and reads back to the same pixels")
    func pngRoundTrip() throws {
        let pixels = try DecodedImage.decode(try TestData.bytes("ansi-nist/wsq/sample.wsq"))
        let png = pixels.png(ppi: 500)
        let back = try DecodedImage.decode(png)
        #expect(back.pixels == pixels.pixels && back.ppi == 500)
    }
}
