import Foundation

/// The minutiae template formats Vigil reads and writes.
public enum TemplateFormat: String, Sendable, CaseIterable, Codable {
    case ansi378v2004, ansi378v2009, ansi378v2009am1, iso19794p2v2005, iso19794p2v2011
}

/// A decoded minutiae template. One model covers the five formats; a field a
/// format does not carry is nil. Field names and values mirror the records
/// (raw units: angles and qualities as stored), so a record round-trips
/// exactly. The JSON form is the published one for these formats.
public struct FingerprintTemplate: Codable, Equatable, Sendable {
    public var vendorId: Int?
    public var subformat: Int?
    public var sensorCertified: Bool?
    public var sensorId: Int?
    public var width: Int?
    public var height: Int?
    public var resolutionX: Int?
    public var resolutionY: Int?
    public var fingerprints: [FingerprintView]

    public init(fingerprints: [FingerprintView]) { self.fingerprints = fingerprints }
}

public struct FingerprintView: Codable, Equatable, Sendable {
    public var datetime: CaptureDateTime?
    public var sensorType: CodedName?
    public var sensorVendor: Int?
    public var sensorId: Int?
    public var qrecords: [QualityRecord]?
    public var certificates: [Certificate]?
    public var position: CodedName
    public var view: Int
    public var resolutionX: Int?
    public var resolutionY: Int?
    public var scanType: CodedName
    public var quality: Int?
    public var qualityVendorId: Int?
    public var qualityAlgorithmId: Int?
    public var width: Int?
    public var height: Int?
    public var endingType: CodedName?
    public var minutiae: [Minutia]
    public var counts: RidgeCounts?
    public var extensions: [Extension]

    public init(position: CodedName, view: Int, scanType: CodedName, minutiae: [Minutia], extensions: [Extension] = []) {
        self.position = position
        self.view = view
        self.scanType = scanType
        self.minutiae = minutiae
        self.extensions = extensions
    }
}

public struct Minutia: Codable, Equatable, Sendable {
    public var type: CodedName
    public var positionX: Int
    public var positionY: Int
    /// Raw angle: 360/256-degree units (ISO), 2-degree units (ANSI).
    public var angle: Int
    public var quality: Int?

    public init(type: CodedName, positionX: Int, positionY: Int, angle: Int, quality: Int?) {
        self.type = type
        self.positionX = positionX
        self.positionY = positionY
        self.angle = angle
        self.quality = quality
    }
}

public struct RidgeCounts: Codable, Equatable, Sendable {
    public struct Edge: Codable, Equatable, Sendable {
        public var from: Int
        public var to: Int
        public var count: Int
    }
    public var type: CodedName
    public var edges: [Edge]
}

/// An extension block Vigil keeps as opaque bytes (base64 in JSON).
public struct Extension: Codable, Equatable, Sendable {
    public var type: Int
    public var data: Data
}

public struct CaptureDateTime: Codable, Equatable, Sendable {
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, millisecond: Int
}

public struct QualityRecord: Codable, Equatable, Sendable {
    public var quality: Int
    public var vendor: Int
    public var algorithm: Int
}

public struct Certificate: Codable, Equatable, Sendable {
    public var authority: Int
    public var scheme: Int
}

/// A code from a record with its published name ("LEFT_INDEX"); a code with
/// no name here is written as "CODE_<n>" so it still round-trips.
public struct CodedName: Codable, Equatable, Sendable, CustomStringConvertible {
    public let code: Int
    public let name: String

    /// The name comes from the field's standard table; `table` overrides it.
    public init(_ code: Int, in table: [Int: String]) {
        self.code = code
        name = table[code] ?? "CODE_\(code)"
    }

    init?(name: String, in tables: [[Int: String]]) {
        if let code = tables.lazy.compactMap({ $0.first(where: { $0.value == name })?.key }).first {
            self.code = code
        } else if name.hasPrefix("CODE_"), let code = Int(name.dropFirst(5)) {
            self.code = code
        } else {
            return nil
        }
        self.name = name
    }

    public var description: String { name }

    // Encoded as the bare name, as the published JSON does; decoding needs the
    // table, which the owning field supplies through `CodeTables`.
    public init(from decoder: any Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        let tables = CodeTables.tables(for: decoder.codingPath.map(\.stringValue))
        guard let value = CodedName(name: name, in: tables) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown name \(name)"))
        }
        self = value
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(name)
    }
}

/// Names of the coded fields, from the standards' tables.
enum CodeTables {
    static let position: [Int: String] = [
        0: "UNKNOWN", 1: "RIGHT_THUMB", 2: "RIGHT_INDEX", 3: "RIGHT_MIDDLE", 4: "RIGHT_RING", 5: "RIGHT_LITTLE",
        6: "LEFT_THUMB", 7: "LEFT_INDEX", 8: "LEFT_MIDDLE", 9: "LEFT_RING", 10: "LEFT_LITTLE",
    ]
    static let scanType: [Int: String] = [
        0: "LIVE_PLAIN", 1: "LIVE_ROLLED", 2: "NONLIVE_PLAIN", 3: "NONLIVE_ROLLED", 8: "SWIPE",
    ]
    static let minutiaType: [Int: String] = [0: "OTHER", 1: "ENDING", 2: "BIFURCATION"]
    /// ANSI 378-2009 and its amendment call type 0 "either".
    static let ansi2009MinutiaType: [Int: String] = [0: "EITHER", 1: "ENDING", 2: "BIFURCATION"]
    static let countType: [Int: String] = [0: "NON_SPECIFIC", 1: "QUADRANTS", 2: "OCTANTS"]
    static let sensorType: [Int: String] = [0: "UNKNOWN"]
    static let endingType: [Int: String] = [0: "VALLEY_SKELETON_BIFURCATION", 1: "RIDGE_SKELETON_ENDPOINT"]

    /// The tables a name of the field at `path` may come from ("type" is a
    /// minutia's or a ridge count's).
    static func tables(for path: [String]) -> [[Int: String]] {
        switch path.last ?? "" {
        case "position": return [position]
        case "scanType": return [scanType]
        case "sensorType": return [sensorType]
        case "endingType": return [endingType]
        case "type": return path.contains("counts") ? [countType] : [minutiaType, ansi2009MinutiaType]
        default: return []
        }
    }
}

extension CodedName {
    /// A finger position code (0 unknown, 1 right thumb … 10 left little) with its name.
    public static func fingerPosition(_ code: Int) -> CodedName { CodedName(code, in: CodeTables.position) }
    /// An impression type code (0 live plain, 1 live rolled, 2 non-live plain, 3 non-live rolled, 8 swipe).
    public static func scanType(_ code: Int) -> CodedName { CodedName(code, in: CodeTables.scanType) }
    /// A minutia type code (0 other, 1 ridge ending, 2 bifurcation).
    public static func minutiaType(_ code: Int) -> CodedName { CodedName(code, in: CodeTables.minutiaType) }
}
