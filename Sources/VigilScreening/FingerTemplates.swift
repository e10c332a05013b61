import Foundation
import VigilMatching
import VigilTemplates

/// Minutiae from ISO/ANSI records in the matcher's frame.
public enum FingerTemplates {
    /// The first finger view's minutiae at 500 dpi, angles converted to
    /// radians and negated: records count counter-clockwise with y up,
    /// images have y down.
    public static func minutiae(from bytes: [UInt8]) throws(VigilError) -> [FingerMinutia] {
        let parsed: (format: TemplateFormat, template: FingerprintTemplate)
        do {
            parsed = try TemplateCodec.parse(bytes)
        } catch {
            throw VigilError(.invalidTemplate, "\(error)")
        }
        guard let view = parsed.template.fingerprints.first else {
            throw VigilError(.invalidTemplate, "the record holds no finger view")
        }
        let unit: Float
        switch parsed.format {
        case .iso19794p2v2005, .iso19794p2v2011: unit = 2 * .pi / 256
        case .ansi378v2004, .ansi378v2009, .ansi378v2009am1: unit = 2 * .pi / 180
        }
        // ISO 2011 states the resolution per view, the others per record.
        let scaleX = try scale(view.resolutionX ?? parsed.template.resolutionX ?? 0)
        let scaleY = try scale(view.resolutionY ?? parsed.template.resolutionY ?? 0)
        return view.minutiae.map {
            FingerMinutia(x: Float($0.positionX) * scaleX, y: Float($0.positionY) * scaleY,
                          direction: Angle.normalized(-Float($0.angle) * unit))
        }
    }

    /// The matcher works at 500 dpi. Records state pixels per centimetre:
    /// 0 (unknown) and 197 (how 500 dpi is written) are taken as 500 dpi
    /// exactly; other values from 118 to 236 (300 to 600 dpi) are rescaled.
    static func scale(_ perCentimetre: Int) throws(VigilError) -> Float {
        guard perCentimetre != 0, perCentimetre != 197 else { return 1 }
        guard (118...236).contains(perCentimetre) else {
            throw VigilError(.resolutionUnsupported,
                             "the record states \(perCentimetre) pixels per centimetre; templates are read at 118 to 236 (300 to 600 dpi)")
        }
        return 500 / (Float(perCentimetre) * 2.54)
    }
}
