/// Reads and writes minutiae template records, detecting the format from
/// the record's magic and version.
public enum TemplateCodec {
    static let magic: [UInt8] = Array("FMR\0".utf8)

    static let versions: [(TemplateFormat, [UInt8])] = [
        (.iso19794p2v2005, Array(" 20\0".utf8)),
        (.ansi378v2004, Array("020\0".utf8)),
        (.ansi378v2009am1, Array("035\0".utf8)),
        // "030\0" is both ANSI 378-2009 and ISO 19794-2:2011; told apart below.
    ]

    /// Decodes a record; the whole input must be exactly one record.
    public static func parse(_ bytes: [UInt8]) throws(TemplateError) -> (format: TemplateFormat, template: FingerprintTemplate) {
        var r = ByteReader(bytes)
        guard bytes.count >= 8, Array(bytes[0..<4]) == magic else { throw .unknownFormat }
        let version = Array(bytes[4..<8])
        _ = try r.take(8)
        let format = try detect(version, bytes)
        let template: FingerprintTemplate
        switch format {
        case .iso19794p2v2005: template = try LegacyRecordCodec.read(&r, ansi: false)
        case .ansi378v2004: template = try LegacyRecordCodec.read(&r, ansi: true)
        case .ansi378v2009, .ansi378v2009am1: template = try Ansi2009Codec.read(&r)
        case .iso19794p2v2011: template = try Iso2011Codec.read(&r)
        }
        guard r.remaining == 0 else { throw .trailingData(offset: r.offset) }
        return (format, template)
    }

    public static func write(_ template: FingerprintTemplate, as format: TemplateFormat) throws(TemplateError) -> [UInt8] {
        var w = ByteWriter()
        w.append(magic)
        switch format {
        case .iso19794p2v2005:
            w.append(Array(" 20\0".utf8))
            try LegacyRecordCodec.write(template, &w, ansi: false)
        case .ansi378v2004:
            w.append(Array("020\0".utf8))
            try LegacyRecordCodec.write(template, &w, ansi: true)
        case .ansi378v2009, .ansi378v2009am1:
            w.append(Array((format == .ansi378v2009 ? "030\0" : "035\0").utf8))
            try Ansi2009Codec.write(template, &w)
        case .iso19794p2v2011:
            w.append(Array("030\0".utf8))
            try Iso2011Codec.write(template, &w)
        }
        return w.bytes
    }

    /// ANSI 378-2009 and ISO 19794-2:2011 share version "030": after the
    /// 4-byte length, ANSI has a 2-byte vendor id (CBEFF owner, never 0 in
    /// practice) and ISO a 2-byte representation count followed by a 1-byte
    /// certification flag and a 4-byte representation length that fits the record.
    private static func detect(_ version: [UInt8], _ bytes: [UInt8]) throws(TemplateError) -> TemplateFormat {
        if version == Array(" 20\0".utf8) { return .iso19794p2v2005 }
        if version == Array("020\0".utf8) { return .ansi378v2004 }
        if version == Array("035\0".utf8) { return .ansi378v2009am1 }
        guard version == Array("030\0".utf8) else { throw .unknownFormat }
        guard bytes.count >= 19 else { throw .truncated(offset: bytes.count) }
        let flag = bytes[14]
        let firstLength = Int(bytes[15]) << 24 | Int(bytes[16]) << 16 | Int(bytes[17]) << 8 | Int(bytes[18])
        let isoShaped = flag <= 1 && firstLength > 0 && 15 + firstLength <= bytes.count
        return isoShaped ? .iso19794p2v2011 : .ansi378v2009
    }
}
