import Foundation
import Testing
import VigilTestSupport
@testable import VigilInterchange
import VigilTemplates

/// Transactions Vigil writes, read by a second, independent reader: nistitl
/// (PyPI), through scripts/nistitl-summary.py. `make test` installs it
/// (scripts/python-tools.sh) and names its Python in VIGIL_PYTHON_TOOLS.
enum PythonTools {
    static var python: String? { ProcessInfo.processInfo.environment["VIGIL_PYTHON_TOOLS"].flatMap { $0.isEmpty ? nil : $0 } }

    static var present: Bool {
        if python == nil { print("NOTE: VIGIL_PYTHON_TOOLS is not set (make test sets it); the nistitl cross-check \(TestData.isCI ? "will fail" : "is skipped").") }
        return python != nil || TestData.isCI
    }
}

@Suite("ANSI/NIST-ITL transactions: cross-checked with nistitl", .enabled(if: TestData.shouldRunDataTests && PythonTools.present))
struct NISTCrossCheckTests {
    /// What nistitl reads in `bytes`: nil when it refuses them, with its reason.
    func nistitl(_ bytes: [UInt8]) throws -> (records: [[String: Any]]?, error: String) {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("vigil-\(UUID().uuidString).an2")
        try #require(FileManager.default.createFile(atPath: file.path, contents: Data(bytes)))
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try #require(PythonTools.python))
        process.arguments = [TestData.projectRoot.appendingPathComponent("scripts/nistitl-summary.py").path, file.path]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let data = out.fileHandleForReading.readDataToEndOfFile()
        let message = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { return (nil, message.split(separator: "\n").last.map(String.init) ?? "") }
        return (try JSONSerialization.jsonObject(with: data) as? [[String: Any]], "")
    }

    /// Whether nistitl's reading agrees with Vigil's, record by record and field by field; the first disagreement.
    func disagreement(_ theirs: [[String: Any]], _ ours: NISTTransaction?) -> String? {
        guard let ours else { return "Vigil cannot read its own output" }
        guard theirs.count == ours.records.count else { return "\(theirs.count) records against \(ours.records.count)" }
        for (their, our) in zip(theirs, ours.records) {
            guard their["type"] as? Int == our.type else { return "Type-\(their["type"] ?? "?") against Type-\(our.type)" }
            if NISTRecord.isBinary(our.type) {
                guard their["length"] as? Int == our.length, their["idc"] as? Int == our.idc else { return "binary Type-\(our.type) header" }
                continue
            }
            let fields = their["fields"] as? [String: [[String]]] ?? [:]
            for field in our.fields where field.number != 999 {
                // nistitl keeps the IDC as a number ("00" reads as 0).
                if field.number == 2, let their = fields["2"]?.first?.first.flatMap({ Int($0) }), their == our.idc { continue }
                guard fields[String(field.number)] == field.subfields else {
                    return "\(our.type).\(field.number): \(fields[String(field.number)] ?? []) against \(field.subfields)"
                }
            }
            guard fields.count == our.fields.count, their["data"] as? Int == our.data?.count else { return "Type-\(our.type) fields or data" }
        }
        return nil
    }

    @Test("every shared transaction, as Vigil writes it, reads the same in nistitl, field by field")
    func sharedTransactions() throws {
        var agreed = 0
        for file in try TestData.files(in: "ansi-nist", extension: "an2") {
            let written = try NISTTransaction.parse(try TestData.bytes(file)).encoded()
            let theirs = try nistitl(written)
            let difference = theirs.records.map { disagreement($0, try? NISTTransaction.parse(written)) } ?? "nistitl refuses it: \(theirs.error)"
            #expect(difference == nil, "\(file): \(difference ?? "")")
            if difference == nil { agreed += 1 }
        }
        print("nistitl reads all \(agreed) transactions as Vigil writes them, field by field")
        #expect(agreed == 52)
    }
}

extension NISTCrossCheckTests {
    @Test("a transaction Vigil builds with Types 1, 2, 9, 10 and 14 from a real photo, print and template reads the same in nistitl")
    func builtTransaction() throws {
        let face = try TestData.bytes("faces/lfw10/Tony_Blair/Tony_Blair_0001.jpg")
        var transaction = try NISTTransaction.parse(try TestTransactions.make(
            tcn: "CROSS-1", name: "BLAIR,TONY", face: face,
            finger: .init(position: 2, width: 4, height: 2, pixels: [0, 64, 128, 255, 255, 128, 64, 0])))
        let template = try TemplateCodec.parse(try TestData.bytes("fingerprints/FVC2002/DB1_B/101_1.iso")).template
        transaction.records.append(try #require(NISTMinutiae.record(template, idc: 3)))
        let written = try transaction.encoded()
        #expect(try NISTTransaction.parse(written).records.map(\.type) == [1, 2, 10, 14, 9])
        let theirs = try nistitl(written)
        let difference = theirs.records.map { disagreement($0, try? NISTTransaction.parse(written)) } ?? "nistitl refuses it: \(theirs.error)"
        #expect(difference == nil, "\(difference ?? "")")
        // And the minutiae come back through Vigil's own reader within the 2-degree rounding.
        let back = try #require(try NISTMinutiae.template(of: try NISTTransaction.parse(written).records[4], in: transaction))
        for (a, b) in zip(try #require(back.fingerprints.first).minutiae, try #require(template.fingerprints.first).minutiae) {
            let turn = abs(a.angle - b.angle) % 256
            #expect(a.positionX == b.positionX && a.positionY == b.positionY && min(turn, 256 - turn) <= 1, "\(a) against \(b)")
        }
    }
}
