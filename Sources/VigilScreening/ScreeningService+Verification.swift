import Foundation
import VigilInterchange
import VigilMatching
import VigilStorage
import VigilVision

/// 1:1 verification at the counter: is this traveller the person in this
/// travel document? The live photo against the document's (an ePassport's
/// data group 2, or a photo of its data page), never a verdict on its own:
/// the officer sees the score, the threshold and both faces' quality.
public struct VerificationResult: Sendable, Codable, Equatable {
    public enum Decision: String, Sendable, Codable {
        case match
        case noMatch = "no_match"
        case recaptureRequired = "recapture_required"
    }

    /// What the document photo was.
    public struct Document: Sendable, Codable, Equatable {
        /// `dg2` (an ePassport's data group 2) or `image` (a photo sent as it is).
        public let source: String
        public let format: String
        public let width: Int
        public let height: Int
        /// The ISO/IEC 19794-5 record's version, from data group 2.
        public let recordVersion: String?
        public let face: FaceReport
    }

    public let id: UUID
    public let decision: Decision
    /// The live face's similarity to the document's; nil when either has no usable face.
    public let score: Float?
    public let threshold: Float
    /// The false-match rate the threshold gives on the shipped calibration.
    public let falseMatchRate: Double
    public let recaptureReason: String?
    public let document: Document
    /// The live face and its quality.
    public let face: FaceReport
    /// The same live photo screened against the watchlist, when asked for.
    public let screening: ScreeningResult?
}

extension ScreeningService {
    /// The 1:1 threshold in force and the false-match rate it gives.
    public var verificationOperatingPoint: (threshold: Float, falseMatchRate: Double) {
        let calibration = configuration.faceCalibration
        if let score = configuration.verificationThresholdOverride { return (score, calibration.falseMatchRate(at: score)) }
        let threshold = calibration.score(atFalseMatchRate: configuration.verificationFalseMatchRate)
        return (threshold, calibration.falseMatchRate(at: threshold))
    }

    /// Compares a live photo with a document's photo; `document` is data group
    /// 2 or an image. Recorded in the audit log like a screening (both
    /// templates sealed); with `screen`, the live photo is also screened
    /// against the watchlist (its own screening record).
    public func verify(live: [UInt8], document: [UInt8], screen alsoScreen: Bool = false) async throws(VigilError) -> VerificationResult {
        let (photo, source, recordVersion) = try Self.documentPhoto(document)
        let documentAnalysis = try await pipeline.analyze(photo.bytes, field: "document")
        let documentReport = FaceReport(documentAnalysis, policy: pipeline.policy)
        guard let documentFace = documentAnalysis.face else {
            throw VigilError(.noFaceFound, "document: no face found in the document's photo; compare it by eye")
        }
        let liveAnalysis = try await pipeline.analyze(live, field: "face")
        let liveReport = FaceReport(liveAnalysis, policy: pipeline.policy)
        let point = verificationOperatingPoint
        let score = liveAnalysis.face.map { FloatKernel.dot($0.template, documentFace.template) }
        let decision: VerificationResult.Decision
        var recaptureReason: VigilError.Code?
        if liveAnalysis.face == nil || liveReport.quality?.acceptable != true {
            decision = .recaptureRequired
            recaptureReason = liveAnalysis.face == nil ? .noFaceFound : .qualityInsufficient
        } else {
            decision = (score ?? -1) >= point.threshold ? .match : .noMatch
        }
        let screening = alsoScreen ? try await screen(face: live) : nil
        let result = VerificationResult(
            id: UUID(), decision: decision, score: score, threshold: point.threshold, falseMatchRate: point.falseMatchRate,
            recaptureReason: recaptureReason?.rawValue,
            document: .init(source: source, format: photo.format, width: photo.width, height: photo.height,
                            recordVersion: recordVersion, face: documentReport),
            face: liveReport, screening: screening)
        try await recordVerification(result, live: liveAnalysis.face?.template, document: documentFace.template)
        ServiceMetrics.verified(result.decision.rawValue)
        return result
    }

    /// The document's photo: the first face image of data group 2, else the bytes as an image.
    static func documentPhoto(_ bytes: [UInt8]) throws(VigilError) -> (photo: (bytes: [UInt8], format: String, width: Int, height: Int),
                                                                     source: String, recordVersion: String?) {
        guard !bytes.isEmpty else { throw VigilError(.imageEmpty, "document is empty") }
        if DG2.looksLike(bytes) {
            let faces: [DG2FaceImage]
            do throws(DG2Error) { faces = try DG2.faces(bytes) } catch {
                throw VigilError(.invalidDocument, "document: not a readable data group 2: \(error)")
            }
            guard let face = faces.first else { throw VigilError(.invalidDocument, "document: data group 2 holds no face image") }
            return ((face.bytes, face.format.rawValue, face.width, face.height), "dg2", face.recordVersion)
        }
        do throws(VisionError) {
            let info = try ImageProbe.probe(bytes)
            return ((bytes, info.format.rawValue, info.width, info.height), "image", nil)
        } catch {
            throw VigilError(error, field: "document")
        }
    }

    /// What a verification's audit record keeps sealed: both faces' templates,
    /// so an auditor can recompute the score.
    struct VerificationProbe: Codable {
        let live: [Float]?
        let document: [Float]
    }

    private func recordVerification(_ result: VerificationResult, live: [Float]?, document: [Float]) async throws(VigilError) {
        let json: String, context: String, probe: [UInt8]
        do {
            json = String(decoding: try VigilJSON.encoder().encode(result), as: UTF8.self)
            context = String(decoding: try VigilJSON.encoder().encode(["face_model": pipeline.model, "threshold": String(result.threshold),
                                                                       "false_match_rate": String(result.falseMatchRate)]), as: UTF8.self)
            probe = Array(try JSONEncoder().encode(VerificationProbe(live: live, document: document)))
        } catch {
            throw VigilError(.internalError, "the verification result could not be encoded")
        }
        do {
            _ = try await store.audit(AuditDraft(action: AuditAction.verification, subject: result.id.uuidString,
                                                 outcome: result.decision.rawValue, probe: probe, context: context, result: json))
        } catch {
            logger.error("verification record failed", metadata: ["reason": "\(error)"])
            throw VigilError(error)
        }
    }
}
