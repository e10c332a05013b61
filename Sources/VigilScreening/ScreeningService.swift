import Foundation
import Logging
import Synchronization
import VigilMatching
import VigilStorage
import VigilVision

/// Vigil's library entry point: enrolment and screening on one embedded
/// database, shared by the daemon and the CLI.
public final class ScreeningService: Sendable {
    public let configuration: ServiceConfiguration
    let pipeline: FacePipeline
    let store: VigilStore
    private let index: Mutex<WatchlistIndex>
    private let scanPool: ScanPool
    private let logger: Logger

    public init(configuration: ServiceConfiguration, logger: Logger = Logger(label: "vigil.service")) async throws(VigilError) {
        self.configuration = configuration
        self.logger = logger
        pipeline = try FacePipeline(configuration: configuration)
        scanPool = ScanPool(threads: configuration.scanThreads)
        do {
            store = try VigilStore(path: configuration.databasePath)
            let contents = try await store.loadWatchlist()
            let legacy = contents.faceTemplates.filter { $0.quantized == nil }.map(\.id)
            index = Mutex(try WatchlistIndex(contents, dimension: FacePipeline.descriptorDimension,
                                             unquantized: try await store.candidateDetails(templateIDs: legacy).vectors))
        } catch let error as StorageError {
            logger.error("cannot open the database", metadata: ["reason": "\(error)"])
            throw VigilError(error)
        } catch {
            throw VigilError(.internalError, "the stored watchlist could not be indexed")
        }
    }

    /// Current watchlist version and size, for health reports.
    public var watchlistStatus: (version: Int64, entries: Int, faceTemplates: Int, fingerTemplates: Int) {
        index.withLock { ($0.version, $0.entryCount, $0.faces.count, $0.fingers.count) }
    }

    public func storeCounts() async throws(VigilError) -> StoreCounts {
        do { return try await store.counts() } catch { throw VigilError(error) }
    }

    // MARK: Enrolment

    public func enroll(name rawName: String, category rawCategory: String, faces: [[UInt8]],
                       fingers: [FingerSample] = []) async throws(VigilError) -> EnrollmentResult {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else {
            throw VigilError(.invalidField, "name must hold 1 to 200 characters")
        }
        guard let category = WatchlistCategory(rawValue: rawCategory) else {
            let known = WatchlistCategory.allCases.map(\.rawValue).joined(separator: ", ")
            throw VigilError(.unknownCategory, "category '\(rawCategory.prefix(64))' is not one of: \(known)")
        }
        guard !faces.isEmpty || !fingers.isEmpty else {
            throw VigilError(.missingField, "at least one face image or finger template is required")
        }
        guard faces.count <= configuration.maxFacesPerEnrollment else {
            throw VigilError(.invalidField, "at most \(configuration.maxFacesPerEnrollment) face images per enrolment")
        }
        let fingerTemplates = try FingerCapture.captureAll(fingers, limit: configuration.maxFingersPerSample).map {
            NewFingerTemplate(position: $0.position.code, record: $0.record, cylinders: $0.cylinders.serialized)
        }

        let analyses = try await pipeline.analyzeAll(faces, field: "face")
        var templates: [NewFaceTemplate] = []
        for (number, analysis) in analyses.enumerated() {
            let vector = try pipeline.enrolmentVector(analysis, field: "face[\(number)]")
            templates.append(NewFaceTemplate(vector: vector, quantized: QuantizedVector(vector).serialized))
        }

        let enrolled: EnrolledEntry
        do {
            let new = NewEntry(name: name, category: category.rawValue, faces: templates, fingers: fingerTemplates)
            enrolled = try await store.enroll([new]) { [self] enrolled in index.withLock { $0.apply(enrolled) } }[0]
        } catch {
            logger.error("enrolment write failed", metadata: ["reason": "\(error)"])
            throw VigilError(error)
        }
        logger.info("entry enrolled", metadata: ["version": "\(enrolled.version)", "faces": "\(templates.count)",
                                                 "fingers": "\(fingerTemplates.count)"])
        return EnrollmentResult(id: enrolled.entry.id, version: enrolled.version, name: name, category: category,
                                faces: analyses.map { FaceReport($0, policy: pipeline.policy) }, fingers: fingers.map(\.position))
    }

    // MARK: Screening

    public func screen(face bytes: [UInt8]) async throws(VigilError) -> ScreeningResult {
        try await screen(face: bytes, fingers: [])
    }

    /// Screens a face, fingers, or both. Each modality's score becomes
    /// evidence (−log10 of its estimated false-match rate); a candidate's
    /// evidence is the sum over what it matched, so a finger not enrolled for
    /// it counts neither for nor against it. Candidates need the evidence the
    /// face threshold alone would need (FMR 1% at the default).
    public func screen(face bytes: [UInt8]?, fingers: [FingerSample]) async throws(VigilError) -> ScreeningResult {
        guard bytes != nil || !fingers.isEmpty else {
            throw VigilError(.missingField, "send a face image, finger templates, or both")
        }
        let clock = ContinuousClock()
        let started = clock.now
        let probes = try FingerCapture.captureAll(fingers, limit: configuration.maxFingersPerSample).map { ($0.position, $0.cylinders) }
        var report: FaceReport?
        var descriptor: [Float]?
        var recaptureReason: VigilError.Code?
        if let bytes {
            let analysis = try await pipeline.analyze(bytes, field: "face")
            report = FaceReport(analysis, policy: pipeline.policy)
            if let face = analysis.face, report?.quality?.acceptable == true {
                descriptor = face.descriptor
            } else {
                recaptureReason = analysis.face == nil ? .noFaceFound : .qualityInsufficient
            }
        }
        let analysed = clock.now

        let snapshot = index.withLock { $0 }
        var candidates: [ScreeningResult.Candidate] = []
        let usable = descriptor != nil || !probes.isEmpty
        if usable {
            candidates = try await search(face: descriptor, fingers: probes, in: snapshot)
        }
        let searched = clock.now

        let decision: ScreeningResult.Decision = !usable ? .recaptureRequired : candidates.isEmpty ? .noHit : .reviewRequired
        let id = UUID()
        func result(_ timings: ScreeningResult.Timings?) -> ScreeningResult {
            ScreeningResult(id: id, decision: decision, recaptureReason: recaptureReason?.rawValue, face: report,
                            fingers: fingers.map(\.position), candidates: candidates, threshold: configuration.matchThreshold,
                            fusedThreshold: decisionEvidence, watchlistVersion: snapshot.version, timingsMs: timings)
        }
        // The stored record is the result without timings: they are about
        // this run, not about what was decided, and the write is still under way.
        try await record(result(nil))
        let recorded = clock.now
        let timings = ScreeningResult.Timings(analysis: Self.ms(analysed - started), search: Self.ms(searched - analysed),
                                              record: Self.ms(recorded - searched), total: Self.ms(recorded - started))
        logger.info("screening", metadata: ["decision": "\(decision.rawValue)", "candidates": "\(candidates.count)",
                                            "fingers": "\(fingers.count)", "total_ms": "\(timings.total)"])
        return result(timings)
    }

    /// Evidence a candidate needs: what the face threshold alone implies.
    var decisionEvidence: Double { configuration.faceCalibration.evidence(configuration.matchThreshold) }

    private struct Evidence {
        var face: Float?
        var fingers: [FingerPosition: Float] = [:]
    }

    /// Collects per-subject scores from every modality down to the evidence
    /// floor, fuses them, and keeps the subjects that reach the decision evidence.
    private func search(face descriptor: [Float]?, fingers probes: [(FingerPosition, CylinderTemplate)],
                        in snapshot: WatchlistIndex) async throws(VigilError) -> [ScreeningResult.Candidate] {
        var evidence: [Int64: Evidence] = [:]
        var entries: [Int64: StoredEntry] = [:]
        let limit = configuration.maxCandidates
        if let descriptor {
            let floor = min(configuration.matchThreshold, configuration.faceCalibration.score(atFalseMatchRate: configuration.evidenceFloorRate))
            let set: CandidateSet
            do {
                set = try snapshot.faces.candidates(for: descriptor, limit: limit, threshold: floor, pool: scanPool)
            } catch {
                throw VigilError(.internalError, "the face descriptor is not usable")
            }
            let details: CandidateDetails
            do { details = try await store.candidateDetails(templateIDs: set.templateIDs) } catch { throw VigilError(error) }
            entries = details.entries
            for hit in set.rescored(exactVectors: { details.vectors[$0] }) { evidence[hit.subject, default: Evidence()].face = hit.score }
        }
        let fingerFloor = configuration.fingerCalibration.score(atFalseMatchRate: configuration.evidenceFloorRate)
        for (position, probe) in probes {
            for hit in snapshot.fingers.search(probe, position: position.code, limit: limit, threshold: fingerFloor, pool: scanPool) {
                evidence[hit.subject, default: Evidence()].fingers[position] = hit.score
            }
        }
        let fused = evidence.map { subject, e -> (Int64, Double) in
            let face = e.face.map(configuration.faceCalibration.evidence) ?? 0
            let fingers = e.fingers.values.reduce(0) { $0 + configuration.fingerCalibration.evidence($1) }
            return (subject, face + fingers)
        }
        let needed = decisionEvidence
        let ranked = fused.filter { $0.1 >= needed }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }.prefix(limit)
        let missing = ranked.map(\.0).filter { entries[$0] == nil }
        if !missing.isEmpty {
            do { entries.merge(try await store.entries(keys: missing)) { a, _ in a } } catch { throw VigilError(error) }
        }
        return ranked.enumerated().compactMap { offset, item in
            guard let entry = entries[item.0], let category = WatchlistCategory(rawValue: entry.category),
                  let e = evidence[item.0] else { return nil }
            return ScreeningResult.Candidate(
                entryId: entry.id, name: entry.name, category: category, score: e.face,
                fingerScores: Dictionary(uniqueKeysWithValues: e.fingers.map { ($0.key.rawValue, $0.value) }),
                fusedScore: (item.1 * 1000).rounded() / 1000, rank: offset + 1,
                protective: category.isProtective, action: category.action)
        }
    }

    private func record(_ result: ScreeningResult) async throws(VigilError) {
        let json: String
        do {
            json = String(decoding: try VigilJSON.encoder().encode(result), as: UTF8.self)
        } catch {
            throw VigilError(.internalError, "the screening result could not be encoded")
        }
        let record = ScreeningRecord(id: result.id, recordedAt: Date(), watchlistVersion: result.watchlistVersion,
                                     decision: result.decision.rawValue, faceCount: result.face?.count ?? 0, resultJSON: json)
        do {
            try await store.record(record)
        } catch {
            logger.error("screening record failed", metadata: ["reason": "\(error)"])
            throw VigilError(error)
        }
    }

    static func ms(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        let milliseconds = Double(seconds) * 1000 + Double(attoseconds) / 1e15
        return (milliseconds * 1000).rounded() / 1000
    }
}
