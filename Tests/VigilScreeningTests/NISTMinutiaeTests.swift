import Foundation
import Testing
import VigilInterchange
import VigilMatching
import VigilTemplates
import VigilTestSupport
import VigilVision
@testable import VigilScreening

/// Type-9 minutiae converted to ISO/IEC 19794-2: the two encodings NIST gives
/// for one print agree, and the result matches the print's own image.
@Suite("Type-9 minutiae as ISO/IEC 19794-2", .enabled(if: TestData.shouldRunDataTests))
struct NISTMinutiaeTests {
    func converted(_ file: String) throws -> (transaction: NISTTransaction, template: FingerprintTemplate) {
        let transaction = try NISTTransaction.parse(try TestData.bytes("ansi-nist/nist-reference/\(file).an2"))
        let record = try #require(transaction.records.first { $0.type == 9 })
        return (transaction, try #require(try NISTMinutiae.template(of: record, in: transaction)))
    }

    @Test("the standard format and the INCITS 378 block of one print give the same minutiae, within their rounding; each writes an ISO record that reads back")
    func encodingsAgree() throws {
        for file in ["type-9-14-std", "type-9-14-m1", "type-9-13-std", "type-9-10-14"] {
            let template = try converted(file).template
            let back = try TemplateCodec.parse(try TemplateCodec.write(template, as: .iso19794p2v2005)).template
            #expect(back == template, "\(file)")
        }
        let standard = try #require(try converted("type-9-14-std").template.fingerprints.first)
        let incits = try #require(try converted("type-9-14-m1").template.fingerprints.first)
        #expect(standard.minutiae.count == 48 && incits.minutiae.count == 48)
        #expect(standard.position.code == 8 && incits.position.code == 8)
        for (a, b) in zip(standard.minutiae, incits.minutiae) {
            #expect(abs(a.positionX - b.positionX) <= 1 && abs(a.positionY - b.positionY) <= 1, "\(a) against \(b)")
            // Degrees against 2-degree units: at most 1.4 ISO units apart (256 to the turn).
            let turn = abs(a.angle - b.angle) % 256
            #expect(min(turn, 256 - turn) <= 2, "\(a) against \(b)")
        }
    }

    @Test("the converted minutiae match those Vigil's extractor finds on the print's own image at FMR 0.01%; turned 180° they do not")
    func matchesItsImage() throws {
        let (transaction, template) = try converted("type-9-14-m1")
        let (images, skipped) = TransactionImages.decode(transaction)
        #expect(skipped.isEmpty)
        let image = try #require(images.first { $0.type == 14 })
        let found = try FingerprintExtractor.extract(image.image.png(ppi: image.ppi))
        let extracted = CylinderTemplate(minutiae: found.minutiae.map { FingerMinutia(x: $0.x, y: $0.y, direction: $0.direction) })
        let record = try TemplateCodec.write(template, as: .iso19794p2v2005)
        let minutiae = try FingerTemplates.minutiae(from: record)
        let turned = minutiae.map { FingerMinutia(x: $0.x, y: $0.y, direction: Angle.normalized($0.direction + .pi)) }
        let matcher = CylinderMatcher()
        let score = matcher.score(CylinderTemplate(minutiae: minutiae), extracted)
        let wrongWay = matcher.score(CylinderTemplate(minutiae: turned), extracted)
        // A mate by the shipped calibration's standard: above the score that 1 in 10,000 impostor pairs reach.
        let strict = ServiceConfiguration().fingerCalibration.score(atFalseMatchRate: 1e-4)
        Swift.print("Type-9 minutiae against the print's image: score \(score) (FMR 0.01% at \(strict)); turned 180°: \(wrongWay)")
        #expect(score > strict)
        #expect(wrongWay < strict)
    }
}
