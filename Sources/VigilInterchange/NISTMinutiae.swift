// The fuzz harness compiles this module's and VigilTemplates' sources as one module.
#if canImport(VigilTemplates)
import VigilTemplates
#endif

/// Type-9 minutiae as an ISO/IEC 19794-2:2005 template: the form Vigil's
/// matcher and every other tool reads.
///
/// Two encodings are read:
/// - the INCITS 378 block (fields 9.126–9.140, "M1"): positions in pixels
///   from the top-left corner, angles in 2-degree units, the image's size and
///   resolution in the block itself;
/// - the legacy standard format (9.012): positions in units of 0.01 mm from
///   the bottom-left corner, angles in degrees pointing the opposite way
///   (NIST's reference pair `type-9-14-std` / `type-9-14-m1` of one print
///   differs by 180° on every minutia), so the image record with the same
///   IDC supplies the height and resolution that place them on the image.
public enum NISTMinutiae {
    /// The template of Type-9 `record` in `transaction`; nil when the record
    /// carries neither encoding (a user-defined block Vigil does not know).
    public static func template(of record: NISTRecord, in transaction: NISTTransaction) throws(NISTError) -> FingerprintTemplate? {
        guard record.type == 9 else { return nil }
        if record.field(137) != nil { return try incits378(record) }
        if record.field(12) != nil { return try standard(record, in: transaction) }
        return nil
    }

    /// ISO 19794-2:2005 angles: 256 units to the turn, counter-clockwise from the x axis.
    static func isoAngle(degrees: Double) -> Int {
        let units = Int((degrees * 256 / 360).rounded())
        return ((units % 256) + 256) % 256
    }

    static func incits378(_ record: NISTRecord) throws(NISTError) -> FingerprintTemplate {
        let number = { (field: Int, item: Int) -> Int? in
            record.field(field)?.subfields.first.flatMap { item < $0.count ? Int($0[item].trimmed) : nil }
        }
        guard let width = number(128, 0), let height = number(129, 0), width > 0, height > 0,
              let horizontal = number(131, 0), let vertical = number(132, 0), horizontal > 0, vertical > 0 else {
            throw NISTError(offset: record.offset, "an INCITS 378 minutiae block (9.126–9.140) without the image's size and resolution")
        }
        // 9.130: 1 pixels per inch, 2 pixels per centimetre (what ISO 19794-2 states).
        let perCentimetre = { (value: Int) in number(130, 0) == 1 ? Int((Double(value) / 2.54).rounded()) : value }
        var minutiae: [Minutia] = []
        for items in record.field(137)?.subfields ?? [] {
            let values = items.map { Int($0.trimmed) }
            guard values.count >= 4, let x = values[1], let y = values[2], let angle = values[3],
                  (0..<width).contains(x), (0..<height).contains(y), (0..<180).contains(angle) else {
                throw NISTError(offset: record.offset, "9.137 minutia \(items.first ?? "?") is not x, y inside the image and an angle below 180")
            }
            let type = values.count > 4 ? values[4] ?? 0 : 0
            let quality = values.count > 5 ? values[5].map { min(100, max(0, $0)) } ?? 0 : 0
            minutiae.append(Minutia(type: .minutiaType((0...2).contains(type) ? type : 0), positionX: x, positionY: y,
                                    angle: isoAngle(degrees: Double(angle * 2)), quality: quality))
        }
        return template(position: number(134, 0) ?? 0, impression: number(133, 0) ?? 0, width: width, height: height,
                        resolutionX: perCentimetre(horizontal), resolutionY: perCentimetre(vertical),
                        quality: number(135, 0), minutiae: minutiae)
    }

    static func standard(_ record: NISTRecord, in transaction: NISTTransaction) throws(NISTError) -> FingerprintTemplate {
        // The image this record describes has the same IDC.
        let image = transaction.records.first { $0.type != 9 && $0.idc == record.idc && $0.image() != nil }
            .flatMap { $0.image(nativeResolution: transaction.nativeScanningResolution) }
        guard let image, let width = image.width, let height = image.height, let ppi = image.ppi, ppi > 0 else {
            throw NISTError(offset: record.offset,
                            "standard-format minutiae (9.012) whose image (IDC \(record.idc.map(String.init) ?? "?")) is missing or states no size and resolution")
        }
        let pixelsPerHundredthMillimetre = ppi / 2540
        var minutiae: [Minutia] = []
        for items in record.field(12)?.subfields ?? [] {
            // Item 2: XXXXYYYYTTT (x, y in 0.01 mm from the bottom-left corner, theta in degrees).
            let packed = items.count > 1 ? Array(items[1].trimmed) : []
            guard packed.count == 11, let x = Int(String(packed[0..<4])), let y = Int(String(packed[4..<8])),
                  let theta = Int(String(packed[8..<11])), theta < 360 else {
                throw NISTError(offset: record.offset, "9.012 minutia \(items.first ?? "?") is not XXXXYYYYTTT")
            }
            let column = Int((Double(x) * pixelsPerHundredthMillimetre).rounded())
            let row = height - Int((Double(y) * pixelsPerHundredthMillimetre).rounded())
            guard (0..<width).contains(column), (0..<height).contains(row) else {
                throw NISTError(offset: record.offset, "9.012 minutia \(items.first ?? "?") lies outside its \(width)×\(height) image")
            }
            // Item 4: A ridge ending, B bifurcation, C compound, D undetermined.
            let type = items.count > 3 ? ["A": 1, "B": 2][items[3].trimmed.uppercased()] ?? 0 : 0
            minutiae.append(Minutia(type: .minutiaType(type), positionX: column, positionY: row,
                                    angle: isoAngle(degrees: Double(theta + 180)), quality: 0))   // 0: not reported
        }
        let integer = { (n: Int) in record.field(n)?.value.flatMap { Int($0.trimmed) } }
        let perCentimetre = Int((ppi / 2.54).rounded())
        return template(position: integer(6) ?? 0, impression: integer(3) ?? 0, width: width, height: height,
                        resolutionX: perCentimetre, resolutionY: perCentimetre, quality: nil, minutiae: minutiae)
    }

    static func template(position: Int, impression: Int, width: Int, height: Int, resolutionX: Int, resolutionY: Int,
                         quality: Int?, minutiae: [Minutia]) -> FingerprintTemplate {
        // ANSI/NIST impression codes 0–3 and 8 are ISO's; latents (4–7) were not captured live.
        let scan = [0, 1, 2, 3, 8].contains(impression) ? impression : 2
        var view = FingerprintView(position: .fingerPosition((0...10).contains(position) ? position : 0), view: 0,
                                   scanType: .scanType(scan), minutiae: Array(minutiae.prefix(255)))
        view.quality = quality.map { min(100, max(0, $0)) } ?? 0
        var template = FingerprintTemplate(fingerprints: [view])
        template.sensorCertified = false
        template.sensorId = 0
        template.width = width
        template.height = height
        template.resolutionX = resolutionX
        template.resolutionY = resolutionY
        return template
    }
}

extension NISTMinutiae {
    /// The first view of an ISO/IEC 19794-2:2005 template as a Type-9 record
    /// in the INCITS 378 block (9.126–9.137): what another agency's system
    /// reads, the inverse of `template(of:in:)` up to its 2-degree angles.
    public static func record(_ template: FingerprintTemplate, idc: Int) -> NISTRecord? {
        guard let view = template.fingerprints.first else { return nil }
        let perCentimetre = { (value: Int?) in String(value.flatMap { $0 > 0 ? $0 : nil } ?? 197) }
        let minutiae = view.minutiae.enumerated().map { index, m -> [String] in
            // 256 ISO units to the turn, to 2-degree units (0–179).
            let units = Int((Double(m.angle) * 360 / 256 / 2).rounded()) % 180
            return [String(format: "%03d", index + 1), String(m.positionX), String(m.positionY), String(units),
                    String(m.type.code), String(m.quality ?? 0)]
        }
        var fields = [
            NISTField(number: 2, value: String(idc)), NISTField(number: 3, value: String(view.scanType.code)),
            NISTField(number: 4, value: "U"),
            NISTField(number: 126, subfields: [["27", "513", "Vigil"]]),     // CBEFF: INCITS TC M1, finger minutiae (0x0201)
            NISTField(number: 127, subfields: [["NONE", "0"]]),
            // A record that states no image size (0) gets the smallest that holds its minutiae.
            NISTField(number: 128, value: String(max(template.width ?? 0, (view.minutiae.map(\.positionX).max() ?? 0) + 1))),
            NISTField(number: 129, value: String(max(template.height ?? 0, (view.minutiae.map(\.positionY).max() ?? 0) + 1))),
            NISTField(number: 130, value: "2"),                                  // pixels per centimetre
            NISTField(number: 131, value: perCentimetre(template.resolutionX)), NISTField(number: 132, value: perCentimetre(template.resolutionY)),
            NISTField(number: 133, value: String(view.view)), NISTField(number: 134, value: String(view.position.code)),
            NISTField(number: 135, subfields: [[String(view.quality ?? 0), "0000", "0"]]),
            NISTField(number: 136, value: String(minutiae.count)),
        ]
        if !minutiae.isEmpty { fields.append(NISTField(number: 137, subfields: minutiae)) }
        return NISTRecord(type: 9, fields: fields)
    }
}
