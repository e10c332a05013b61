/// Finger positions as clients name them, with their ISO/IEC 19794-2 codes.
public enum FingerPosition: String, Sendable, Codable, CaseIterable {
    case rightThumb = "right_thumb", rightIndex = "right_index", rightMiddle = "right_middle"
    case rightRing = "right_ring", rightLittle = "right_little"
    case leftThumb = "left_thumb", leftIndex = "left_index", leftMiddle = "left_middle"
    case leftRing = "left_ring", leftLittle = "left_little"

    public var code: Int { Self.allCases.firstIndex(of: self)! + 1 }

    public init?(code: Int) {
        guard (1...10).contains(code) else { return nil }
        self = Self.allCases[code - 1]
    }

    /// Parses a client's name, refusing unknown ones with the list of valid names.
    public init(parsing name: String) throws(VigilError) {
        guard let position = FingerPosition(rawValue: name.lowercased()) else {
            throw VigilError(.invalidField, "unknown finger position '\(name.prefix(32))'; use one of \(Self.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        self = position
    }
}

/// One finger sample from a client: its position and the bytes sent.
public struct FingerSample: Sendable {
    public let position: FingerPosition
    public let bytes: [UInt8]

    public init(position: FingerPosition, bytes: [UInt8]) {
        self.position = position
        self.bytes = bytes
    }
}
