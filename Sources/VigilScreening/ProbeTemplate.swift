import Foundation

/// What a screening compared, kept (sealed) in its audit record so a replay
/// can compare it again: the unit face descriptor (Float32, little-endian)
/// and each finger's ISO/IEC 19794-2 record. No image.
struct ProbeTemplate: Sendable, Codable, Equatable {
    var face: Data?
    var fingers: [String: Data]

    init(face: [Float]?, fingers: [(FingerPosition, [UInt8])]) {
        self.face = face.map { vector in
            var data = Data(capacity: vector.count * 4)
            for value in vector { withUnsafeBytes(of: value.bitPattern.littleEndian) { data.append(contentsOf: $0) } }
            return data
        }
        self.fingers = Dictionary(fingers.map { ($0.0.rawValue, Data($0.1)) }) { a, _ in a }
    }

    var isEmpty: Bool { face == nil && fingers.isEmpty }

    var faceVector: [Float]? {
        guard let face, face.count % 4 == 0 else { return nil }
        return face.withUnsafeBytes { raw in
            (0..<face.count / 4).map { Float(bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))) }
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

/// The settings and software a screening ran with, recorded beside it.
struct ReplayContext: Sendable, Codable, Equatable {
    /// Changes whenever matching or fusion would give other results.
    static let algorithm = "vigil-match-2 (int8 superset + Float32 rescoring; bit MCC LSA-R; -log10 FMR evidence combined by Fisher's method)"
    var algorithm = ReplayContext.algorithm
    var settings: MatchSettings
    /// Model file name -> SHA-256.
    var models: [String: String]
}

/// Audit record action names (stable: auditors filter on them).
public enum AuditAction {
    public static let screening = "screening"
    public static let retention = "retention"
    public static let verify = "audit.verify"
    public static let replay = "audit.replay"
    public static let export = "audit.export"
}
