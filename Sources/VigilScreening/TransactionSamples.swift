import VigilInterchange
import VigilTemplates
import VigilVision

/// The biometric samples of an ANSI/NIST-ITL transaction, in the forms the
/// enrolment and screening pipelines take: face photos from Type-10 records
/// whose image type is FACE (JPEG, JPEG 2000 and PNG as sent, other data
/// re-encoded as PNG), and one finger per position 1 to 10: its image
/// (Type-4, 13 or 14, re-encoded as PNG stating the record's resolution, so
/// the extractor reads it at that resolution) or, for a position without
/// one, its Type-9 minutiae as an ISO/IEC 19794-2 record.
public enum TransactionSamples {
    /// A transaction from untrusted bytes; refused with `invalid_transaction` and the byte offset.
    public static func parse(_ bytes: [UInt8]) throws(VigilError) -> NISTTransaction {
        do throws(NISTError) { return try NISTTransaction.parse(bytes) } catch { throw VigilError(error) }
    }

    public static func read(_ transaction: NISTTransaction) throws(VigilError) -> (faces: [[UInt8]], fingers: [FingerSample]) {
        var faces: [[UInt8]] = [], fingers: [FingerPosition: [UInt8]] = [:]
        // Only what becomes a sample is decoded: a transaction's palms, latents
        // and slaps (up to the body limit) cost no decoding time.
        var positionsTaken: Set<Int> = []
        let (images, _) = TransactionImages.decode(transaction) { record, summary in
            if record.type == 10 { return isFace(record) && ![.jpeg, .jpeg2000, .png].contains(summary.format) }
            guard [3, 4, 13, 14].contains(record.type), summary.positions.count == 1, (1...10).contains(summary.positions[0]) else { return false }
            return positionsTaken.insert(summary.positions[0]).inserted
        }
        for (index, record) in transaction.records.enumerated() where record.type == 10 && isFace(record) {
            guard let data = record.data, let summary = record.image() else { continue }
            switch summary.format {
            case .jpeg, .jpeg2000, .png: faces.append(data)
            default:
                // Decoded above; `TransactionImage.record` counts from 1.
                if let image = images.first(where: { $0.record == index + 1 }) { faces.append(image.image.png(ppi: image.ppi)) }
            }
        }
        for image in images where image.type != 10 {
            guard let position = FingerPosition(code: image.summary.positions[0]) else { continue }
            fingers[position] = image.image.png(ppi: image.ppi)
        }
        for record in transaction.records where record.type == 9 {
            let template: FingerprintTemplate?
            do throws(NISTError) { template = try NISTMinutiae.template(of: record, in: transaction) } catch { throw VigilError(error) }
            guard let template, let view = template.fingerprints.first, let position = FingerPosition(code: view.position.code),
                  fingers[position] == nil else { continue }
            do {
                fingers[position] = try TemplateCodec.write(template, as: .iso19794p2v2005)
            } catch {
                throw VigilError(.invalidTransaction, "the Type-9 minutiae of \(position.rawValue) do not make a template: \(error)")
            }
        }
        guard !faces.isEmpty || !fingers.isEmpty else {
            throw VigilError(.missingField, "the transaction holds no face (Type-10 FACE) and no single finger (Type-4, 13, 14 or 9)")
        }
        return (faces, fingers.sorted { $0.key.code < $1.key.code }.map { FingerSample(position: $0.key, bytes: $0.value) })
    }

    /// A Type-10 record whose image type (10.003) is FACE.
    static func isFace(_ record: NISTRecord) -> Bool {
        record.field(3)?.value?.trimmingCharacters(in: .whitespaces).uppercased() == "FACE"
    }
}
