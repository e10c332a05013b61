import Foundation
import VigilMatching
import VigilTemplates
import VigilVision

/// Turns a finger sample into a stored record and cylinders. A sample is an
/// ISO/IEC 19794-2 or ANSI INCITS 378 minutiae record, or an image (JPEG,
/// PNG, BMP, TIFF, WebP; 300 to 600 dpi as the file states, 500 if it states none) whose minutiae Vigil's extractor finds
/// and writes as an ISO/IEC 19794-2:2005 record, so every finger is stored
/// and compared the same way.
public enum FingerCapture {
    /// Below these a print is refused (capture again): too few minutiae to
    /// compare (from an image or a minutiae record, and counting only those
    /// with a cylinder: `comparable`), or, for an image, a quality that only
    /// a capture with no print to speak of gets (a blank or pure-noise
    /// image). Poor but real prints are kept: their quality is stored in the
    /// record, and on the FVC databases refusing the few scoring under 10
    /// raised the EER (their genuine pairs still matched more often than not).
    public static let minimumMinutiae = 8
    static let minimumQuality: Float = 5

    /// Whether a print is good enough to keep (else: capture again).
    static func accepts(_ print: ExtractedFingerprint) -> Bool {
        print.minutiae.count >= minimumMinutiae && print.quality >= minimumQuality
    }

    static func record(_ sample: FingerSample, field: String) throws(VigilError) -> (record: [UInt8], cylinders: CylinderTemplate) {
        let record = sample.bytes.starts(with: Array("FMR\0".utf8)) ? sample.bytes : try extractedRecord(sample, field: field)
        let minutiae: [FingerMinutia]
        do {
            minutiae = try FingerTemplates.minutiae(from: record)
        } catch {
            throw VigilError(.invalidTemplate, "\(field): \(error.message)")
        }
        guard let template = comparable(minutiae) else {
            throw VigilError(.qualityInsufficient, "\(field): too few minutiae to compare (at least \(minimumMinutiae) with neighbours on the print); capture again")
        }
        return (record, template)
    }

    /// The cylinders of a print enrolment keeps, nil when fewer than
    /// `minimumMinutiae` of its minutiae have one. The matcher compares
    /// cylinders, and a minutia gets one only with neighbours around it and
    /// its disc mostly on the print, so a sparse or cropped print can hold
    /// eight minutiae and far fewer cylinders. A print with a handful matches
    /// strangers by chance: LSA-R averages its few best pairs, and a handful
    /// of well-placed cylinders outscore a weak mate (measured: every
    /// stranger the exhaustive 1:N search ranked first among 100,000 fingers
    /// had at most 11; docs/fingerprints.md). Enrolled, it is a false
    /// candidate waiting to happen; as a probe, it proves nothing. A
    /// minutiae record is held to this as an image is.
    public static func comparable(_ minutiae: [FingerMinutia]) -> CylinderTemplate? {
        guard minutiae.count >= minimumMinutiae else { return nil }
        let template = CylinderTemplate(minutiae: minutiae)
        return template.count >= minimumMinutiae ? template : nil
    }

    /// Every sample of a request captured, after checking there are at most
    /// `limit` and one per position.
    static func captureAll(_ samples: [FingerSample], limit: Int) throws(VigilError)
        -> [(position: FingerPosition, record: [UInt8], cylinders: CylinderTemplate)] {
        guard samples.count <= limit else { throw VigilError(.invalidField, "at most \(limit) fingers") }
        guard Set(samples.map(\.position)).count == samples.count else {
            throw VigilError(.invalidField, "each finger position may be sent once")
        }
        return try samples.map { sample throws(VigilError) in
            let captured = try record(sample, field: "finger[\(sample.position.rawValue)]")
            return (sample.position, captured.record, captured.cylinders)
        }
    }

    private static func extractedRecord(_ sample: FingerSample, field: String) throws(VigilError) -> [UInt8] {
        let print: ExtractedFingerprint
        do {
            print = try FingerprintExtractor.extract(sample.bytes)
        } catch .unsupportedFormat {
            throw VigilError(.invalidTemplate, "\(field): neither a minutiae template nor an image")
        } catch {
            throw VigilError(error, field: field)
        }
        guard accepts(print) else {
            throw VigilError(.qualityInsufficient, "\(field): fingerprint quality \(Int(print.quality)) with \(print.minutiae.count) minutiae; capture again")
        }
        var view = FingerprintView(position: CodedName(sample.position.code, in: [:]), view: 0, scanType: CodedName(0, in: [:]),
                                   minutiae: print.minutiae.map(isoMinutia))
        view.quality = Int(print.quality.rounded())
        var template = FingerprintTemplate(fingerprints: [view])
        template.sensorCertified = false
        template.sensorId = 0
        template.width = print.width
        template.height = print.height
        let perCentimetre = Int((Double(print.dpi) / 2.54).rounded())   // 197 at 500 dpi
        template.resolutionX = perCentimetre
        template.resolutionY = perCentimetre
        do {
            return try TemplateCodec.write(template, as: .iso19794p2v2005)
        } catch {
            throw VigilError(.internalError, "\(field): the extracted minutiae could not be encoded")
        }
    }

    /// Image-frame radians (y down) to ISO units: 256 per turn, counter-clockwise with y up.
    static func isoMinutia(_ m: ExtractedFingerprint.Minutia) -> Minutia {
        let turns = Double(-m.direction) / (2 * .pi)
        let angle = Int((turns - turns.rounded(.down)) * 256 + 0.5) % 256
        return Minutia(type: CodedName(m.isBifurcation ? 2 : 1, in: [:]), positionX: Int(m.x.rounded()), positionY: Int(m.y.rounded()),
                       angle: angle, quality: Int((m.reliability * 100).rounded()))
    }
}
