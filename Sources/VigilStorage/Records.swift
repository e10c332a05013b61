import Foundation

/// A watchlist entry as stored.
public struct StoredEntry: Sendable, Equatable {
    /// Dense integer key used by the matching core.
    public let key: Int64
    /// Pseudonymous public id.
    public let id: UUID
    public let details: EntryDetails
    public let createdVersion: Int64
    public let updatedVersion: Int64

    public var name: String { details.name }
    public var category: String { details.category }

    // Package-wide: the storage backends are other modules.
    package init(key: Int64, id: UUID, details: EntryDetails, createdVersion: Int64, updatedVersion: Int64) {
        self.key = key
        self.id = id
        self.details = details
        self.createdVersion = createdVersion
        self.updatedVersion = updatedVersion
    }
}

/// An entry with the samples (templates) it holds, for administrators.
public struct WatchlistEntry: Sendable, Equatable {
    public let entry: StoredEntry
    public let samples: [TemplateReference]

    // Package-wide: the storage backends are other modules.
    package init(entry: StoredEntry, samples: [TemplateReference]) {
        self.entry = entry
        self.samples = samples
    }
}

/// A face template in its searchable form: int8 codes and their scale
/// (the L2-normalised Float32 original stays in the database, read by id).
public struct StoredFaceTemplate: Sendable, Equatable {
    public let id: Int64
    public let entryKey: Int64
    /// `QuantizedBlob` bytes, or nil for a row written before they existed.
    public let quantized: [UInt8]?
    /// SHA-256 of the Float32 template, hex.
    public var digest: String? = nil
    /// The recognizer that made it (`FaceRecognizer.identity`).
    public var model: String = ""

    // Package-wide: the storage backends are other modules.
    package init(id: Int64, entryKey: Int64, quantized: [UInt8]?, digest: String? = nil, model: String = "") {
        self.id = id
        self.entryKey = entryKey
        self.quantized = quantized
        self.digest = digest
        self.model = model
    }
}

/// A face template to store: the unit Float32 vector and its int8 form.
public struct NewFaceTemplate: Sendable {
    public let vector: [Float]
    public let quantized: [UInt8]
    /// The recognizer that made it: only templates of one model are compared.
    public let model: String
    /// The photo it came from, when the deployment keeps source images.
    public let sourceImage: [UInt8]?
    /// The box (x, y, width, height) the administrator picked the face by in
    /// a photo with several; nil: the largest face.
    public let subjectBox: [Int]?

    public init(vector: [Float], quantized: [UInt8], model: String, sourceImage: [UInt8]? = nil, subjectBox: [Int]? = nil) {
        self.vector = vector
        self.quantized = quantized
        self.model = model
        self.sourceImage = sourceImage
        self.subjectBox = subjectBox
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
    /// The keys the finger files in the fingerprint index (`CylinderHashing.serializedKeys`),
    /// or nil for rows from before they were stored.
    public let indexKeys: [UInt8]?
    /// SHA-256 of the record, hex.
    public var digest: String? = nil

    // Package-wide: the storage backends are other modules.
    package init(id: Int64, entryKey: Int64, position: Int, record: [UInt8], cylinders: [UInt8]?, indexKeys: [UInt8]? = nil,
                 digest: String? = nil) {
        self.id = id
        self.entryKey = entryKey
        self.position = position
        self.record = record
        self.cylinders = cylinders
        self.indexKeys = indexKeys
        self.digest = digest
    }
}

public struct NewFingerTemplate: Sendable {
    public let position: Int
    public let record: [UInt8]
    public let cylinders: [UInt8]
    /// The keys it files in the fingerprint index, so start-up reads them instead of hashing.
    public let indexKeys: [UInt8]?
    /// The sample as submitted (image or template), when the deployment keeps source images.
    public let sourceImage: [UInt8]?

    public init(position: Int, record: [UInt8], cylinders: [UInt8], indexKeys: [UInt8]? = nil, sourceImage: [UInt8]? = nil) {
        self.position = position
        self.record = record
        self.cylinders = cylinders
        self.indexKeys = indexKeys
        self.sourceImage = sourceImage
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

    // Package-wide: the storage backends are other modules.
    package init(version: Int64, entryCount: Int, faceTemplates: [StoredFaceTemplate], fingerTemplates: [StoredFingerTemplate]) {
        self.version = version
        self.entryCount = entryCount
        self.faceTemplates = faceTemplates
        self.fingerTemplates = fingerTemplates
    }
}

/// What a screening reads for its candidate templates: the Float32
/// originals (for exact rescoring) and the entries they belong to.
public struct CandidateDetails: Sendable {
    public var vectors: [Int64: [Float]] = [:]
    public var entries: [Int64: StoredEntry] = [:]

    // Package-wide: the storage backends are other modules.
    package init(vectors: [Int64: [Float]] = [:], entries: [Int64: StoredEntry] = [:]) {
        self.vectors = vectors
        self.entries = entries
    }
}

public struct NewEntry: Sendable {
    public let details: EntryDetails
    public let faces: [NewFaceTemplate]
    public let fingers: [NewFingerTemplate]

    public init(details: EntryDetails, faces: [NewFaceTemplate], fingers: [NewFingerTemplate] = []) {
        self.details = details
        self.faces = faces
        self.fingers = fingers
    }

    public init(name: String, category: String, faces: [NewFaceTemplate], fingers: [NewFingerTemplate] = []) {
        self.init(details: EntryDetails(name: name, category: category), faces: faces, fingers: fingers)
    }
}

public struct EnrolledEntry: Sendable {
    public let entry: StoredEntry
    public let faceTemplates: [StoredFaceTemplate]
    public let fingerTemplates: [StoredFingerTemplate]
    public var version: Int64 { entry.createdVersion }

    // Package-wide: the storage backends are other modules.
    package init(entry: StoredEntry, faceTemplates: [StoredFaceTemplate], fingerTemplates: [StoredFingerTemplate]) {
        self.entry = entry
        self.faceTemplates = faceTemplates
        self.fingerTemplates = fingerTemplates
    }
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

    // Package-wide: the storage backends are other modules.
    package init(entries: Int, faceTemplates: Int, fingerTemplates: Int, events: Int, screenings: Int) {
        self.entries = entries
        self.faceTemplates = faceTemplates
        self.fingerTemplates = fingerTemplates
        self.events = events
        self.screenings = screenings
    }
}

/// A stored face template made by another recognizer than the running one.
public struct OtherModelFace: Sendable, Equatable {
    public let templateID: Int64
    public let entryID: UUID
    public let model: String
    /// Whether its reference photo was kept (only those can be rebuilt).
    public let hasPhoto: Bool
    /// The box its face was picked by at enrolment (x, y, width, height); nil: the largest face.
    public let subjectBox: [Int]?

    // Package-wide: the storage backends are other modules.
    package init(templateID: Int64, entryID: UUID, model: String, hasPhoto: Bool, subjectBox: [Int]?) {
        self.templateID = templateID
        self.entryID = entryID
        self.model = model
        self.hasPhoto = hasPhoto
        self.subjectBox = subjectBox
    }
}

/// The `subject_box` column: `x,y,width,height`, or NULL for the largest face.
package enum SubjectBoxText {
    package static func text(_ box: [Int]?) -> String? { box.map { $0.map(String.init).joined(separator: ",") } }

    package static func box(_ text: String?) -> [Int]? {
        guard let values = text.map({ $0.split(separator: ",").compactMap { Int($0) } }), values.count == 4 else { return nil }
        return values
    }
}
