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
    let index: Mutex<WatchlistIndex>
    let scanPool: ScanPool
    let logger: Logger

    public init(configuration: ServiceConfiguration, logger: Logger = Logger(label: "vigil.service")) async throws(VigilError) {
        self.configuration = configuration
        self.logger = logger
        pipeline = try FacePipeline(configuration: configuration)
        scanPool = ScanPool(threads: configuration.scanThreads)
        do {
            store = try await VigilStore.open(path: configuration.databasePath)
            try await store.seedCategories(WatchlistCategory.defaults(threshold: configuration.matchThreshold))
            // Expired entries never reach the index: purge before loading.
            _ = try await store.purgeExpired(now: configuration.clock())
            let contents = try await store.loadWatchlist()
            let legacy = contents.faceTemplates.filter { $0.quantized == nil }.map(\.id)
            var loaded = try WatchlistIndex(contents, dimension: FacePipeline.descriptorDimension,
                                            unquantized: try await store.candidateDetails(templateIDs: legacy).vectors)
            loaded.categories = Dictionary(try await store.categories().map { ($0.name, $0) }) { a, _ in a }
            index = Mutex(loaded)
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
                            fingers: fingers.map(\.position), candidates: candidates, threshold: lowestThreshold(snapshot),
                            fusedThreshold: configuration.faceCalibration.evidence(lowestThreshold(snapshot)),
                            watchlistVersion: snapshot.version, timingsMs: timings)
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

    /// The face threshold in force for a category.
    func threshold(of category: WatchlistCategory) -> Float {
        configuration.thresholdOverride ?? category.matchThreshold
    }

    /// The lowest threshold of any category: nothing weaker can be a candidate.
    func lowestThreshold(_ snapshot: WatchlistIndex) -> Float {
        snapshot.categories.values.map(threshold).min() ?? configuration.thresholdOverride ?? configuration.matchThreshold
    }

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
            let floor = min(lowestThreshold(snapshot), configuration.faceCalibration.score(atFalseMatchRate: configuration.evidenceFloorRate))
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
        // Entries are needed to know each subject's category, hence its threshold.
        let missing = fused.map(\.0).filter { entries[$0] == nil }
        if !missing.isEmpty {
            do { entries.merge(try await store.entries(keys: missing)) { a, _ in a } } catch { throw VigilError(error) }
        }
        let now = configuration.clock()
        let ranked = fused.compactMap { subject, total -> (StoredEntry, WatchlistCategory, Double)? in
            // An entry past its expiry no longer matches, even before the purge removes it.
            guard let entry = entries[subject], entry.details.expiresAt.map({ $0 > now }) ?? true,
                  let category = snapshot.categories[entry.category],
                  total >= configuration.faceCalibration.evidence(threshold(of: category)) else { return nil }
            return (entry, category, total)
        }
        .sorted { $0.2 != $1.2 ? $0.2 > $1.2 : $0.0.key < $1.0.key }
        .prefix(limit)
        return ranked.enumerated().compactMap { offset, item -> ScreeningResult.Candidate? in
            let (entry, category, total) = item
            guard let e = evidence[entry.key] else { return nil }
            return ScreeningResult.Candidate(
                entry: entry, category: category, threshold: threshold(of: category), score: e.face,
                fingerScores: Dictionary(uniqueKeysWithValues: e.fingers.map { ($0.key.rawValue, $0.value) }),
                fusedScore: (total * 1000).rounded() / 1000, rank: offset + 1)
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
