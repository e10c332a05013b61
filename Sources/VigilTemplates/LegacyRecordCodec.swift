/// ISO/IEC 19794-2:2005 and ANSI INCITS 378-2004: one record header with the
/// image geometry, then finger views of 4 header bytes and 6-byte minutiae.
/// They differ in the header (ANSI adds vendor and subformat, and a 2-byte
/// length) and in whether an extension block's length counts its header.
enum LegacyRecordCodec {
    static func read(_ r: inout ByteReader, ansi: Bool) throws(TemplateError) -> FingerprintTemplate {
        var t = FingerprintTemplate(fingerprints: [])
        var declared: Int
        if ansi {
            declared = try r.u16()
            if declared == 0 { declared = try r.u32() }
            t.vendorId = try r.u16()
            t.subformat = try r.u16()
        } else {
            declared = try r.u32()
        }
        // ANSI writers disagree on the record length by a byte or two (the
        // published 2004 sample declares 2 less than it holds): a record may
        // declare less than it holds, never more. ISO records must be exact.
        guard ansi ? declared <= r.bytes.count : declared == r.bytes.count else {
            throw .lengthMismatch(declared: declared, actual: r.bytes.count)
        }
        let equipment = try r.u16()
        guard equipment & 0x7000 == 0 else { throw .invalidField("capture equipment compliance bits") }
        t.sensorCertified = equipment & 0x8000 != 0
        t.sensorId = equipment & 0x0FFF
        t.width = try r.u16()
        t.height = try r.u16()
        t.resolutionX = try r.u16()
        t.resolutionY = try r.u16()
        let views = try r.u8()
        _ = try r.u8()   // reserved
        for _ in 0..<views {
            let position = try r.u8(), viewAndImpression = try r.u8(), quality = try r.u8(), count = try r.u8()
            var minutiae: [Minutia] = []
            for _ in 0..<count { minutiae.append(try MinutiaCoding.read(&r, withQuality: true)) }
            let (counts, extensions) = try MinutiaCoding.readExtensions(&r, length: ansi ? .includingHeader : .dataOnly)
            var view = FingerprintView(position: CodedName(position, in: CodeTables.position), view: viewAndImpression >> 4,
                                       scanType: CodedName(viewAndImpression & 0x0F, in: CodeTables.scanType),
                                       minutiae: minutiae, extensions: extensions)
            view.quality = quality
            view.counts = counts
            t.fingerprints.append(view)
        }
        return t
    }

    static func write(_ t: FingerprintTemplate, _ w: inout ByteWriter, ansi: Bool) throws(TemplateError) {
        var body = ByteWriter()
        try body.u16((t.sensorCertified == true ? 0x8000 : 0) | ((t.sensorId ?? 0) & 0x0FFF))
        for value in [t.width, t.height, t.resolutionX, t.resolutionY] { try body.u16(value ?? 0) }
        try body.u8(t.fingerprints.count)
        try body.u8(0)
        for view in t.fingerprints {
            try body.u8(view.position.code)
            try body.u8(view.view << 4 | view.scanType.code)
            try body.u8(view.quality ?? 0)
            try body.u8(view.minutiae.count)
            for m in view.minutiae { try MinutiaCoding.write(m, &body, withQuality: true) }
            try MinutiaCoding.writeExtensions(view.counts, view.extensions, &body, length: ansi ? .includingHeader : .dataOnly)
        }
        if ansi {
            let total = w.bytes.count + 2 + 4 + body.bytes.count
            if total <= 0xFFFF {
                try w.u16(total)
            } else {
                try w.u16(0)
                try w.u32(total + 4)
            }
            try w.u16(t.vendorId ?? 0)
            try w.u16(t.subformat ?? 0)
        } else {
            try w.u32(w.bytes.count + 4 + body.bytes.count)
        }
        w.append(body.bytes)
    }
}
