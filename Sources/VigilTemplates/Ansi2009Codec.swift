/// ANSI INCITS 378-2009 (and its Amendment 1, same layout): geometry and a
/// quality record move into each finger view.
enum Ansi2009Codec {
    static func read(_ r: inout ByteReader) throws(TemplateError) -> FingerprintTemplate {
        let declared = try r.u32()
        // As with ANSI 2004, writers disagree on the length by a byte or two:
        // a record may declare less than it holds, never more.
        guard declared <= r.bytes.count else { throw .lengthMismatch(declared: declared, actual: r.bytes.count) }
        var t = FingerprintTemplate(fingerprints: [])
        t.vendorId = try r.u16()
        t.subformat = try r.u16()
        t.sensorCertified = try r.u8() != 0
        t.sensorId = try r.u16()
        let views = try r.u8()
        _ = try r.u8()   // reserved
        for _ in 0..<views {
            let position = try r.u8(), number = try r.u8(), impression = try r.u8()
            var view = FingerprintView(position: CodedName(position, in: CodeTables.position), view: number,
                                       scanType: CodedName(impression, in: CodeTables.scanType), minutiae: [])
            view.quality = try r.u8()
            view.qualityVendorId = try r.u16()
            view.qualityAlgorithmId = try r.u16()
            view.width = try r.u16()
            view.height = try r.u16()
            view.resolutionX = try r.u16()
            view.resolutionY = try r.u16()
            let count = try r.u8()
            for _ in 0..<count {
                view.minutiae.append(try MinutiaCoding.read(&r, withQuality: true, types: CodeTables.ansi2009MinutiaType))
            }
            (view.counts, view.extensions) = try MinutiaCoding.readExtensions(&r, length: .includingHeader)
            t.fingerprints.append(view)
        }
        return t
    }

    static func write(_ t: FingerprintTemplate, _ w: inout ByteWriter) throws(TemplateError) {
        var body = ByteWriter()
        try body.u16(t.vendorId ?? 0)
        try body.u16(t.subformat ?? 0)
        try body.u8(t.sensorCertified == true ? 1 : 0)
        try body.u16(t.sensorId ?? 0)
        try body.u8(t.fingerprints.count)
        try body.u8(0)
        for view in t.fingerprints {
            try body.u8(view.position.code)
            try body.u8(view.view)
            try body.u8(view.scanType.code)
            try body.u8(view.quality ?? 0)
            for value in [view.qualityVendorId, view.qualityAlgorithmId, view.width, view.height, view.resolutionX, view.resolutionY] {
                try body.u16(value ?? 0)
            }
            try body.u8(view.minutiae.count)
            for m in view.minutiae { try MinutiaCoding.write(m, &body, withQuality: true) }
            try MinutiaCoding.writeExtensions(view.counts, view.extensions, &body, length: .includingHeader)
        }
        try w.u32(w.bytes.count + 4 + body.bytes.count)
        w.append(body.bytes)
    }
}
