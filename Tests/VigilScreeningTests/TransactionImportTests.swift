import Foundation
import Testing
import VigilInterchange
import VigilTestSupport
import VigilVision
@testable import VigilScreening
import VigilStorage

/// Transactions as agencies send them, built with Vigil's writer from real
/// photos and prints, imported and then found by screening.
@Suite("Importing ANSI/NIST-ITL transactions", .enabled(if: TestData.shouldRunDataTests))
struct TransactionImportTests {
    @Test("faces and fingers become entries named from Type-2, found by another photo or impression; a re-import skips them; bad files are reported by place")
    func importAndScreen() async throws {
        let folder = try ManifestFolder()
        let people = Array(try TestData.identities("lfw10").filter { $0.files.count >= 2 }.prefix(3))
        let print = try DecodedImage.decode(try TestData.bytes("fingerprints/FVC2002/DB1_B/101_1.tif"))
        var paths: [String] = []
        for (n, person) in people.enumerated() {
            let parts = person.identity.split(separator: "_")
            let bytes = try TestTransactions.make(
                tcn: "TCN-\(n)", name: "\(parts.last!.uppercased()),\(parts.dropLast().joined(separator: " ").uppercased())",
                birth: "1980010\(n + 1)", face: try TestData.bytes(person.files[0]),
                finger: n == 0 ? .init(position: 2, width: print.width, height: print.height, pixels: print.pixels) : nil)
            paths.append(folder.root.appendingPathComponent("person-\(n).an2").path)
            try Data(bytes).write(to: URL(fileURLWithPath: paths.last!))
        }
        let unnamed = folder.root.appendingPathComponent("unnamed.an2").path
        try Data(TestTransactions.make(tcn: "TCN-U", name: nil, face: try TestData.bytes(people[0].files[1])))
            .write(to: URL(fileURLWithPath: unnamed))
        let cut = folder.root.appendingPathComponent("cut.an2").path
        try Data(TestData.bytes("ansi-nist/nist-sample/sample.an2").prefix(5000)).write(to: URL(fileURLWithPath: cut))

        let service = try await makeService()
        let report = try await service.importTransactions(at: paths + [unnamed, cut], category: "wanted_trafficking")
        #expect(report.imported == 3 && report.lines == 5)
        #expect(report.rejected.map(\.line) == [4, 5] && report.rejected.map(\.code) == ["missing_field", "invalid_transaction"], "\(report.rejected)")

        for (n, person) in people.enumerated() {
            let found = try await service.screen(face: try TestData.bytes(person.files[1]))
            let candidate = try #require(found.candidates.first, "\(person.identity) not found")
            let entry = try await service.entry(id: candidate.entryId)
            let parts = person.identity.split(separator: "_")
            #expect(entry.details.name == "\(parts.dropLast().joined(separator: " ").uppercased()) \(parts.last!.uppercased())")
            #expect(entry.details.dateOfBirth == "1980-01-0\(n + 1)" && entry.details.externalRef == "PKNADRA01/TCN-\(n)")
            #expect(entry.details.issuingAuthority == "PKNADRA01")
            #expect(entry.samples.filter { $0.kind == "finger" }.count == (n == 0 ? 1 : 0))
        }
        // The finger, imported from an uncompressed Type-14 image, is found by another impression of it.
        let impression = FingerSample(position: .rightIndex, bytes: try TestData.bytes("fingerprints/FVC2002/DB1_B/101_2.tif"))
        let byFinger = try await service.screen(face: nil, fingers: [impression])
        let entry = try await service.entry(id: try #require(byFinger.candidates.first?.entryId))
        #expect(entry.details.externalRef == "PKNADRA01/TCN-0")

        let again = try await service.importTransactions(at: paths, category: "wanted_trafficking")
        #expect(again.imported == 0 && again.skipped.count == 3)
    }

    @Test("NIST's tenprint (WSQ) imports its ten rolled fingers through a deployment's own mapping, and each is found again")
    func tenprintWithMapping() async throws {
        let mapping = try TransactionMapping.parse(Data(#"{"name": "Tenprint {1.009}", "external_ref": "{1.008}-{1.009}"}"#.utf8))
        let service = try await makeService()
        let file = TestData.url("ansi-nist/nist-sample/sample.an2").path
        let report = try await service.importTransactions(at: [file], category: "wanted_other", mapping: mapping)
        #expect(report.imported == 1, "\(report.rejected)")
        let status = service.watchlistStatus
        #expect(status.fingerTemplates == 10)
        // Each finger, as the reference decoder wrote it, finds the entry.
        for position in [1, 6] {
            let sample = FingerSample(position: try #require(FingerPosition(code: position)),
                                      bytes: try TestData.bytes("ansi-nist/nist-sample/fp-\(position).png"))
            let result = try await service.screen(face: nil, fingers: [sample])
            let entry = try await service.entry(id: try #require(result.candidates.first?.entryId))
            #expect(entry.details.name == "Tenprint jck t4 tenprint card")
        }
        #expect(throws: VigilError.self) { try TransactionMapping.parse(Data(#"{"name": "{2.18"}"#.utf8)) }
        #expect(throws: VigilError.self) { try TransactionMapping.parse(Data(#"{"name": "{2.018}", "colour": "{2.020}"}"#.utf8)) }
    }

    @Test("an entry exported as a transaction (its kept photo in Type-10, its finger in Type-9) imports into another deployment, where another photo and another impression find it; the export is audited")
    func exportIntoAnotherDeployment() async throws {
        let source = try await makeService()
        try await exportAndImport(from: source, expecting: [1, 2, 10, 9])
    }

    @Test("where finger images are kept, the export carries each as a Type-14 PNG (the image's own pixels) beside its minutiae")
    func exportWithFingerImages() async throws {
        let source = try await makeService { $0.keepSourceImages = true }
        let transaction = try await exportAndImport(from: source, expecting: [1, 2, 10, 14, 9])
        let record = try #require(transaction.records.first { $0.type == 14 })
        #expect(record.field(11)?.value == "PNG" && record.field(13)?.value == "2")
        let original = try DecodedImage.decode(try TestData.bytes("fingerprints/FVC2002/DB1_B/101_1.tif"))
        #expect(try DecodedImage.decode(try #require(record.data)).pixels == original.pixels)
    }

    /// Enrols a person with a photo and a finger at `source`, exports the entry, imports the file into a
    /// fresh deployment and finds the person there by another photo and the finger by another impression.
    @discardableResult
    func exportAndImport(from source: ScreeningService, expecting types: [Int]) async throws -> NISTTransaction {
        let person = try #require(try TestData.identities("lfw10").first { $0.files.count >= 3 })
        let enrolled = try await source.enroll(EntryDetails(name: "Saleem Khan", category: "wanted_trafficking", aliases: ["S. Khan"],
                                                            dateOfBirth: "1979-04-02"), faces: [try TestData.bytes(person.files[0])],
                                               fingers: [FingerSample(position: .rightIndex, bytes: try TestData.bytes("fingerprints/FVC2002/DB1_B/101_1.tif"))])
        let bytes = try await source.exportTransaction(id: enrolled.id, agency: "PKFIA0001", destination: "PKNADRA01")
        let transaction = try NISTTransaction.parse(bytes)
        #expect(transaction.records.map(\.type) == types)
        #expect(transaction.records[2].data == (try TestData.bytes(person.files[0])))
        let audited = try await source.auditRecords(from: 1, to: 1_000_000, actor: nil, action: AuditAction.exportNIST, limit: 10)
        #expect(audited.count == 1 && audited.first?.subject == enrolled.id.uuidString)

        let folder = try ManifestFolder()
        let file = folder.root.appendingPathComponent("export.an2").path
        try Data(bytes).write(to: URL(fileURLWithPath: file))
        let receiver = try await makeService()
        let mapping = try TransactionMapping.parse(Data(#"{"name": "{2.018}", "aliases": "{2.019}", "date_of_birth": "{2.022|date}", "external_ref": "{1.008}/{1.009}"}"#.utf8))
        let report = try await receiver.importTransactions(at: [file], category: "wanted_trafficking", mapping: mapping)
        #expect(report.imported == 1, "\(report.rejected)")
        let byFace = try await receiver.screen(face: try TestData.bytes(person.files[2]))
        let entry = try await receiver.entry(id: try #require(byFace.candidates.first?.entryId))
        #expect(entry.details.name == "Saleem Khan" && entry.details.aliases == ["S. Khan"] && entry.details.dateOfBirth == "1979-04-02")
        #expect(entry.details.externalRef == "PKFIA0001/\(enrolled.id.uuidString)")
        let byFinger = try await receiver.screen(face: nil, fingers: [FingerSample(position: .rightIndex, bytes: try TestData.bytes("fingerprints/FVC2002/DB1_B/101_3.tif"))])
        #expect(byFinger.candidates.first?.entryId == entry.id)
        return transaction
    }
}
