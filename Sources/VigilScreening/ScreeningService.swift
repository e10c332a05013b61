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
    public var watchlistStatus: (version: Int64, entries: Int, faceTemplates: Int) {
        index.withLock { ($0.version, $0.entryCount, $0.faces.count) }
    }

    public func storeCounts() async throws(VigilError) -> StoreCounts {
        do { return try await store.counts() } catch { throw VigilError(error) }
    }

    // MARK: Enrolment

    public func enroll(name rawName: String, category rawCategory: String, faces: [[UInt8]]) async throws(VigilError) -> EnrollmentResult {
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else {
            throw VigilError(.invalidField, "name must hold 1 to 200 characters")
        }
        guard let category = WatchlistCategory(rawValue: rawCategory) else {
            let known = WatchlistCategory.allCases.map(\.rawValue).joined(separator: ", ")
            throw VigilError(.unknownCategory, "category '\(rawCategory.prefix(64))' is not one of: \(known)")
        }
        guard !faces.isEmpty else { throw VigilError(.missingField, "at least one face image is required") }
        guard faces.count <= configuration.maxFacesPerEnrollment else {
            throw VigilError(.invalidField, "at most \(configuration.maxFacesPerEnrollment) face images per enrolment")
        }

        let analyses = try await pipeline.analyzeAll(faces, field: "face")
        var templates: [NewFaceTemplate] = []
        for (number, analysis) in analyses.enumerated() {
            let vector = try pipeline.enrolmentVector(analysis, field: "face[\(number)]")
            templates.append(NewFaceTemplate(vector: vector, quantized: QuantizedVector(vector).serialized))
        }

        let enrolled: EnrolledEntry
        do {
            let new = NewEntry(name: name, category: category.rawValue, faces: templates)
            enrolled = try await store.enroll([new]) { [self] enrolled in index.withLock { $0.apply(enrolled) } }[0]
        } catch {
            logger.error("enrolment write failed", metadata: ["reason": "\(error)"])
            throw VigilError(error)
        }
        logger.info("entry enrolled", metadata: ["version": "\(enrolled.version)", "faces": "\(templates.count)"])
        return EnrollmentResult(id: enrolled.entry.id, version: enrolled.version, name: name, category: category,
                                faces: analyses.map { FaceReport($0, policy: pipeline.policy) })
    }

    // MARK: Screening

    public func screen(face bytes: [UInt8]) async throws(VigilError) -> ScreeningResult {
        let clock = ContinuousClock()
        let started = clock.now
        let analysis = try await pipeline.analyze(bytes, field: "face")
        let analysed = clock.now

        let report = FaceReport(analysis, policy: pipeline.policy)
        let snapshot = index.withLock { $0 }
        var candidates: [ScreeningResult.Candidate] = []
        var decision = ScreeningResult.Decision.recaptureRequired
        var recaptureReason: VigilError.Code?
        if let face = analysis.face, report.quality?.acceptable == true {
            candidates = try await search(face.descriptor, in: snapshot)
            decision = candidates.isEmpty ? .noHit : .reviewRequired
        } else {
            recaptureReason = analysis.face == nil ? .noFaceFound : .qualityInsufficient
        }
        let searched = clock.now

        let id = UUID()
        let draft = ScreeningResult(id: id, decision: decision, recaptureReason: recaptureReason?.rawValue, face: report,
                                    candidates: candidates, threshold: configuration.matchThreshold,
                                    watchlistVersion: snapshot.version,
                                    timingsMs: .init(analysis: 0, search: 0, record: 0, total: 0))
        try await record(draft)
        let recorded = clock.now

        let timings = ScreeningResult.Timings(analysis: Self.ms(analysed - started), search: Self.ms(searched - analysed),
                                              record: Self.ms(recorded - searched), total: Self.ms(recorded - started))
        logger.info("screening", metadata: ["decision": "\(decision.rawValue)", "candidates": "\(candidates.count)",
                                            "total_ms": "\(timings.total)"])
        return ScreeningResult(id: id, decision: decision, recaptureReason: draft.recaptureReason, face: report,
                               candidates: candidates, threshold: draft.threshold,
                               watchlistVersion: draft.watchlistVersion, timingsMs: timings)
    }

    /// The int8 scan finds a candidate superset; the stored Float32
    /// originals of those candidates give the exact scores and order, and
    /// their entries are read in the same query.
    private func search(_ descriptor: [Float], in snapshot: WatchlistIndex) async throws(VigilError) -> [ScreeningResult.Candidate] {
        let candidates: CandidateSet
        do {
            candidates = try snapshot.faces.candidates(for: descriptor, limit: configuration.maxCandidates,
                                                        threshold: configuration.matchThreshold, pool: scanPool)
        } catch {
            throw VigilError(.internalError, "the face descriptor is not usable")
        }
        let details: CandidateDetails
        do {
            details = try await store.candidateDetails(templateIDs: candidates.templateIDs)
        } catch {
            throw VigilError(error)
        }
        let hits = candidates.rescored { details.vectors[$0] }
        return hits.enumerated().compactMap { offset, hit in
            guard let entry = details.entries[hit.subject],
                  let category = WatchlistCategory(rawValue: entry.category) else { return nil }
            return ScreeningResult.Candidate(entryId: entry.id, name: entry.name, category: category, score: hit.score,
                                             rank: offset + 1, protective: category.isProtective, action: category.action)
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
                                     decision: result.decision.rawValue, faceCount: result.face.count, resultJSON: json)
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
