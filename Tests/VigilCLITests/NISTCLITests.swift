import Foundation
import Testing
import VigilTestSupport
import VigilVision

@Suite("vigil nist", .enabled(if: TestData.shouldRunDataTests))
struct NISTCLITests {
    @Test("show --json lists every record; extract writes the tenprint's 14 prints as PNG at 500 ppi, the reference pixels within 1 grey level")
    func showAndExtract() async throws {
        let file = TestData.url("ansi-nist/nist-sample/sample.an2").path
        let shown = try CLI.json(try await CLI.run(["nist", "show", file, "--json"], modelsDirectory: nil))
        let records = try #require(shown["records"] as? [[String: Any]])
        #expect(records.first?["type"] as? Int == 1 && records.filter { $0["type"] as? Int == 4 }.count == 14)

        let out = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-nist-\(UUID().uuidString)")
        let extracted = try await CLI.run(["nist", "extract", file, "--out", out.path, "--json"], modelsDirectory: nil)
        #expect(extracted.status == 0, "\(extracted.stderr)")
        let written = try #require(try CLI.json(extracted)["written"] as? [[String: Any]])
        #expect(written.count == 14)
        for entry in written {
            let name = try #require(entry["file"] as? String), position = try #require((entry["positions"] as? [Int])?.first)
            let png = try DecodedImage.decode([UInt8](try Data(contentsOf: out.appendingPathComponent(name))))
            let reference = try DecodedImage.decode(try TestData.bytes("ansi-nist/nist-sample/fp-\(position).png"))
            #expect(png.ppi == 500 && png.width == reference.width && png.height == reference.height, "\(name)")
            #expect(zip(png.pixels, reference.pixels).allSatisfy { abs(Int($0) - Int($1)) <= 1 }, "\(name)")
        }
    }

    @Test("a face (Type-10 JPEG) leaves in colour; an unreadable image is reported, the rest written, exit 1; a damaged file is refused with its offset")
    func faceAndFailures() async throws {
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-nist-\(UUID().uuidString)")
        let face = try await CLI.run(["nist", "extract", TestData.url("ansi-nist/nbis-testdata/face_jpb_DOM_GMT_DCS.an2").path,
                                "--out", out.path, "--json"], modelsDirectory: nil)
        #expect(face.status == 0, "\(face.stderr)")
        let written = try #require(try CLI.json(face)["written"] as? [[String: Any]])
        let name = try #require(written.first { $0["type"] as? Int == 10 }?["file"] as? String)
        let photo = try DecodedImage.decode([UInt8](try Data(contentsOf: out.appendingPathComponent(name))), channels: .colour)
        // Colour survives: some pixel's channels differ.
        #expect(stride(from: 0, to: photo.pixels.count, by: 3).contains { photo.pixels[$0] != photo.pixels[$0 + 2] })

        // NIST's iris/face/finger reference: two Type-14 prints in lossless JPEG, which no decoder here reads.
        let mixed = try await CLI.run(["nist", "extract", TestData.url("ansi-nist/nist-reference/type-10-14-17-piv-index-iris.an2").path,
                                 "--out", out.path, "--json"], modelsDirectory: nil)
        #expect(mixed.status == 1)
        let report = try CLI.json(mixed)
        #expect((report["written"] as? [Any])?.count == 2 && (report["skipped"] as? [Any])?.count == 2, "\(report)")

        var damaged = try TestData.bytes("ansi-nist/nist-sample/sample.an2")
        damaged.removeLast(1000)
        let path = out.appendingPathComponent("damaged.an2").path
        try Data(damaged).write(to: URL(fileURLWithPath: path))
        let refused = try await CLI.run(["nist", "extract", path, "--out", out.path, "--json"], modelsDirectory: nil)
        #expect(refused.status != 0)
        #expect(refused.stdout.contains("invalid_transaction") && refused.stdout.contains("at byte"), "\(refused.stdout) \(refused.stderr)")
    }
}

@Suite("vigil verify", .enabled(if: TestData.shouldRunDataTests))
struct VerifyCLITests {
    @Test("a live photo against a document photo: match for the same person, no_match for another, as JSON")
    func verify() async throws {
        let people = try TestData.identities("pakistan-politicians")
        let database = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-verify-\(UUID().uuidString).sqlite").path
        func run(_ live: String, _ document: String) async throws -> [String: Any] {
            let result = try await CLI.run(["verify", "--db", database, "--face", TestData.url(live).path, "--document", TestData.url(document).path, "--json"])
            #expect(result.status == 0, "\(result.stderr)")
            return try CLI.json(result)
        }
        #expect(try await run(people[0].files[1], people[0].files[0])["decision"] as? String == "match")
        #expect(try await run(people[1].files[1], people[0].files[0])["decision"] as? String == "no_match")
    }
}
