import Foundation

/// What a screening compared, kept (sealed) in its audit record so a replay
/// can compare it again: the unit face descriptor (Float32, little-endian)
/// and each finger's ISO/IEC 19794-2 record. No image.
struct ProbeTemplate: Sendable, Codable, Equatable {
    var face: Data?
    var fingers: [String: Data]
    /// The other faces searched, in the order of the result's `other_faces`
    /// (nil: none; records from before multi-face screening have none).
    var otherFaces: [Data?]?
    /// While a previous recognizer's templates are still searched: the same
    /// faces' templates of that recognizer (nil otherwise).
    var previousFace: Data?
    var previousOtherFaces: [Data?]?

    init(face: [Float]?, fingers: [(FingerPosition, [UInt8])], otherFaces: [[Float]?] = [],
         previous: ProbeFaces? = nil) {
        self.face = face.map(Self.encode)
        self.fingers = Dictionary(fingers.map { ($0.0.rawValue, Data($0.1)) }) { a, _ in a }
        self.otherFaces = otherFaces.isEmpty ? nil : otherFaces.map { $0.map(Self.encode) }
        previousFace = previous?.subject.map(Self.encode)
        previousOtherFaces = previous.map { $0.others.map { $0.map(Self.encode) } }
    }

    var isEmpty: Bool { face == nil && fingers.isEmpty && (otherFaces ?? []).allSatisfy { $0 == nil } }

    var faceVector: [Float]? { face.flatMap(Self.decode) }
    var otherFaceVectors: [[Float]?] { (otherFaces ?? []).map { $0.flatMap(Self.decode) } }
    /// The previous recognizer's templates, when the screening searched its templates too.
    var previousFaces: ProbeFaces? {
        guard previousFace != nil || previousOtherFaces != nil else { return nil }
        return ProbeFaces(subject: previousFace.flatMap(Self.decode),
                          others: (previousOtherFaces ?? []).map { $0.flatMap(Self.decode) })
    }

    private static func encode(_ vector: [Float]) -> Data {
        var data = Data(capacity: vector.count * 4)
        for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
        return data
    }

    private static func decode(_ data: Data) -> [Float]? {
        guard data.count % 4 == 0 else { return nil }
        return data.withUnsafeBytes { raw in
            (0..<data.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
        }
    }

    func serialized() throws -> [UInt8] {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return [UInt8](try encoder.encode(self))
    }

    init(serialized bytes: [UInt8]) throws {
        self = try JSONDecoder().decode(ProbeTemplate.self, from: Data(bytes))
    }
}

/// One recognizer's templates of a capture's faces: the subject's, then each
/// other face's in the order of the result's `other_faces` (nil: not usable).
struct ProbeFaces: Sendable, Equatable {
    var subject: [Float]?
    var others: [[Float]?]
}

/// The settings and software a screening ran with, recorded beside it.
struct ReplayContext: Sendable, Codable, Equatable {
    /// Changes whenever matching or fusion would give other results: 5 since
    /// the fingerprint index ranks the fingers whose pose it checks by their
    /// cylinders aligned in that pose (`PoseAlignedScore`); 4 since
    /// finger scores are normalised by the number of pairs they rest on
    /// (`PairCountNormalisation`); 3 since the fingerprint index's selection
    /// keeps within a matcher budget (`FingerSearchPolicy.cylinderPairBudget`).
    static let algorithm = "vigil-match-5 (int8 superset + Float32 rescoring; bit MCC LSA-R normalised by pair count, on MCC-hash candidates ranked by pose-aligned cylinders within a matcher budget; -log10 FMR evidence combined by Fisher's method)"
    var algorithm = ReplayContext.algorithm
    var settings: MatchSettings
    /// Model file name -> SHA-256.
    var models: [String: String]
    /// The recognizer identity the probe's face templates come from (nil in
    /// records from before recognizers were configurable): a replay searches
    /// the watchlist templates of that recognizer, whatever runs today.
    var faceModel: String?
    /// The previous recognizer whose templates were searched too (a
    /// re-embedding under way); its calibration is in `settings`.
    var previousFaceModel: String?
}

/// Audit record action names (stable: auditors filter on them).
public enum AuditAction {
    public static let screening = "screening"
    /// A live photo compared with a travel document's (1:1 at the counter).
    public static let verification = "verification"
    public static let retention = "retention"
    public static let verify = "audit.verify"
    public static let replay = "audit.replay"
    public static let export = "audit.export"
    /// A watchlist entry written as an ANSI/NIST-ITL transaction for another agency.
    public static let exportNIST = "watchlist.export_nist"
    /// A post shown a candidate's reference photo while adjudicating.
    public static let photoView = "photo.view"
    /// A sign-in to the console (the token, and the officer at a post).
    public static let consoleSignIn = "console.sign_in"
}
