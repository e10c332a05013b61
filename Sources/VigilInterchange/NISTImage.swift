/// What an image record holds, summarised: enough to show, extract or
/// decode it (`vigil nist show`), read from the record's fields and the
/// data's own signature (which wins when the two disagree).
public struct NISTImage: Sendable, Equatable, Codable {
    public enum Format: String, Sendable, Codable {
        case wsq, jpeg, jpeg2000 = "jpeg2000", png, raw, unknown
    }

    public let format: Format
    /// The compression the record declares (`CGA`: `WSQ20`, `JPEGB`, … or the binary code).
    public let declaredCompression: String?
    public let width: Int?
    public let height: Int?
    /// Pixels per inch, when the record states a scale in units.
    public let ppi: Double?
    /// Finger (or palm) positions, as codes (`FGP`, `PLP`).
    public let positions: [Int]
    public let bytes: Int
}

extension NISTRecord {
    /// The types whose field 999 (or binary body) is an image: fingers (3 to
    /// 6, 13, 14), palms (15), faces and marks (10), signatures (8), other
    /// images (16), irises (17).
    static let imageTypes: Set<Int> = [3, 4, 5, 6, 8, 10, 13, 14, 15, 16, 17]

    /// The image this record carries, summarised; nil for records without one.
    /// `nativeResolution`: the transaction's 1.011, in pixels per millimetre.
    public func image(nativeResolution: Double? = nil) -> NISTImage? {
        guard Self.imageTypes.contains(type), let data, !data.isEmpty else { return nil }
        let integer = { (n: Int) in self.field(n)?.value.flatMap { Int($0.trimmed) } }
        let declared: String?
        let ppi: Double?
        let positions: [Int]
        if Self.isBinary(type) {
            let gca = integer(8)
            declared = type == 8 ? nil : gca.map { $0 == 0 ? "NONE" : $0 == 1 ? "WSQ" : String($0) }
            // ISR 0: the nominal 19.69 pixels per millimetre (500 ppi); 1: the transaction's native resolution.
            ppi = integer(5) == 1 ? nativeResolution.map { $0 * 25.4 } : 500
            positions = type == 8 ? [] : (field(4)?.subfields.first ?? []).compactMap { Int($0) }.filter { $0 != 255 }
        } else {
            declared = field(11)?.value
            let scale = integer(8)
            let horizontal = field(9)?.value.flatMap { Double($0.trimmed) }
            ppi = scale == 1 ? horizontal : scale == 2 ? horizontal.map { $0 * 2.54 } : nil
            positions = (field(13)?.subfields ?? []).compactMap { $0.first.flatMap { Int($0.trimmed) } }
        }
        return NISTImage(format: Self.format(of: data, declared: declared), declaredCompression: declared,
                         width: integer(6), height: integer(7), ppi: ppi, positions: positions, bytes: data.count)
    }

    /// The data's own signature first; the declared compression when it has none.
    static func format(of data: [UInt8], declared: String?) -> NISTImage.Format {
        func starts(_ prefix: [UInt8]) -> Bool { data.count >= prefix.count && Array(data.prefix(prefix.count)) == prefix }
        if starts([0xFF, 0xA0]) { return .wsq }
        if starts([0xFF, 0xD8]) { return .jpeg }
        if starts([0x89, 0x50, 0x4E, 0x47]) { return .png }
        if starts([0xFF, 0x4F, 0xFF, 0x51]) || starts([0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) { return .jpeg2000 }
        switch declared?.trimmed.uppercased() {
        case "NONE", "0": return .raw
        default: return .unknown
        }
    }
}
