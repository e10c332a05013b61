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
    private(set) var faces: FaceIndex
    private(set) var fingers = FingerIndex()
    private(set) var entryCount = 0
    private(set) var version: Int64 = 0
    /// The recognizer identity whose templates are searched.
    let model: String
    /// Face templates of another recognizer than the running one: not
    /// searched (their scores are not comparable), listed for re-enrolment.
    private(set) var otherModelFaces: Set<Int64> = []
    /// Category settings by name, as of `version`.
    var categories: [String: WatchlistCategory] = [:]

    init(model: String, dimension: Int) throws(MatchingError) {
        self.model = model
        faces = try FaceIndex(dimension: dimension)
    }

    /// Builds the index from stored rows. Rows written before quantised
    /// blobs existed are listed in `unquantized` for the caller to supply.
    init(_ contents: WatchlistContents, model: String, dimension: Int, unquantized: [Int64: [Float]] = [:]) throws(MatchingError) {
        try self.init(model: model, dimension: dimension)
        entryCount = contents.entryCount
        var rows: [Int8Segment.Row] = []
        rows.reserveCapacity(contents.faceTemplates.count)
        for template in contents.faceTemplates {
            guard template.model == model else {
                otherModelFaces.insert(template.id)
                continue
            }
            let vector: QuantizedVector
            if let bytes = template.quantized, let decoded = QuantizedVector(serialized: bytes, dimension: dimension) {
                vector = decoded
            } else if let original = unquantized[template.id] {
                vector = QuantizedVector(try UnitVector.normalized(original, dimension: dimension))
            } else {
                continue
            }
            rows.append(Int8Segment.Row(subject: template.entryKey, template: template.id, vector: vector))
        }
        faces.add(quantized: rows)
        fingers.add(contents.fingerTemplates.compactMap(Self.finger))
        version = contents.version
    }

    /// A stored finger as cylinders: read back when stored, else rebuilt
    /// from its record (records are validated before they are stored).
    static func finger(_ stored: StoredFingerTemplate) -> FingerIndex.Finger? {
        let cylinders: CylinderTemplate
        if let bytes = stored.cylinders, let decoded = CylinderTemplate(serialized: bytes) {
            cylinders = decoded
        } else if let minutiae = try? FingerTemplates.minutiae(from: stored.record) {
            cylinders = CylinderTemplate(minutiae: minutiae)
        } else {
            return nil
        }
        return FingerIndex.Finger(subject: stored.entryKey, template: stored.id, position: stored.position, cylinders: cylinders)
    }

    /// Follows one committed change (called on the database writer, in version order).
    mutating func apply(_ change: WatchlistChange) {
        entryCount += change.entryDelta
        faces.remove(templates: change.removedFaces)
        otherModelFaces.subtract(change.removedFaces)
        fingers.remove(templates: change.removedFingers)
        faces.add(quantized: change.addedFaces.compactMap { template in
            guard template.model == model, let bytes = template.quantized,
                  let vector = QuantizedVector(serialized: bytes, dimension: faces.dimension) else { return nil }
            return Int8Segment.Row(subject: template.entryKey, template: template.id, vector: vector)
        })
        fingers.add(change.addedFingers.compactMap(Self.finger))
        version = max(version, change.version)
    }
}
