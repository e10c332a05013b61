import VigilMatching
import VigilStorage
import VigilVision

/// The in-memory watchlist a screening searches: the int8 face index and the
/// version it reflects. Entry details are not held here: a screening reads
/// them for its few candidates (`VigilStore.candidateDetails`), which keeps
/// start-up and memory proportional to the templates alone. A value type:
/// readers copy it (references to immutable segments) and search without
/// holding a lock.
struct WatchlistIndex: Sendable {
    /// The running recognizer's face templates, and its identity.
    private(set) var faces: FaceIndex
    /// While a re-embedding moves the watchlist to a new recognizer: the
    /// previous recognizer's templates not yet rebuilt, searched with the
    /// probe's template of that recognizer (`--previous-recognizer`).
    private(set) var previous: FaceIndex?
    private(set) var fingers = FingerIndex()
    private(set) var entryCount = 0
    private(set) var version: Int64 = 0
    /// The recognizer identity whose templates are searched.
    let model: String
    let previousModel: String?
    /// Face templates of any other recognizer: not searched (their scores
    /// are not comparable), listed for re-enrolment.
    private(set) var otherModelFaces: Set<Int64> = []
    /// Fingers loaded without index keys the running hashing wrote (stored
    /// by an earlier release, or never): the index hashed them at start-up,
    /// and will at every start-up until their keys are stored again
    /// (`ScreeningService.startStoringStaleFingerKeys`).
    private(set) var staleFingerKeys: [(template: Int64, cylinders: CylinderTemplate)] = []
    /// Category settings by name, as of `version`.
    var categories: [String: WatchlistCategory] = [:]

    /// Face templates a probe is compared with, across both recognizers.
    var searchedFaceCount: Int { faces.count + (previous?.count ?? 0) }

    init(model: String, dimension: Int, previous: (model: String, dimension: Int)? = nil) throws(MatchingError) {
        self.model = model
        faces = try FaceIndex(dimension: dimension)
        previousModel = previous?.model
        if let previous { self.previous = try FaceIndex(dimension: previous.dimension) }
    }

    /// Builds the index from stored rows. Rows written before quantised
    /// blobs existed are listed in `unquantized` for the caller to supply.
    init(_ contents: WatchlistContents, model: String, dimension: Int, previous: (model: String, dimension: Int)? = nil,
         unquantized: [Int64: [Float]] = [:], fingerSearch: FingerSearchPolicy = FingerSearchPolicy()) throws(MatchingError) {
        try self.init(model: model, dimension: dimension, previous: previous)
        fingers = FingerIndex(policy: fingerSearch)
        entryCount = contents.entryCount
        // Stored int8 forms go straight into segments; rows from before they
        // were stored are quantised from their originals.
        var current: [Int8Segment.StoredRow] = [], earlier: [Int8Segment.StoredRow] = []
        var currentRebuilt: [Int8Segment.Row] = [], earlierRebuilt: [Int8Segment.Row] = []
        current.reserveCapacity(contents.faceTemplates.count)
        for template in contents.faceTemplates {
            let into: Int
            switch template.model {
            case model: into = faces.dimension
            case previousModel: into = self.previous?.dimension ?? 0
            default:
                otherModelFaces.insert(template.id)
                continue
            }
            let isCurrent = template.model == model
            if let bytes = template.quantized, QuantizedVector.scale(ofSerialized: bytes, dimension: into) != nil {
                let row = Int8Segment.StoredRow(subject: template.entryKey, template: template.id, serialized: bytes)
                if isCurrent { current.append(row) } else { earlier.append(row) }
            } else if let original = unquantized[template.id] {
                let row = Int8Segment.Row(subject: template.entryKey, template: template.id,
                                          vector: QuantizedVector(try UnitVector.normalized(original, dimension: into)))
                if isCurrent { currentRebuilt.append(row) } else { earlierRebuilt.append(row) }
            }
        }
        faces.add(stored: current)
        faces.add(quantized: currentRebuilt)
        self.previous?.add(stored: earlier)
        self.previous?.add(quantized: earlierRebuilt)
        let hashing = fingers.hashing
        let stored = contents.fingerTemplates.compactMap { Self.finger($0, hashing: hashing) }
        fingers.add(stored)
        staleFingerKeys = stored.filter { $0.storedKeys == nil }.map { ($0.template, $0.cylinders) }
        version = contents.version
    }

    /// A stored finger as cylinders: read back when stored, else rebuilt
    /// from its record (records are validated before they are stored); with
    /// the index keys stored with those cylinders when the running hashing
    /// wrote them (else none: the index hashes the cylinders).
    static func finger(_ stored: StoredFingerTemplate, hashing: CylinderHashing) -> FingerIndex.Finger? {
        let cylinders: CylinderTemplate
        var keys: [UInt8]? = nil
        if let bytes = stored.cylinders, let decoded = CylinderTemplate(serialized: bytes) {
            cylinders = decoded
            keys = stored.indexKeys.flatMap { hashing.wroteKeys($0) ? $0 : nil }
        } else if let minutiae = try? FingerTemplates.minutiae(from: stored.record) {
            cylinders = CylinderTemplate(minutiae: minutiae)
        } else {
            return nil
        }
        return FingerIndex.Finger(subject: stored.entryKey, template: stored.id, position: stored.position, cylinders: cylinders, storedKeys: keys)
    }

    /// Finger scores go on the scale `normalisation` defines: the running
    /// configuration's, or in a replay the one the screening recorded.
    mutating func scoreFingers(normalisedBy normalisation: PairCountNormalisation) {
        fingers.matcher.normalisation = normalisation
    }

    /// The stale fingers, handed over once (the index keeps no reference to them).
    mutating func takeStaleFingerKeys() -> [(template: Int64, cylinders: CylinderTemplate)] {
        defer { staleFingerKeys = [] }
        return staleFingerKeys
    }

    /// Follows one committed change (called on the database writer, in version order).
    mutating func apply(_ change: WatchlistChange) {
        entryCount += change.entryDelta
        faces.remove(templates: change.removedFaces)
        previous?.remove(templates: change.removedFaces)
        otherModelFaces.subtract(change.removedFaces)
        fingers.remove(templates: change.removedFingers)
        func rows(of model: String?, dimension: Int) -> [Int8Segment.Row] {
            change.addedFaces.compactMap { template in
                guard template.model == model, let bytes = template.quantized,
                      let vector = QuantizedVector(serialized: bytes, dimension: dimension) else { return nil }
                return Int8Segment.Row(subject: template.entryKey, template: template.id, vector: vector)
            }
        }
        faces.add(quantized: rows(of: model, dimension: faces.dimension))
        if let dimension = previous?.dimension { previous?.add(quantized: rows(of: previousModel, dimension: dimension)) }
        otherModelFaces.formUnion(change.addedFaces.filter { $0.model != model && $0.model != previousModel }.map(\.id))
        let hashing = fingers.hashing
        fingers.add(change.addedFingers.compactMap { Self.finger($0, hashing: hashing) })
        version = max(version, change.version)
    }
}
