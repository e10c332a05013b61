/// ISO/IEC 19794-2:2011: a general header (ISO/IEC 19794-1:2011), then
/// finger representations, each with its own length, capture date and
/// device, quality records, optional certificates and geometry; minutiae
/// are 5 or 6 bytes (with quality) as the representation declares.
enum Iso2011Codec {
    static func read(_ r: inout ByteReader) throws(TemplateError) -> FingerprintTemplate {
        let declared = try r.u32()
        guard declared == r.bytes.count else { throw .lengthMismatch(declared: declared, actual: r.bytes.count) }
        let count = try r.u16()
        let certified = try r.u8() != 0
        var t = FingerprintTemplate(fingerprints: [])
        for _ in 0..<count {
            let start = r.offset
            let length = try r.u32()
            var view = try readRepresentation(&r, certified: certified)
            guard r.offset - start == length else { throw .lengthMismatch(declared: length, actual: r.offset - start) }
            view.certificates = view.certificates ?? []
            t.fingerprints.append(view)
        }
        return t
    }

    private static func readRepresentation(_ r: inout ByteReader, certified: Bool) throws(TemplateError) -> FingerprintView {
        let datetime = CaptureDateTime(year: try r.u16(), month: try r.u8(), day: try r.u8(), hour: try r.u8(),
                                       minute: try r.u8(), second: try r.u8(), millisecond: try r.u16())
        let sensorType = CodedName(try r.u8(), in: CodeTables.sensorType)
        let sensorVendor = try r.u16(), sensorId = try r.u16()
        var qrecords: [QualityRecord] = []
        for _ in 0..<(try r.u8()) {
            qrecords.append(QualityRecord(quality: try r.u8(), vendor: try r.u16(), algorithm: try r.u16()))
        }
        var certificates: [Certificate] = []
        if certified {
            for _ in 0..<(try r.u8()) { certificates.append(Certificate(authority: try r.u16(), scheme: try r.u8())) }
        }
        let position = try r.u8(), number = try r.u8()
        let resolutionX = try r.u16(), resolutionY = try r.u16()
        let impression = try r.u8()
        let width = try r.u16(), height = try r.u16()
        let coding = try r.u8()
        let fieldLength = coding >> 4
        guard fieldLength == 5 || fieldLength == 6 else { throw .invalidField("minutia field length \(fieldLength)") }
        var view = FingerprintView(position: CodedName(position, in: CodeTables.position), view: number,
                                   scanType: CodedName(impression, in: CodeTables.scanType), minutiae: [])
        for _ in 0..<(try r.u8()) { view.minutiae.append(try MinutiaCoding.read(&r, withQuality: fieldLength == 6)) }
        (view.counts, view.extensions) = try MinutiaCoding.readExtensions(&r, length: .includingHeader)
        view.datetime = datetime
        view.sensorType = sensorType
        view.sensorVendor = sensorVendor
        view.sensorId = sensorId
        view.qrecords = qrecords
        view.certificates = certificates
        view.resolutionX = resolutionX
        view.resolutionY = resolutionY
        view.width = width
        view.height = height
        view.endingType = CodedName(coding & 0x0F, in: CodeTables.endingType)
        return view
    }

    static func write(_ t: FingerprintTemplate, _ w: inout ByteWriter) throws(TemplateError) {
        let certified = t.fingerprints.contains { !($0.certificates ?? []).isEmpty }
        var body = ByteWriter()
        try body.u16(t.fingerprints.count)
        try body.u8(certified ? 1 : 0)
        for view in t.fingerprints {
            var rep = ByteWriter()
            let d = view.datetime ?? CaptureDateTime(year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0, millisecond: 0)
            try rep.u16(d.year)
            for value in [d.month, d.day, d.hour, d.minute, d.second] { try rep.u8(value) }
            try rep.u16(d.millisecond)
            try rep.u8(view.sensorType?.code ?? 0)
            try rep.u16(view.sensorVendor ?? 0)
            try rep.u16(view.sensorId ?? 0)
            let qrecords = view.qrecords ?? []
            try rep.u8(qrecords.count)
            for q in qrecords {
                try rep.u8(q.quality)
                try rep.u16(q.vendor)
                try rep.u16(q.algorithm)
            }
            if certified {
                let certificates = view.certificates ?? []
                try rep.u8(certificates.count)
                for c in certificates {
                    try rep.u16(c.authority)
                    try rep.u8(c.scheme)
                }
            }
            try rep.u8(view.position.code)
            try rep.u8(view.view)
            try rep.u16(view.resolutionX ?? 0)
            try rep.u16(view.resolutionY ?? 0)
            try rep.u8(view.scanType.code)
            try rep.u16(view.width ?? 0)
            try rep.u16(view.height ?? 0)
            let withQuality = view.minutiae.contains { $0.quality != nil } || view.minutiae.isEmpty
            try rep.u8((withQuality ? 6 : 5) << 4 | (view.endingType?.code ?? 0))
            try rep.u8(view.minutiae.count)
            for m in view.minutiae { try MinutiaCoding.write(m, &rep, withQuality: withQuality) }
            try MinutiaCoding.writeExtensions(view.counts, view.extensions, &rep, length: .includingHeader)
            try body.u32(rep.bytes.count + 4)
            body.append(rep.bytes)
        }
        try w.u32(w.bytes.count + 4 + body.bytes.count)
        w.append(body.bytes)
    }
}
