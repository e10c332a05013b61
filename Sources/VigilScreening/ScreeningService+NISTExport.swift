import Foundation
import VigilInterchange
import VigilStorage
import VigilTemplates
import VigilVision

extension ScreeningService {
    /// One watchlist entry as an ANSI/NIST-ITL transaction, for another
    /// agency: Type-1 (`agency` as originator, `destination` as destination,
    /// the entry's id as transaction control number), Type-2 with its name
    /// (2.018), aliases (2.019) and date of birth (2.022), Type-10 with its
    /// kept reference photo (when one was kept: templates are the recognizer's
    /// own and mean nothing elsewhere), a Type-14 image per finger whose source
    /// image was kept (PNG, the compression field saying so; Vigil writes no
    /// WSQ), and one Type-9 INCITS 378 minutiae record per finger. Each export
    /// is an audit record.
    public func exportTransaction(id: UUID, agency: String, destination: String = "", type: String = "EXPORT") async throws(VigilError) -> [UInt8] {
        for (name, value) in [("agency", agency), ("destination", destination), ("type", type)] {
            guard value.count <= 64, !value.unicodeScalars.contains(where: { $0.value < 0x20 }) else {
                throw VigilError(.invalidField, "\(name) must be printable and at most 64 characters")
            }
        }
        let entry: WatchlistEntry, photo: [UInt8]?, fingers: [StoredFingerTemplate], fingerImages: [Int: [UInt8]]
        do {
            entry = try await store.entry(id: id)
            photo = try await store.faceReferencePhoto(entry: id)
            fingers = try await store.fingerTemplates(entry: id)
            fingerImages = try await store.fingerSourceImages(entry: id)
        } catch {
            throw storageFailure(error, "export")
        }
        let details = entry.entry.details
        let date = Self.compactDate(configuration.clock())
        var records = [NISTRecord(type: 1, fields: [
            NISTField(number: 2, value: "0502"), NISTField(number: 4, value: type), NISTField(number: 5, value: date),
            NISTField(number: 7, value: destination), NISTField(number: 8, value: agency), NISTField(number: 9, value: id.uuidString),
            NISTField(number: 11, value: "19.69"), NISTField(number: 12, value: "19.69"), NISTField(number: 13, subfields: [["VIGIL", "1"]]),
        ])]
        var type2 = [NISTField(number: 2, value: "0"), NISTField(number: 18, value: details.name)]
        if !details.aliases.isEmpty { type2.append(NISTField(number: 19, subfields: details.aliases.map { [$0] })) }
        if let birth = details.dateOfBirth { type2.append(NISTField(number: 22, value: birth.filter(\.isNumber))) }
        records.append(NISTRecord(type: 2, fields: type2))
        var idc = 1
        if let photo, let face = Self.faceRecord(photo, idc: idc, source: agency, date: date) {
            records.append(face)
            idc += 1
        }
        for (position, image) in fingerImages.sorted(by: { $0.key < $1.key }) {
            guard let record = Self.fingerImageRecord(image, position: position, idc: idc, source: agency, date: date) else { continue }
            records.append(record)
            idc += 1
        }
        for finger in fingers {
            guard let template = try? TemplateCodec.parse(finger.record).template,
                  let record = NISTMinutiae.record(template, idc: idc) else { continue }
            records.append(record)
            idc += 1
        }
        guard records.count > 2 else {
            throw VigilError(.notFound, "the entry has no reference photo kept and no finger: nothing biometric to export")
        }
        let bytes: [UInt8]
        do throws(NISTError) { bytes = try NISTTransaction(records: records).encoded() } catch {
            throw VigilError(.invalidField, "the entry's details cannot be written as a transaction: \(error.reason)")
        }
        do {
            _ = try await store.audit(AuditDraft(action: AuditAction.exportNIST, subject: id.uuidString, outcome: "exported",
                                                 result: #"{"records":\#(records.count),"destination":"\#(destination.isEmpty ? "-" : "set")"}"#))
        } catch {
            throw storageFailure(error, "export")
        }
        return bytes
    }

    /// A Type-10 FACE record for a photo Vigil can read the size of.
    static func faceRecord(_ photo: [UInt8], idc: Int, source: String, date: String) -> NISTRecord? {
        guard let info = try? ImageProbe.probe(photo) else { return nil }
        let compression: String
        switch info.format {
        case .jpeg: compression = "JPEGB"
        case .png: compression = "PNG"
        case .jpeg2000: compression = "JP2"
        default: return nil
        }
        return NISTRecord(type: 10, fields: [
            NISTField(number: 2, value: String(idc)), NISTField(number: 3, value: "FACE"), NISTField(number: 4, value: source),
            NISTField(number: 5, value: date), NISTField(number: 6, value: String(info.width)), NISTField(number: 7, value: String(info.height)),
            NISTField(number: 8, value: "0"), NISTField(number: 9, value: "1"), NISTField(number: 10, value: "1"),
            NISTField(number: 11, value: compression), NISTField(number: 12, value: "SRGB"),
        ], data: photo)
    }

    /// A Type-14 record of a finger image, re-encoded as 8-bit grey PNG at the resolution it states (500 ppi when none).
    static func fingerImageRecord(_ image: [UInt8], position: Int, idc: Int, source: String, date: String) -> NISTRecord? {
        guard let pixels = try? DecodedImage.decode(image) else { return nil }
        let ppi = pixels.ppi.flatMap { $0 >= 150 ? $0 : nil } ?? 500
        return NISTRecord(type: 14, fields: [
            NISTField(number: 2, value: String(idc)), NISTField(number: 3, value: "0"), NISTField(number: 4, value: source),
            NISTField(number: 5, value: date), NISTField(number: 6, value: String(pixels.width)), NISTField(number: 7, value: String(pixels.height)),
            NISTField(number: 8, value: "1"), NISTField(number: 9, value: String(ppi)), NISTField(number: 10, value: String(ppi)),
            NISTField(number: 11, value: "PNG"), NISTField(number: 12, value: "8"), NISTField(number: 13, value: String(position)),
        ], data: pixels.png(ppi: ppi))
    }

    static func compactDate(_ date: Date) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day], from: date)
        return String(format: "%04d%02d%02d", c.year ?? 1970, c.month ?? 1, c.day ?? 1)
    }
}
