import Foundation
import VigilMatching
import VigilTemplates

/// Minutiae from ISO/ANSI records in the matcher's frame.
public enum FingerTemplates {
    /// The first finger view's minutiae, angles converted to radians and
    /// negated: records count counter-clockwise with y up, images have y down.
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
        return view.minutiae.map {
            FingerMinutia(x: Float($0.positionX), y: Float($0.positionY), direction: Angle.normalized(-Float($0.angle) * unit))
        }
    }
}
