import Foundation

/// A watchlist entry as stored.
public struct StoredEntry: Sendable, Equatable {
    /// Dense integer key used by the matching core.
    public let key: Int64
    /// Pseudonymous public id.
    public let id: UUID
    public let name: String
    public let category: String
    public let createdVersion: Int64
}

/// A face template in its searchable form: int8 codes and their scale
/// (the L2-normalised Float32 original stays in the database, read by id).
public struct StoredFaceTemplate: Sendable, Equatable {
    public let id: Int64
    public let entryKey: Int64
    /// `QuantizedBlob` bytes, or nil for a row written before they existed.
    public let quantized: [UInt8]?
}

/// A face template to store: the unit Float32 vector and its int8 form.
public struct NewFaceTemplate: Sendable {
    public let vector: [Float]
    public let quantized: [UInt8]

    public init(vector: [Float], quantized: [UInt8]) {
        self.vector = vector
        self.quantized = quantized
    }
}

/// A finger template: its position and its minutiae as an ISO/IEC
/// 19794-2:2005 record (whatever format it arrived in).
public struct StoredFingerTemplate: Sendable, Equatable {
    public let id: Int64
    public let entryKey: Int64
    public let position: Int
    public let record: [UInt8]
    /// The matcher's serialized cylinders, or nil for rows from before they were stored.
    public let cylinders: [UInt8]?
}

public struct NewFingerTemplate: Sendable {
    public let position: Int
    public let record: [UInt8]
    public let cylinders: [UInt8]

    public init(position: Int, record: [UInt8], cylinders: [UInt8]) {
        self.position = position
        self.record = record
        self.cylinders = cylinders
    }
}

/// Everything start-up needs to rebuild the in-memory index: the version,
/// the number of entries, the int8 form of every face template and every
/// finger template. Entry details are read per screening, for its candidates only.
public struct WatchlistContents: Sendable {
    public let version: Int64
    public let entryCount: Int
    public let faceTemplates: [StoredFaceTemplate]
    public let fingerTemplates: [StoredFingerTemplate]
}

/// What a screening reads for its candidate templates: the Float32
/// originals (for exact rescoring) and the entries they belong to.
public struct CandidateDetails: Sendable {
    public var vectors: [Int64: [Float]] = [:]
    public var entries: [Int64: StoredEntry] = [:]
}

public struct NewEntry: Sendable {
    public let name: String
    public let category: String
    public let faces: [NewFaceTemplate]
    public let fingers: [NewFingerTemplate]

    public init(name: String, category: String, faces: [NewFaceTemplate], fingers: [NewFingerTemplate] = []) {
        self.name = name
        self.category = category
        self.faces = faces
        self.fingers = fingers
    }
}

public struct EnrolledEntry: Sendable {
    public let entry: StoredEntry
    public let faceTemplates: [StoredFaceTemplate]
    public let fingerTemplates: [StoredFingerTemplate]
    public var version: Int64 { entry.createdVersion }
}

public struct ScreeningRecord: Sendable {
    public let id: UUID
    public let recordedAt: Date
    public let watchlistVersion: Int64
    public let decision: String
    public let faceCount: Int
    /// JSON of the result shown to the post (no biometric data).
    public let resultJSON: String

    public init(id: UUID, recordedAt: Date, watchlistVersion: Int64, decision: String, faceCount: Int, resultJSON: String) {
        self.id = id
        self.recordedAt = recordedAt
        self.watchlistVersion = watchlistVersion
        self.decision = decision
        self.faceCount = faceCount
        self.resultJSON = resultJSON
    }
}

/// Row counts, for health reports and for tests that prove nothing changed.
public struct StoreCounts: Sendable, Equatable {
    public let entries: Int
    public let faceTemplates: Int
    public let fingerTemplates: Int
    public let events: Int
    public let screenings: Int
}
