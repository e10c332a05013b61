import VigilInterchange
import VigilVision

/// The images an ANSI/NIST-ITL transaction carries, decoded (WSQ by Vigil's
/// own decoder, JPEG 2000 by OpenJPEG, uncompressed grey as it is) and ready
/// to leave as PNG with the resolution their record states.
public struct TransactionImage: Sendable {
    /// The record's place in the transaction, 1 for the Type-1 record.
    public let record: Int
    public let type: Int
    public let summary: NISTImage
    public let image: DecodedImage
    /// Pixels per inch: the record's, else the encoded image's own.
    public var ppi: Int? { summary.ppi.map { Int($0.rounded()) } ?? image.ppi }
}

public enum TransactionImages {
    /// A record whose image could not be decoded, and why.
    public struct Skipped: Sendable, Encodable {
        public let record: Int
        public let type: Int
        public let reason: String

        public init(record: Int, type: Int, reason: String) {
            self.record = record
            self.type = type
            self.reason = reason
        }
    }

    /// Every image record `wanted` picks, decoded: faces and marks (Type-10) in colour, everything else in grey.
    public static func decode(_ transaction: NISTTransaction, pixelLimit: UInt64 = 40_000_000,
                              wanted: (NISTRecord, NISTImage) -> Bool = { _, _ in true }) -> (images: [TransactionImage], skipped: [Skipped]) {
        var images: [TransactionImage] = [], skipped: [Skipped] = []
        for (index, record) in transaction.records.enumerated() {
            guard let summary = record.image(nativeResolution: transaction.nativeScanningResolution), let data = record.data,
                  wanted(record, summary) else { continue }
            do throws(VigilError) {
                let image = try decode(data, summary: summary, colour: record.type == 10, pixelLimit: pixelLimit)
                images.append(TransactionImage(record: index + 1, type: record.type, summary: summary, image: image))
            } catch {
                skipped.append(Skipped(record: index + 1, type: record.type, reason: error.message))
            }
        }
        return (images, skipped)
    }

    static func decode(_ data: [UInt8], summary: NISTImage, colour: Bool, pixelLimit: UInt64) throws(VigilError) -> DecodedImage {
        let ppi = summary.ppi.map { Int($0.rounded()) }
        if summary.format == .raw {
            // Uncompressed: 8-bit grey, row by row, at the size the record states.
            guard let width = summary.width, let height = summary.height, width > 0, height > 0,
                  UInt64(width) * UInt64(height) <= pixelLimit else {
                throw VigilError(.invalidTransaction, "an uncompressed image without a usable size")
            }
            guard data.count == width * height else {
                throw VigilError(.invalidTransaction, "an uncompressed \(width)×\(height) image of \(data.count) bytes (only 8-bit grey is read)")
            }
            return DecodedImage(width: width, height: height, ppi: ppi, pixels: data)
        }
        do throws(VisionError) {
            return try DecodedImage.decode(data, channels: colour ? .colour : .grey, pixelLimit: pixelLimit)
        } catch {
            throw VigilError(error, field: "the \(summary.format.rawValue) image")
        }
    }
}
