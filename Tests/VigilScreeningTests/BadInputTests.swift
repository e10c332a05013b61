import Testing
import VigilScreening
import VigilTestSupport

@Suite("Bad input is refused with its code and changes nothing", .enabled(if: TestData.shouldRunDataTests))
struct BadInputTests {
    static func badImages() throws -> [(name: String, bytes: [UInt8], code: VigilError.Code)] {
        let jpeg = try TestData.bytes("faces/lfw10/Tony_Blair/Tony_Blair_0001.jpg")
        return [
            ("empty", [], .imageEmpty),
            ("not an image", CraftedImages.notAnImage, .unsupportedImageFormat),
            ("truncated JPEG", CraftedImages.truncated(jpeg), .imageTruncated),
            ("corrupt JPEG", CraftedImages.corruptedJPEG(jpeg), .imageCorrupt),
            ("corrupt PNG", CraftedImages.corruptedPNG(), .imageCorrupt),
            ("decompression bomb", CraftedImages.pngDeclaring(width: 50_000, height: 50_000), .imageTooLarge),
        ]
    }

    @Test("bad images in enrolment and screening")
    func badImages() async throws {
        let service = try await makeService()
        _ = try await enrollFirstPhotos(service)
        let before = try await service.storeCounts()
        let good = try TestData.bytes("faces/lfw10/Tony_Blair/Tony_Blair_0002.jpg")
        for bad in try Self.badImages() {
            do {
                // A good photo beside a bad one: nothing of the enrolment may be stored.
                _ = try await service.enroll(name: "X", category: "wanted_other", faces: [good, bad.bytes])
                Issue.record("\(bad.name): enrolment succeeded")
            } catch {
                #expect(error.code == bad.code, "\(bad.name): \(error)")
                #expect(error.message.contains("face[1]"), "\(bad.name): \(error.message)")
            }
            do {
                _ = try await service.screen(face: bad.bytes)
                Issue.record("\(bad.name): screening succeeded")
            } catch {
                #expect(error.code == bad.code, "\(bad.name): \(error)")
            }
        }
        #expect(try await service.storeCounts() == before)
        #expect(service.watchlistStatus.version == before.events)
    }

    @Test("invalid enrolment fields")
    func invalidFields() async throws {
        let service = try await makeService()
        let good = try TestData.bytes("faces/lfw10/Tony_Blair/Tony_Blair_0002.jpg")
        let cases: [(String, String, [[UInt8]], VigilError.Code)] = [
            ("X", "smuggler", [good], .unknownCategory),
            ("   ", "wanted_other", [good], .invalidField),
            (String(repeating: "n", count: 201), "wanted_other", [good], .invalidField),
            ("X", "wanted_other", [], .missingField),
            ("X", "wanted_other", Array(repeating: good, count: 11), .invalidField),
        ]
        for (name, category, faces, code) in cases {
            do {
                _ = try await service.enroll(name: name, category: category, faces: faces)
                Issue.record("enrolment of \(name.prefix(10)) / \(category) succeeded")
            } catch {
                #expect(error.code == code)
            }
        }
        #expect(try await service.storeCounts().entries == 0)
    }
}
