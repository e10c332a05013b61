import Foundation
import VigilMatching
import VigilStorage
import VigilVision

/// What a border post gets back from one screening. Encoded with snake_case
/// keys by `VigilJSON`; this shape is the public HTTP and CLI contract.
public struct ScreeningResult: Sendable, Codable, Equatable {
    /// `no_hit`: nothing on the watchlist reached the threshold.
    /// `review_required`: candidates for an officer to examine; never a verdict.
    /// `recapture_required`: no usable face; take the photo again.
    public enum Decision: String, Sendable, Codable {
        case noHit = "no_hit"
        case reviewRequired = "review_required"
        case recaptureRequired = "recapture_required"

        /// The most serious outcome across the capture: any candidate needs
        /// an officer; otherwise an unusable subject needs a recapture.
        init(subjectUsable: Bool, anyCandidate: Bool) {
            self = anyCandidate ? .reviewRequired : subjectUsable ? .noHit : .recaptureRequired
        }
    }

    /// One candidate for an officer. A protective hit (missing person,
    /// potential victim) shows only what protecting the person needs: the
    /// category, the action and the handling instructions, never the
    /// person's identity details, which stay with the protection desk.
    public struct Candidate: Sendable, Codable, Equatable {
        public let entryId: UUID
        public let category: String
        public let protective: Bool
        public let action: String
        public let handlingInstructions: String?
        /// Officers who must confirm before the hit is acted on.
        public let confirmationsRequired: Int
        public let name: String?
        public let aliases: [String]?
        public let dateOfBirth: String?
        public let nationality: String?
        /// Face score (cosine similarity), when the face contributed.
        public let score: Float?
        /// MCC score per finger position that contributed.
        public let fingerScores: [String: Float]
        /// Sum over modalities of −log10 of the estimated false-match rate.
        public let fusedScore: Double
        /// The category's face threshold (its evidence is what the fused score must reach).
        public let threshold: Float
        public let rank: Int

        init(entry: StoredEntry, category: WatchlistCategory, threshold: Float, score: Float?, fingerScores: [String: Float],
             fusedScore: Double, rank: Int) {
            let identity = category.protective ? nil : entry.details
            entryId = entry.id
            self.category = category.name
            protective = category.protective
            action = category.action
            handlingInstructions = entry.details.handlingInstructions
            confirmationsRequired = category.confirmations
            name = identity?.name
            aliases = identity?.aliases
            dateOfBirth = identity?.dateOfBirth
            nationality = identity?.nationality
            self.score = score
            self.fingerScores = fingerScores
            self.fusedScore = fusedScore
            self.threshold = threshold
            self.rank = rank
        }
    }

    public struct Timings: Sendable, Codable, Equatable {
        public let analysis: Double
        public let search: Double
        public let record: Double
        public let total: Double
    }

    /// Another face in the capture (a child carried or led by the traveller,
    /// a companion): searched on its own, face only.
    public struct OtherFace: Sendable, Codable, Equatable {
        public let face: FaceReport
        public let candidates: [Candidate]
    }

    public let id: UUID
    /// The most serious across every face: `review_required` when any face
    /// (the subject or another) has a candidate.
    public let decision: Decision
    public let recaptureReason: VigilError.Code.RawValue?
    /// The subject (the largest face inside the frame), when a face image was sent.
    public let face: FaceReport?
    /// Every other face above the minimum size, largest first; absent when
    /// the capture holds one face.
    public let otherFaces: [OtherFace]?
    /// Finger positions that were searched.
    public let fingers: [FingerPosition]
    public let candidates: [Candidate]
    /// The lowest category face threshold in force; the evidence it implies
    /// (−log10 FMR) is `fused_threshold`. Each candidate names its own.
    public let threshold: Float
    public let fusedThreshold: Double
    /// Each category's face threshold and the FPIR it gives at the
    /// watchlist's size, when a face was searched.
    public let faceOperatingPoints: [FaceOperatingPoint]?
    public let watchlistVersion: Int64
    /// Set in responses; absent from the stored record.
    public let timingsMs: Timings?
    /// At a post: when its watchlist copy last synced with headquarters, and
    /// whether that is longer ago than the post allows (`--stale-after`):
    /// the officer then knows a recent entry may be missing. Absent elsewhere.
    public var watchlistSyncedAt: Date? = nil
    public var staleWatchlist: Bool? = nil
    /// How each finger position was searched, keyed by position: against
    /// every enrolled finger there, or against those the fingerprint index
    /// chose (large galleries). Absent when no finger was searched.
    public var fingerSearch: [String: FingerSearchReport]? = nil

    public struct FingerSearchReport: Sendable, Codable, Equatable {
        /// `exhaustive` or `indexed`.
        public let method: FingerSearchMethod
        /// Enrolled fingers the full matcher compared.
        public let compared: Int
        /// Enrolled fingers at the position.
        public let enrolled: Int
    }
}

/// The face found in a capture and its quality, as reported to clients.
public struct FaceReport: Sendable, Codable, Equatable {
    public struct Quality: Sendable, Codable, Equatable {
        public let acceptable: Bool
        public let faceSize: Int
        public let interEyeDistance: Float
        public let sharpness: Float
        public let brightness: Float
        public let shortfalls: [FaceQualityPolicy.Shortfall]
    }

    public let found: Bool
    public let count: Int
    public let box: DetectedFace.Box?
    public let quality: Quality?

    /// The subject of the capture.
    init(_ analysis: FaceAnalysis, policy: FaceQualityPolicy) {
        self.init(analysis.face, count: analysis.faceCount, policy: policy)
    }

    init(_ face: DetectedFace?, count: Int, policy: FaceQualityPolicy) {
        found = face != nil
        self.count = count
        box = face?.box
        quality = face.map { face in
            let shortfalls = policy.shortfalls(of: face.measures)
            return Quality(acceptable: shortfalls.isEmpty, faceSize: face.measures.faceSize,
                           interEyeDistance: face.measures.interEyeDistance, sharpness: face.measures.sharpness,
                           brightness: face.measures.brightness, shortfalls: shortfalls)
        }
    }
}

/// What an administrator gets back from an enrolment.
public struct EnrollmentResult: Sendable, Codable, Equatable {
    public let id: UUID
    public let version: Int64
    public let name: String
    public let category: String
    public let faces: [FaceReport]
    public let fingers: [FingerPosition]
}
