import Foundation
import Testing
import VigilInterchange
import VigilTestSupport

/// The transaction reader on NIST's reference files, NBIS's test files and a
/// tenprint, and on damaged copies of them.
@Suite("ANSI/NIST-ITL transactions: reading", .enabled(if: TestData.shouldRunDataTests))
struct NISTReaderTests {
    static func transactions() throws -> [String] { try TestData.files(in: "ansi-nist", extension: "an2") }

    @Test("every shared transaction reads: the records its content list names, each where the previous one ends")
    func everyFileReads() throws {
        let files = try Self.transactions()
        #expect(files.count >= 40)
        for file in files {
            let bytes = try TestData.bytes(file)
            let transaction: NISTTransaction
            do { transaction = try NISTTransaction.parse(bytes) } catch {
                Issue.record("\(file): \(error)")
                continue
            }
            let listed = try #require(Int(transaction.header?.field(3)?.subfields.first?[1] ?? ""))
            #expect(transaction.records.count == listed + 1, "\(file)")
            for (record, next) in zip(transaction.records, transaction.records.dropFirst()) {
                #expect(record.offset + record.length == next.offset, "\(file): Type-\(next.type) does not follow Type-\(record.type)")
            }
            let last = try #require(transaction.records.last)
            #expect(last.offset + last.length <= bytes.count)
            // Real files carry odd versions (NIST's own Type-16 reference says "0"): read, never refused for it.
            #expect(transaction.version != nil, "\(file) has no version field")
        }
    }

    @Test("the tenprint: 14 WSQ fingerprints whose sizes are those of their decoded PNGs (named by finger position), at 500 ppi")
    func tenprint() throws {
        let transaction = try NISTTransaction.parse(try TestData.bytes("ansi-nist/nist-sample/sample.an2"))
        let images = transaction.records.compactMap { $0.image(nativeResolution: transaction.nativeScanningResolution) }
        #expect(images.count == 14)
        #expect(Set(images.flatMap(\.positions)) == Set(1...14))
        for image in images {
            let position = try #require(image.positions.first)
            let png = try TestData.bytes("ansi-nist/nist-sample/fp-\(position).png")
            // The PNG header's IHDR: width and height, big-endian, at bytes 16 and 20.
            let width = png[16..<20].reduce(0) { $0 << 8 | Int($1) }, height = png[20..<24].reduce(0) { $0 << 8 | Int($1) }
            #expect(image.format == .wsq && image.width == width && image.height == height, "fp-\(position): \(image) vs \(width)×\(height)")
            #expect(image.ppi.map { abs($0 - 500) < 1 } == true, "fp-\(position): \(image)")
        }
    }

    @Test("a face in Type-10: JPEG, with its size and the fields around it")
    func face() throws {
        let transaction = try NISTTransaction.parse(try TestData.bytes("ansi-nist/nbis-testdata/face_jpb_DOM_GMT_DCS.an2"))
        let face = try #require(transaction.records.first { $0.type == 10 })
        let image = try #require(face.image())
        #expect(image.format == .jpeg && (image.width ?? 0) > 100 && (image.height ?? 0) > 100, "\(image)")
        #expect(face.field(3)?.value == "FACE")
    }

    @Test("lenient where real files are: two-digit field numbers, a missing optional field, trailing bytes")
    func lenient() throws {
        func record(_ type: Int, _ fields: [String]) -> [UInt8] {
            // The length counts itself: try lengths until the text agrees.
            for length in 10...9_999 {
                let text = (["\(type).01:\(length)"] + fields).joined(separator: "\u{1D}") + "\u{1C}"
                if text.utf8.count == length { return Array(text.utf8) }
            }
            fatalError("no consistent length")
        }
        let header = record(1, ["1.02:0300", "1.03:1\u{1F}1\u{1E}2\u{1F}00", "1.04:CAR"])
        let type2 = record(2, ["2.02:00", "2.018:DOE, JOHN"])
        let transaction = try NISTTransaction.parse(header + type2 + [0x0A, 0x0A])
        #expect(transaction.records.map(\.type) == [1, 2] && transaction.version == "0300")
        #expect(transaction.records[1].field(18)?.value == "DOE, JOHN")
    }

    @Test("strict where safety needs it: a cut transaction is refused with the byte offset; damaged bytes never make it read past its end")
    func damaged() throws {
        var generator = SplitMix64(state: 0x5EED_0A2)
        var refused = 0, read = 0
        for file in ["ansi-nist/nist-sample/sample.an2", "ansi-nist/nbis-testdata/valid1.1.an2", "ansi-nist/nist-reference/type-9-10-14.an2",
                     "ansi-nist/nist-reference/type-4-slaps.an2"] {
            let original = try TestData.bytes(file)
            let end = try #require(try NISTTransaction.parse(original).records.last.map { $0.offset + $0.length })
            for trial in 0..<600 {
                var bytes = original
                switch trial % 3 {
                case 0: bytes = Array(bytes.prefix(Int(generator.next() % UInt64(end))))
                case 1:
                    for _ in 0..<(1 + generator.next() % 8) { bytes[Int(generator.next() % UInt64(bytes.count))] = UInt8(truncatingIfNeeded: generator.next()) }
                default:
                    // Damage where it matters most: the first kilobyte (lengths, counts, tags).
                    bytes[Int(generator.next() % UInt64(min(1024, bytes.count)))] = UInt8(truncatingIfNeeded: generator.next())
                }
                do {
                    let transaction = try NISTTransaction.parse(bytes)
                    read += 1
                    #expect(trial % 3 != 0, "\(file) cut at \(bytes.count) of \(end) bytes was read")
                    #expect(transaction.records.allSatisfy { $0.offset + $0.length <= bytes.count })
                } catch {
                    refused += 1
                    #expect(error.offset >= 0 && error.offset <= bytes.count, "\(file) trial \(trial): \(error)")
                }
            }
        }
        print("damaged transactions: \(refused) refused, \(read) still readable (their damage was inside data)")
    }
}
