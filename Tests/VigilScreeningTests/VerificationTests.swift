import Foundation
import Testing
import VigilInterchange
import VigilTestSupport
import VigilVision
@testable import VigilScreening

/// 1:1 at the counter: ePassport photos (data group 2) built from real
/// photos of Pakistani politicians, JPEG and JPEG 2000 inside, 2005 and 2011
/// records, against another photo of the same person and of someone else.
@Suite("Verification against a travel document", .enabled(if: TestData.shouldRunDataTests))
struct VerificationTests {
    /// A JP2 file's contiguous codestream box (`jp2c`): JPEG 2000 as a raw codestream.
    static func codestream(of jp2: [UInt8]) throws -> [UInt8] {
        var at = 0
        while at + 8 <= jp2.count {
            let length = jp2[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) }
            if Array(jp2[(at + 4)..<(at + 8)]) == Array("jp2c".utf8) { return Array(jp2[(at + 8)..<(length == 0 ? jp2.count : at + length)]) }
            guard length >= 8 else { break }
            at += length
        }
        throw VigilError(.invalidDocument, "no jp2c box")
    }

    /// Data group 2 of `photo` as JPEG (2005 record), JP2 (2011) or a raw JPEG 2000 codestream (2005).
    static func documents(_ photo: [UInt8]) throws -> [(name: String, bytes: [UInt8])] {
        let pixels = try DecodedImage.decode(photo, channels: .colour)
        let jp2 = pixels.jpeg2000()
        func face(_ bytes: [UInt8], _ format: DG2FaceImage.Format) -> DG2FaceImage {
            DG2FaceImage(format: format, width: pixels.width, height: pixels.height, recordVersion: "", bytes: bytes)
        }
        return [("JPEG, 2005 record", DG2.encode([face(photo, .jpeg)], version: "2005")),
                ("JP2, 2011 record", DG2.encode([face(jp2, .jpeg2000)], version: "2011")),
                ("J2K codestream, 2005 record", DG2.encode([face(try codestream(of: jp2), .jpeg2000)], version: "2005"))]
    }

    @Test("the same person's other photo matches the document's; someone else's does not; each verification is an audit record that replays")
    func sameAndOther() async throws {
        let service = try await makeService()
        let people = Array(try TestData.identities("pakistan-politicians").prefix(4))
        let point = service.verificationOperatingPoint
        print("1:1 threshold \(point.threshold) at FMR \(point.falseMatchRate)")
        var genuine: [Float] = [], impostor: [Float] = []
        for (n, person) in people.enumerated() {
            let other = people[(n + 1) % people.count]
            for document in try Self.documents(try TestData.bytes(person.files[0])) {
                let same = try await service.verify(live: try TestData.bytes(person.files[1]), document: document.bytes)
                #expect(same.document.source == "dg2" && same.document.face.found, "\(document.name)")
                #expect(same.decision == .match, "\(person.identity), \(document.name): \(same.score ?? -1) < \(same.threshold)")
                let stranger = try await service.verify(live: try TestData.bytes(other.files[1]), document: document.bytes)
                #expect(stranger.decision == .noMatch, "\(other.identity) against \(person.identity), \(document.name): \(stranger.score ?? -1)")
                genuine.append(same.score ?? -1)
                impostor.append(stranger.score ?? -1)
            }
        }
        print("1:1 genuine scores \(genuine.map { String(format: "%.3f", $0) }), impostor \(impostor.map { String(format: "%.3f", $0) })")
        let records = try await service.auditRecords(from: 1, to: 1_000_000, actor: nil, action: AuditAction.verification, limit: 1000)
        #expect(records.count == genuine.count + impostor.count)
        // An auditor's replay recomputes every score from the sealed templates and decides again.
        let replayed = try await service.replay()
        #expect(replayed.verifications == records.count && replayed.agreed == records.count && replayed.divergences.isEmpty, "\(replayed)")
    }

    @Test("the document may be a plain photo; screen=true also screens the live photo; a damaged data group is invalid_document, a live photo without a face asks for a recapture")
    func photosScreeningAndRefusals() async throws {
        let service = try await makeService()
        let person = try #require(try TestData.identities("pakistan-politicians").first)
        _ = try await service.enroll(name: "Wanted", category: "wanted_trafficking", faces: [try TestData.bytes(person.files[2])])
        let photo = try TestData.bytes(person.files[0])
        let plain = try await service.verify(live: try TestData.bytes(person.files[1]), document: photo, screen: true)
        #expect(plain.document.source == "image" && plain.document.format == "jpeg" && plain.decision == .match)
        #expect(plain.screening?.candidates.isEmpty == false)

        let document = try Self.documents(photo)[0].bytes
        await #expect(throws: VigilError.self) { try await service.verify(live: photo, document: Array(document.prefix(document.count - 40))) }
        do {
            _ = try await service.verify(live: photo, document: Array(document.prefix(document.count / 2)))
            Issue.record("a cut data group was accepted")
        } catch {
            #expect(error.code == .invalidDocument && error.message.contains("at byte"), "\(error)")
        }
        let noFace = try await service.verify(live: try TestData.bytes("faces/scenes/dogs.jpg"), document: document)
        #expect(noFace.decision == .recaptureRequired && noFace.recaptureReason == "no_face_found" && noFace.score == nil)
    }
}
