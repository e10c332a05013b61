import Foundation
import Testing
import VigilTemplates
import VigilTestSupport

/// JSON values compared structurally, with a missing key equal to null.
func normalized(_ value: Any) -> Any {
    if let object = value as? [String: Any] {
        return object.filter { !($0.value is NSNull) }.mapValues(normalized)
    }
    if let array = value as? [Any] { return array.map(normalized) }
    return value
}

func sameJSON(_ a: Any, _ b: Any) -> Bool {
    NSDictionary(dictionary: ["v": normalized(a)]).isEqual(to: ["v": normalized(b)])
}

@Suite("ISO/IEC 19794-2 and ANSI INCITS 378 minutiae templates", .enabled(if: TestData.shouldRunDataTests))
struct TemplateCodecTests {
    @Test("each sample decodes to its published JSON, field for field", arguments: TemplateFormat.allCases)
    func decodesSample(format: TemplateFormat) throws {
        let bytes = try TestData.bytes("templates/\(format.rawValue)/\(format.rawValue)-sample.dat")
        let expectedData = Data(try TestData.bytes("templates/\(format.rawValue)/\(format.rawValue)-sample.json"))
        let (detected, template) = try TemplateCodec.parse(bytes)
        #expect(detected == format)

        let encoded = try JSONSerialization.jsonObject(with: JSONEncoder().encode(template))
        let expected = try JSONSerialization.jsonObject(with: expectedData)
        #expect(sameJSON(encoded, expected), "\(format): decoded JSON differs from the published decode")
        #expect(try JSONDecoder().decode(FingerprintTemplate.self, from: expectedData) == template)
    }

    @Test("parse, write, parse is lossless", arguments: TemplateFormat.allCases)
    func roundTrip(format: TemplateFormat) throws {
        let bytes = try TestData.bytes("templates/\(format.rawValue)/\(format.rawValue)-sample.dat")
        let (_, template) = try TemplateCodec.parse(bytes)
        let written = try TemplateCodec.write(template, as: format)
        let (again, reparsed) = try TemplateCodec.parse(written)
        #expect(again == format)
        #expect(reparsed == template)
        #expect(try TemplateCodec.write(reparsed, as: format) == written)
    }

    @Test("the truncated records are refused with a clear error")
    func truncatedRecords() throws {
        for name in ["101_1_truncate_1_byte.iso", "101_1_truncate_2_bytes.iso", "101_1_truncate_3_bytes.iso"] {
            let bytes = try TestData.bytes("fingerprints/iso-invalid/\(name)")
            #expect(throws: TemplateError.self, "\(name) was accepted") { try TemplateCodec.parse(bytes) }
        }
    }

    @Test("every prefix of every sample is refused, never a crash", arguments: TemplateFormat.allCases)
    func everyPrefix(format: TemplateFormat) throws {
        let bytes = try TestData.bytes("templates/\(format.rawValue)/\(format.rawValue)-sample.dat")
        for length in 0..<bytes.count {
            #expect(throws: TemplateError.self, "\(format) prefix of \(length) bytes") { try TemplateCodec.parse(Array(bytes.prefix(length))) }
        }
        #expect(throws: TemplateError.self) { try TemplateCodec.parse(bytes + [0]) }
    }

    @Test("the FVC2002 ISO templates all parse", arguments: ["DB1_B", "DB2_B", "DB3_B", "DB4_B"])
    func fvcTemplates(database: String) throws {
        let folder = TestData.url("fingerprints/FVC2002/\(database)")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".iso") }
        #expect(files.count == 80)
        for file in files {
            let (format, template) = try TemplateCodec.parse(try TestData.bytes("fingerprints/FVC2002/\(database)/\(file)"))
            #expect(format == .iso19794p2v2005)
            #expect(template.fingerprints.first?.minutiae.isEmpty == false, "\(file)")
        }
    }

    @Test("values that do not fit their field are refused when writing")
    func writeValidation() throws {
        var view = FingerprintView(position: try JSONDecoder().decode(Wrapper.self, from: Data(#"{"position":"LEFT_INDEX"}"#.utf8)).position,
                                   view: 0, scanType: try JSONDecoder().decode(Wrapper2.self, from: Data(#"{"scanType":"LIVE_PLAIN"}"#.utf8)).scanType,
                                   minutiae: [])
        view.quality = 300
        let template = FingerprintTemplate(fingerprints: [view])
        #expect(throws: TemplateError.self) { try TemplateCodec.write(template, as: .iso19794p2v2005) }
    }

    struct Wrapper: Decodable { let position: CodedName }
    struct Wrapper2: Decodable { let scanType: CodedName }
}
