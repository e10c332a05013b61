import VigilMatching
import VigilVision

/// Turns a finger sample into cylinders. Samples are ISO/IEC 19794-2 or
/// ANSI INCITS 378 minutiae records; an image is recognised and refused with
/// its own code until Vigil's minutiae extractor exists.
enum FingerCapture {
    static func cylinders(_ sample: FingerSample, field: String) throws(VigilError) -> CylinderTemplate {
        guard sample.bytes.starts(with: Array("FMR\0".utf8)) else {
            if (try? ImageProbe.probe(sample.bytes)) != nil {
                throw VigilError(.fingerprintImageUnsupported,
                                 "\(field): send an ISO/IEC 19794-2 or ANSI INCITS 378 minutiae template; extraction from images is not available yet")
            }
            throw VigilError(.invalidTemplate, "\(field): not a minutiae template")
        }
        let minutiae: [FingerMinutia]
        do {
            minutiae = try FingerTemplates.minutiae(from: sample.bytes)
        } catch {
            throw VigilError(.invalidTemplate, "\(field): \(error.message)")
        }
        let template = CylinderTemplate(minutiae: minutiae)
        guard !template.cylinders.isEmpty else {
            throw VigilError(.qualityInsufficient, "\(field): too few minutiae to compare")
        }
        return template
    }
}
