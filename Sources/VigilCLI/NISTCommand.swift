import ArgumentParser
import Foundation
import VigilInterchange
import VigilScreening
import VigilTemplates

/// ANSI/NIST-ITL transactions, the format agencies exchange biometric records in.
struct NISTCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "nist", abstract: "Read ANSI/NIST-ITL transactions (traditional encoding).", subcommands: [Show.self, Extract.self])

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Every record with its type, IDC, offset and fields; images summarised (format, size, resolution, position).")
        @Argument(help: "The transaction file (.an2, .eft, .nst, …).") var file: String
        @Flag(help: "Print JSON.") var json = false

        func run() async throws {
            try await Output.run(json: json) { () async throws(VigilError) in
                let view = TransactionView(try readTransaction(file))
                if json { try? Output.json(view) } else { print(view.text) }
            }
        }
    }

    struct Extract: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Write every image of a transaction as PNG stating its resolution (WSQ and JPEG 2000 decoded), and its minutiae as ISO/IEC 19794-2.",
            discussion: """
                Files are named by record order, type and position: 03-type4-pos1.png, 02-type9-pos1.iso. Faces and \
                marks (Type-10) keep their colour; finger, palm and other images are grey. Type-9 minutiae (the \
                INCITS 378 block or the standard format) become ISO/IEC 19794-2:2005 records. A record that cannot be \
                converted is reported and skipped; the exit status is then 1.
                """)
        @Argument(help: "The transaction file.") var file: String
        @Option(help: "The folder to write into (created if missing).") var out: String
        @Flag(help: "Print JSON.") var json = false

        struct Written: Encodable {
            let record: Int
            let type: Int
            let positions: [Int]
            let format: String
            let width: Int
            let height: Int
            let ppi: Int?
            let file: String
        }

        struct Report: Encodable {
            let written: [Written]
            let minutiae: [WrittenMinutiae]
            let skipped: [TransactionImages.Skipped]
        }

        struct WrittenMinutiae: Encodable {
            let record: Int
            let position: Int
            let count: Int
            let file: String
        }

        /// Every Type-9 record as an ISO/IEC 19794-2:2005 file in `folder`.
        func writeMinutiae(_ transaction: NISTTransaction, to folder: URL) throws(VigilError)
            -> (written: [WrittenMinutiae], skipped: [TransactionImages.Skipped]) {
            var written: [WrittenMinutiae] = [], skipped: [TransactionImages.Skipped] = []
            for (index, record) in transaction.records.enumerated() where record.type == 9 {
                let bytes: [UInt8]
                let view: FingerprintView
                do {
                    guard let template = try NISTMinutiae.template(of: record, in: transaction), let first = template.fingerprints.first else {
                        skipped.append(.init(record: index + 1, type: 9, reason: "no minutiae encoding Vigil reads (INCITS 378 block or standard format)"))
                        continue
                    }
                    view = first
                    bytes = try TemplateCodec.write(template, as: .iso19794p2v2005)
                } catch let error as NISTError {
                    skipped.append(.init(record: index + 1, type: 9, reason: error.description))
                    continue
                } catch {
                    skipped.append(.init(record: index + 1, type: 9, reason: "\(error)"))
                    continue
                }
                let name = String(format: "%02d", index + 1) + "-type9-pos\(view.position.code).iso"
                try write(bytes, to: folder.appendingPathComponent(name))
                written.append(WrittenMinutiae(record: index + 1, position: view.position.code, count: view.minutiae.count, file: name))
            }
            return (written, skipped)
        }

        func write(_ bytes: [UInt8], to url: URL) throws(VigilError) {
            guard FileManager.default.createFile(atPath: url.path, contents: Data(bytes)) else { throw VigilError(.invalidField, "cannot write \(url.path)") }
        }

        func run() async throws {
            var skippedAny = false
            try await Output.run(json: json) { () async throws(VigilError) in
                let transaction = try readTransaction(file)
                let (images, unreadable) = TransactionImages.decode(transaction)
                do {
                    try FileManager.default.createDirectory(atPath: out, withIntermediateDirectories: true)
                } catch { throw VigilError(.invalidField, "cannot create \(out)") }
                let folder = URL(fileURLWithPath: out)
                var written: [Written] = []
                for image in images {
                    let position = image.summary.positions.first.map { "-pos\($0)" } ?? ""
                    let name = String(format: "%02d", image.record) + "-type\(image.type)\(position).png"
                    try write(image.image.png(ppi: image.ppi), to: folder.appendingPathComponent(name))
                    written.append(Written(record: image.record, type: image.type, positions: image.summary.positions,
                                           format: image.summary.format.rawValue, width: image.image.width, height: image.image.height,
                                           ppi: image.ppi, file: name))
                }
                let minutiae = try writeMinutiae(transaction, to: folder)
                let skipped = (unreadable + minutiae.skipped).sorted { $0.record < $1.record }
                if json {
                    try? Output.json(Report(written: written, minutiae: minutiae.written, skipped: skipped))
                } else {
                    for w in written {
                        print("\(w.file)  \(w.format) \(w.width)×\(w.height)\(w.ppi.map { ", \($0) ppi" } ?? "")")
                    }
                    for m in minutiae.written { print("\(m.file)  \(m.count) minutiae, ISO/IEC 19794-2:2005") }
                    for s in skipped { print("record \(s.record) (Type-\(s.type)) skipped: \(s.reason)") }
                    print("\(written.count) images and \(minutiae.written.count) minutiae records written to \(out)"
                          + (skipped.isEmpty ? "" : ", \(skipped.count) skipped"))
                }
                skippedAny = !skipped.isEmpty
            }
            if skippedAny { throw ExitCode(1) }
        }
    }
}

/// Reads and parses a transaction file; a refusal names the byte offset.
func readTransaction(_ file: String) throws(VigilError) -> NISTTransaction {
    guard let bytes = FileManager.default.contents(atPath: file) else { throw VigilError(.notFound, "cannot read \(file)") }
    do throws(NISTError) { return try NISTTransaction.parse([UInt8](bytes)) } catch { throw VigilError(error) }
}

/// A transaction as `vigil nist show` prints it.
struct TransactionView: Encodable {
    struct Field: Encodable {
        let tag: String
        /// One value, or its subfields' items.
        let value: [[String]]

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(tag, forKey: .tag)
            if value.count == 1, value[0].count == 1 { try container.encode(value[0][0], forKey: .value) } else { try container.encode(value, forKey: .value) }
        }

        enum CodingKeys: String, CodingKey { case tag, value }

        var text: String { value.map { $0.joined(separator: "␟") }.joined(separator: " | ") }
    }

    struct Record: Encodable {
        let type: Int
        let idc: Int?
        let offset: Int
        let length: Int
        let fields: [Field]
        let image: NISTImage?
    }

    let version: String?
    let records: [Record]

    init(_ transaction: NISTTransaction) {
        version = transaction.version
        records = transaction.records.map { record in
            Record(type: record.type, idc: record.idc, offset: record.offset, length: record.length,
                   fields: record.fields.map { Field(tag: "\(record.type).\(String(format: "%03d", $0.number))", value: $0.subfields) },
                   image: record.image(nativeResolution: transaction.nativeScanningResolution))
        }
    }

    var text: String {
        var lines = ["ANSI/NIST-ITL transaction, version \(version ?? "?"), \(records.count) records"]
        for record in records {
            var heading = "Type-\(record.type)" + (record.idc.map { " IDC \($0)" } ?? "") + "  at byte \(record.offset), \(record.length) bytes"
            if let image = record.image {
                let size = image.width.flatMap { w in image.height.map { h in "\(w)×\(h)" } } ?? "size ?"
                let positions = image.positions.isEmpty ? "" : ", position \(image.positions.map(String.init).joined(separator: ","))"
                heading += "  image: \(image.format.rawValue) \(size), \(image.ppi.map { "\(Int($0.rounded())) ppi" } ?? "ppi ?")\(positions), \(image.bytes) bytes"
            }
            lines.append(heading)
            for field in record.fields { lines.append("  \(field.tag)  \(field.text.prefix(200))") }
        }
        return lines.joined(separator: "\n")
    }
}
