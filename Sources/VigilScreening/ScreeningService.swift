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
    /// The previous recognizer while its templates are still searched (a
    /// re-embedding under way); nil when none is configured or none of its
    /// templates is left at start-up.
    let previousPipeline: FacePipeline?
    let store: any VigilStore
    /// The deployment's keys: the store seals with them; bundles are signed with the audit key.
    let keys: KeyRing
    let index: Mutex<WatchlistIndex>
    /// The newest committed version a change through this node reached
    /// that the index could not apply in order (a catch-up brings it in).
    let behind = Mutex<Int64>(0)
    /// Follows other nodes' changes when the store is shared.
    let follower = Mutex<Task<Void, Never>?>(nil)
    /// Stores index keys for fingers loaded without usable ones (`startStoringStaleFingerKeys`).
    let fingerKeyStorage = Mutex<Task<Void, Never>?>(nil)
    /// A post's standing against headquarters; nil on any other node.
    let upstream = Mutex<UpstreamStatus?>(nil)
    let scanPool: ScanPool
    let logger: Logger
    /// SHA-256 of each model file, recorded with every screening.
    let modelDigests: [String: String]

    public init(configuration: ServiceConfiguration, logger: Logger = Logger(label: "vigil.service")) async throws(VigilError) {
        self.configuration = configuration
        self.logger = logger
        pipeline = try FacePipeline(configuration: configuration)
        guard configuration.faceCalibrationModel == pipeline.model else {
            throw VigilError(.modelsUnavailable, "no face calibration for recognizer \(pipeline.model): fit one with "
                + "'vigil calibrate faces --recognizer FILE' and name it in the recognizer file or with --face-calibration")
        }
        scanPool = ScanPool(threads: configuration.scanThreads)
        modelDigests = ModelDigests.of(directory: configuration.modelsDirectory, recognizer: configuration.recognizer)
        do {
            keys = try configuration.loadKeys()
            store = try await configuration.storeLocation.open(keys: keys, checkpointEvery: configuration.checkpointEvery)
            try await store.seedCategories(WatchlistCategory.defaults(threshold: configuration.matchThreshold))
            let contents = try await store.loadWatchlist()
            let legacy = contents.faceTemplates.filter { $0.quantized == nil }.map(\.id)
            let previous = configuration.previousRecognizer?.recognizer
            let searchesPrevious = previous.map { earlier in contents.faceTemplates.contains { $0.model == earlier.identity } } ?? false
            var loaded = try WatchlistIndex(contents, model: pipeline.model, dimension: pipeline.dimension,
                                            previous: searchesPrevious ? previous.map { ($0.identity, $0.dimension) } : nil,
                                            unquantized: try await store.candidateDetails(templateIDs: legacy).vectors,
                                            fingerSearch: configuration.fingerSearch)
            loaded.categories = Self.byName(try await store.categories())
            loaded.scoreFingers(normalisedBy: configuration.fingerNormalisation)
            index = Mutex(loaded)
            previousPipeline = try searchesPrevious ? Self.pipeline(previous, configuration: configuration) : nil
            try await loadUpstreamStatus()
        } catch let error as VigilError {
            throw error
        } catch let error as StorageError {
            logger.error("cannot open the database", metadata: ["reason": "\(error)"])
            throw VigilError(error)
        } catch {
            throw VigilError(.internalError, "the stored watchlist could not be indexed")
        }
        // Start-up is one of retention's runs (the daemon repeats it): expired
        // entries leave the index before anything is served.
        let retention: Result<Void, VigilError> = await AuditActor.$current.withValue(.system) {
            do throws(VigilError) { try await enforceRetention(); return .success(()) } catch { return .failure(error) }
        }
        try retention.get()
        startStoringStaleFingerKeys()
        if store.isShared {
            let loop = Self.followLoop(self)
            follower.withLock { $0 = loop }
        }
    }

    /// A pipeline of `recognizer` with this service's engines and limits.
    private static func pipeline(_ recognizer: FaceRecognizer?, configuration: ServiceConfiguration) throws(VigilError) -> FacePipeline? {
        guard let recognizer else { return nil }
        var settings = configuration
        settings.recognizer = recognizer
        return try FacePipeline(configuration: settings)
    }

    /// Current watchlist version and size, for health reports.
    public var watchlistStatus: (version: Int64, entries: Int, faceTemplates: Int, fingerTemplates: Int) {
        index.withLock { ($0.version, $0.entryCount, $0.faces.count, $0.fingers.count) }
    }

    /// Stored face templates made by another recognizer than the running
    /// one: not searched, their entries need new photos (or a re-embedding
    /// from kept source images).
    public var faceTemplatesOfOtherModels: Int { index.withLock { $0.otherModelFaces.count } }

    /// The previous recognizer's templates still searched beside the running
    /// one's (until `reembedFaces` has rebuilt them), and its identity.
    public var previousModelFaces: (model: String, templates: Int)? {
        index.withLock { index in index.previousModel.map { ($0, index.previous?.count ?? 0) } }
    }

    /// The recognizer identity this service's face templates come from.
    public var faceModelName: String { pipeline.model }

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
        let captured = try FingerCapture.captureAll(fingers, limit: configuration.maxFingersPerSample)
        let probes = captured.map { ($0.position, $0.cylinders) }
        var report: FaceReport?
        var descriptor: [Float]?
        var recaptureReason: VigilError.Code?
        // Everyone else in the capture: each is searched on its own face.
        var others: [(report: FaceReport, template: [Float]?)] = []
        var previousFaces: ProbeFaces?
        if let bytes {
            let analysis = try await pipeline.analyze(bytes, field: "face", maxFaces: configuration.maxFacesPerCapture)
            report = FaceReport(analysis, policy: pipeline.policy)
            if let face = analysis.face, report?.quality?.acceptable == true {
                descriptor = face.template
            } else {
                recaptureReason = analysis.face == nil ? .noFaceFound : .qualityInsufficient
            }
            others = analysis.faces.dropFirst().map { face in
                let other = FaceReport(face, count: analysis.faceCount, policy: pipeline.policy)
                return (other, other.quality?.acceptable == true ? face.template : nil)
            }
            previousFaces = try await previousTemplates(of: bytes, faces: analysis.faces,
                                                        usable: [descriptor != nil] + others.map { $0.template != nil })
        }
        let analysed = clock.now

        let snapshot = index.withLock { $0 }
        // Every other face is searched under `faces`; the subject under
        // `settings`, which counts the fingers it was searched with too.
        let faces = self.settings(snapshot)
        var settings = faces
        var candidates: [ScreeningResult.Candidate] = []
        var fingerSearches: [FingerPosition: FingerSearch] = [:]
        let usable = descriptor != nil || !probes.isEmpty
        if usable {
            (candidates, fingerSearches, settings) = try await search(face: descriptor, previousFace: previousFaces?.subject, fingers: probes,
                                                                      in: snapshot, settings: faces)
        }
        var otherFaces: [ScreeningResult.OtherFace] = []
        for (number, other) in others.enumerated() {
            var found: [ScreeningResult.Candidate] = []
            if let template = other.template {
                found = try await search(face: template, previousFace: previousFaces?.others[number], fingers: [], in: snapshot, settings: faces).candidates
            }
            otherFaces.append(.init(face: other.report, candidates: found))
        }
        let searched = clock.now

        let decision = ScreeningResult.Decision(subjectUsable: usable,
                                                anyCandidate: !candidates.isEmpty || otherFaces.contains { !$0.candidates.isEmpty })
        let id = UUID()
        let freshness = watchlistFreshness(now: configuration.clock())
        let fingerSearch = fingerSearches.isEmpty ? nil : Dictionary(uniqueKeysWithValues: fingerSearches.map { position, search in
            (position.rawValue, ScreeningResult.FingerSearchReport(method: search.method, compared: search.compared, enrolled: search.eligible))
        })
        func result(_ timings: ScreeningResult.Timings?) -> ScreeningResult {
            ScreeningResult(id: id, decision: decision, recaptureReason: recaptureReason?.rawValue, face: report,
                            otherFaces: otherFaces.isEmpty ? nil : otherFaces,
                            fingers: fingers.map(\.position), candidates: candidates, threshold: settings.lowestThreshold,
                            fusedThreshold: configuration.faceCalibration.evidence(settings.lowestThreshold),
                            faceOperatingPoints: descriptor != nil || others.contains { $0.template != nil } ? settings.faceOperatingPoints() : nil,
                            watchlistVersion: snapshot.version, timingsMs: timings,
                            watchlistSyncedAt: freshness.syncedAt, staleWatchlist: freshness.stale, fingerSearch: fingerSearch)
        }
        // The stored record is the result without timings: they are about
        // this run, not about what was decided, and the write is still under way.
        let probe = ProbeTemplate(face: usable ? descriptor : nil,
                                  fingers: usable ? zip(fingers, captured).map { ($0.position, $1.record) } : [],
                                  otherFaces: others.map(\.template), previous: previousFaces)
        try await record(result(nil), probe: probe, settings: settings, previousModel: previousFaces == nil ? nil : snapshot.previousModel)
        let recorded = clock.now
        let timings = ScreeningResult.Timings(analysis: Self.ms(analysed - started), search: Self.ms(searched - analysed),
                                              record: Self.ms(recorded - searched), total: Self.ms(recorded - started))
        // Debug here: the daemon logs each screening with its request id at info.
        logger.debug("screening", metadata: ["decision": "\(decision.rawValue)", "candidates": "\(candidates.count)",
                                            "fingers": "\(fingers.count)", "total_ms": "\(timings.total)"])
        let final = result(timings)
        ServiceMetrics.screened(final, face: bytes != nil, fingers: !fingers.isEmpty)
        return final
    }

    /// The matching settings in force for a snapshot.
    func settings(_ snapshot: WatchlistIndex) -> MatchSettings {
        MatchSettings(thresholdOverride: configuration.thresholdOverride, categories: snapshot.categories,
                      faceCalibration: configuration.faceCalibration, fingerCalibration: configuration.fingerCalibration,
                      fingerNormalisation: configuration.fingerNormalisation, evidenceFloorRate: configuration.evidenceFloorRate, maxCandidates: configuration.maxCandidates,
                      defaultThreshold: configuration.matchThreshold, faceTemplates: snapshot.searchedFaceCount,
                      previousFaceCalibration: snapshot.previous == nil ? nil : configuration.previousRecognizer?.calibration)
    }

    /// The previous recognizer's templates of the faces the running one
    /// described (paired by box: both use the same detector), when its
    /// templates are still searched; nil otherwise. A face without a usable
    /// current template gets none here either.
    private func previousTemplates(of bytes: [UInt8], faces: [DetectedFace], usable: [Bool]) async throws(VigilError) -> ProbeFaces? {
        guard let previousPipeline, usable.contains(true), index.withLock({ ($0.previous?.count ?? 0) > 0 }) else { return nil }
        let analysis = try await previousPipeline.analyze(bytes, field: "face", maxFaces: configuration.maxFacesPerCapture)
        let templates = zip(faces, usable).map { face, usable in usable ? analysis.face(inside: face.box)?.template : nil }
        return ProbeFaces(subject: templates.first ?? nil, others: Array(templates.dropFirst()))
    }

    /// Per-subject scores from every modality down to the evidence floor;
    /// face candidates rescored exactly from the stored Float32 templates.
    /// Also returns the entries read along the way.
    /// A subject matched by templates of both recognizers keeps its best
    /// face score, the previous recognizer's put on the running one's scale.
    func collectEvidence(face descriptor: [Float]?, previousFace: [Float]? = nil, fingers probes: [(FingerPosition, CylinderTemplate)],
                         in snapshot: WatchlistIndex,
                         settings: MatchSettings) async throws(VigilError)
        -> (evidence: [Int64: SubjectEvidence], entries: [Int64: StoredEntry], fingerSearches: [FingerPosition: FingerSearch]) {
        var evidence: [Int64: SubjectEvidence] = [:]
        var fingerSearches: [FingerPosition: FingerSearch] = [:]
        var entries: [Int64: StoredEntry] = [:]
        if let descriptor {
            for hit in try await faceHits(descriptor, in: snapshot.faces, floor: settings.faceFloor, settings: settings, entries: &entries) {
                evidence[hit.subject, default: SubjectEvidence()].face = hit.score
            }
        }
        if descriptor != nil, let previousFace, let previous = snapshot.previous, let floor = settings.previousFaceFloor {
            for hit in try await faceHits(previousFace, in: previous, floor: floor, settings: settings, entries: &entries) {
                let score = settings.onCurrentScale(previousScore: hit.score)
                evidence[hit.subject, default: SubjectEvidence()].face = max(evidence[hit.subject]?.face ?? score, score)
            }
        }
        for (position, probe) in probes {
            let started = ContinuousClock.now
            let search = snapshot.fingers.search(probe, position: position.code, limit: settings.maxCandidates,
                                                 threshold: settings.fingerFloor, pool: scanPool)
            ServiceMetrics.searchedFinger(search, took: ContinuousClock.now - started)
            for hit in search.candidates { evidence[hit.subject, default: SubjectEvidence()].fingers[position] = hit.score }
            fingerSearches[position] = search
        }
        return (evidence, entries, fingerSearches)
    }

    /// One face index's candidates at or above `floor`, rescored exactly
    /// from the stored Float32 templates; the entries read go to `entries`.
    private func faceHits(_ descriptor: [Float], in faces: FaceIndex, floor: Float, settings: MatchSettings,
                          entries: inout [Int64: StoredEntry]) async throws(VigilError) -> [GalleryCandidate] {
        let set: CandidateSet
        do {
            set = try faces.candidates(for: descriptor, limit: settings.maxCandidates, threshold: floor, pool: scanPool)
        } catch {
            throw VigilError(.internalError, "the face descriptor is not usable")
        }
        let details: CandidateDetails
        do { details = try await store.candidateDetails(templateIDs: set.templateIDs) } catch { throw VigilError(error) }
        entries.merge(details.entries) { a, _ in a }
        return set.rescored(exactVectors: { details.vectors[$0] })
    }

    /// Ranks the evidence by the entries' current categories and expiry,
    /// under `base` with the target FPIR spread over the fingers searched
    /// too: the settings returned, which the screening records.
    private func search(face descriptor: [Float]?, previousFace: [Float]?, fingers probes: [(FingerPosition, CylinderTemplate)],
                        in snapshot: WatchlistIndex, settings base: MatchSettings) async throws(VigilError)
        -> (candidates: [ScreeningResult.Candidate], fingerSearches: [FingerPosition: FingerSearch], settings: MatchSettings) {
        var (evidence, entries, fingerSearches) = try await collectEvidence(face: descriptor, previousFace: previousFace, fingers: probes,
                                                            in: snapshot, settings: base)
        let settings = base.searching(fingers: fingerSearches.values)   // no finger searched: no finger count
        let missing = evidence.keys.filter { entries[$0] == nil }
        if !missing.isEmpty {
            do { entries.merge(try await store.entries(keys: missing)) { a, _ in a } } catch { throw VigilError(error) }
        }
        let ranked = Fusion.rank(evidence, settings: settings, now: configuration.clock()) { key in
            entries[key].map { Fusion.EntryState(category: $0.category, expiresAt: $0.details.expiresAt) }
        }
        let candidates = ranked.enumerated().compactMap { offset, subject -> ScreeningResult.Candidate? in
            guard let entry = entries[subject.key] else { return nil }
            return ScreeningResult.Candidate(
                entry: entry, category: subject.category, threshold: settings.threshold(of: subject.category), score: subject.evidence.face,
                fingerScores: Dictionary(uniqueKeysWithValues: subject.evidence.fingers.map { ($0.key.rawValue, $0.value) }),
                fusedScore: subject.fused, rank: offset + 1)
        }
        return (candidates, fingerSearches, settings)
    }

    /// The screening row and its audit record (result, sealed probe,
    /// settings and model digests) in one transaction.
    private func record(_ result: ScreeningResult, probe: ProbeTemplate, settings: MatchSettings, previousModel: String?) async throws(VigilError) {
        let json: String, context: String, probeBytes: [UInt8]
        do {
            json = String(decoding: try VigilJSON.encoder().encode(result), as: UTF8.self)
            context = String(decoding: try VigilJSON.encoder().encode(ReplayContext(settings: settings, models: modelDigests, faceModel: pipeline.model,
                                                                                            previousFaceModel: previousModel)), as: UTF8.self)
            probeBytes = try probe.serialized()
        } catch {
            throw VigilError(.internalError, "the screening result could not be encoded")
        }
        let record = ScreeningRecord(id: result.id, recordedAt: configuration.clock(), watchlistVersion: result.watchlistVersion,
                                     decision: result.decision.rawValue, faceCount: result.face?.count ?? 0, resultJSON: json)
        let audit = AuditDraft(action: AuditAction.screening, subject: result.id.uuidString, outcome: result.decision.rawValue,
                               probe: probe.isEmpty ? nil : probeBytes, context: context, result: json)
        do {
            try await store.record(record, audit: audit)
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
