import Foundation
import VigilMatching
import VigilStorage

/// `vigil audit replay`: every screening in range re-run on its sealed probe
/// against the watchlist as it stood at its recorded version, with its
/// recorded settings, and compared with its recorded result; every 1:1
/// verification's score recomputed from its two sealed templates and
/// decided again at its recorded threshold.
public struct ReplayReport: Sendable, Codable, Equatable {
    public struct Divergence: Sendable, Codable, Equatable {
        public let seq: Int64
        public let reason: String
    }

    public let screenings: Int
    public var verifications = 0
    public let agreed: Int
    public let divergences: [Divergence]

    public init(screenings: Int, verifications: Int = 0, agreed: Int, divergences: [Divergence]) {
        self.screenings = screenings
        self.verifications = verifications
        self.agreed = agreed
        self.divergences = divergences
    }
}

extension ScreeningService {
    func replayRecords(from: Int64, to: Int64) async throws(VigilError) -> ReplayReport {
        var agreed = 0
        var divergences: [ReplayReport.Divergence] = []
        var watchlist: ReplayWatchlist?
        let screenings = try await eachRecord(AuditAction.screening, from: from, to: to) { record throws(VigilError) in
            if let reason = try await divergence(of: record, watchlist: &watchlist) {
                divergences.append(.init(seq: record.seq, reason: reason))
            } else {
                agreed += 1
            }
        }
        let verifications = try await eachRecord(AuditAction.verification, from: from, to: to) { record throws(VigilError) in
            if let reason = await verificationDivergence(of: record) {
                divergences.append(.init(seq: record.seq, reason: reason))
            } else {
                agreed += 1
            }
        }
        return ReplayReport(screenings: screenings, verifications: verifications, agreed: agreed,
                            divergences: divergences.sorted { $0.seq < $1.seq })
    }

    /// Calls `body` on every record of `action` in range, a page at a time; how many there were.
    private func eachRecord(_ action: String, from: Int64, to: Int64,
                            _ body: (AuditRecord) async throws(VigilError) -> Void) async throws(VigilError) -> Int {
        var count = 0, next = from
        while next <= to {
            let page: [AuditRecord]
            do { page = try await store.auditRecords(from: next, to: to, actor: nil, action: action, limit: 200) } catch {
                throw storageFailure(error, "replay")
            }
            guard let last = page.last else { break }
            next = last.seq + 1
            for record in page {
                count += 1
                try await body(record)
            }
        }
        return count
    }

    /// Why a recorded verification does not decide the same again, or nil: the
    /// score of its two sealed templates, at its recorded threshold.
    private func verificationDivergence(of record: AuditRecord) async -> String? {
        guard let recorded = try? VigilJSON.decoder().decode(VerificationResult.self, from: Data(record.result.utf8)) else {
            return "the record cannot be read"
        }
        let probe: VerificationProbe
        do {
            guard let bytes = try await store.probe(ofRecord: record.seq) else { return "probe templates erased by retention" }
            probe = try JSONDecoder().decode(VerificationProbe.self, from: Data(bytes))
        } catch {
            return "the sealed templates do not open or decode"
        }
        let score = probe.live.map { FloatKernel.dot($0, probe.document) }
        guard (score == nil) == (recorded.score == nil), abs((score ?? 0) - (recorded.score ?? 0)) < 1e-5 else {
            return "score \(score.map { String($0) } ?? "none") against the recorded \(recorded.score.map { String($0) } ?? "none")"
        }
        // Quality is not in the templates: a recorded recapture stands; otherwise the threshold decides again.
        if recorded.decision == .recaptureRequired { return nil }
        let decision: VerificationResult.Decision = (score ?? -1) >= recorded.threshold ? .match : .noMatch
        return decision == recorded.decision ? nil : "decides \(decision.rawValue), recorded \(recorded.decision.rawValue)"
    }

    /// Why a recorded screening does not replay to the same result, or nil.
    private func divergence(of record: AuditRecord, watchlist: inout ReplayWatchlist?) async throws(VigilError) -> String? {
        let decoder = VigilJSON.decoder()
        guard let recorded = try? decoder.decode(ScreeningResult.self, from: Data(record.result.utf8)),
              let context = try? decoder.decode(ReplayContext.self, from: Data(record.context.utf8)) else {
            return "the record cannot be read"
        }
        guard record.probeDigest != nil else {
            // Nothing usable was captured: only a recapture request replays.
            return recorded.decision == .recaptureRequired && recorded.candidates.isEmpty ? nil : "the record has no probe"
        }
        let probe: ProbeTemplate
        do {
            guard let bytes = try await store.probe(ofRecord: record.seq) else { return "probe template erased by retention" }
            probe = try ProbeTemplate(serialized: bytes)
        } catch {
            return "the sealed probe does not open or decode"
        }
        let model = context.faceModel ?? pipeline.model
        let dimension = (probe.faceVector ?? probe.otherFaceVectors.lazy.compactMap { $0 }.first)?.count ?? pipeline.dimension
        let earlier = probe.previousFaces
        let previous = context.previousFaceModel.flatMap { model in
            ((earlier?.subject ?? earlier?.others.lazy.compactMap { $0 }.first)?.count).map { (model: model, dimension: $0) }
        }
        if watchlist?.version != record.watchlistVersion || watchlist?.index.model != model || watchlist?.index.faces.dimension != dimension
            || watchlist?.index.previousModel != previous?.model || watchlist?.index.previous?.dimension != previous?.dimension {
            watchlist = try await ReplayWatchlist(asOf: record.watchlistVersion, store: store, model: model, dimension: dimension, previous: previous,
                                                  fingerSearch: configuration.fingerSearch)
        }
        guard var snapshot = watchlist?.index else { return "the watchlist cannot be rebuilt" }
        snapshot.categories = context.settings.categories
        snapshot.scoreFingers(normalisedBy: context.settings.fingerNormalisation ?? .shipped)
        var fingers: [(FingerPosition, CylinderTemplate)] = []
        for (name, bytes) in probe.fingers.sorted(by: { $0.key < $1.key }) {
            guard let position = FingerPosition(rawValue: name), let minutiae = try? FingerTemplates.minutiae(from: [UInt8](bytes)) else {
                return "the probe's finger \(name) cannot be read"
            }
            fingers.append((position, CylinderTemplate(minutiae: minutiae)))
        }
        let states = watchlist?.states ?? [:]
        let now = VigilJSON.parseDate(record.recordedAt) ?? Date()
        // The subject with its fingers, then every other face on its own, as the screening ran.
        let subject = try await rank(face: probe.faceVector, previousFace: earlier?.subject, fingers: fingers, snapshot: snapshot,
                                     context: context, states: states, now: now)
        var others: [[(UUID?, RankedSubject)]] = []
        for (number, vector) in probe.otherFaceVectors.enumerated() {
            let previousFace = earlier.flatMap { number < $0.others.count ? $0.others[number] : nil }
            others.append(vector == nil ? [] : try await rank(face: vector, previousFace: previousFace, fingers: [], snapshot: snapshot,
                                                              context: context, states: states, now: now))
        }
        let subjectUsable = probe.faceVector != nil || !fingers.isEmpty
        let decision = ScreeningResult.Decision(subjectUsable: subjectUsable,
                                                anyCandidate: !subject.isEmpty || others.contains { !$0.isEmpty })
        let recordedOthers = (recorded.otherFaces ?? []).map(\.candidates)
        var problem: String?
        if decision != recorded.decision {
            problem = "decision \(recorded.decision.rawValue) became \(decision.rawValue)"
        } else if recordedOthers.count != others.count {
            problem = "other faces differ"
        } else {
            problem = Self.difference(recorded.candidates, subject)
                ?? zip(recordedOthers, others).lazy.compactMap { Self.difference($0, $1) }.first
        }
        guard let problem else { return nil }
        // Templates are erased, not kept for replays: with their entry, or when re-embedding replaces them.
        let recordedEntries = (recorded.candidates + (recorded.otherFaces ?? []).flatMap(\.candidates)).map(\.entryId)
        var erased: [UUID] = []
        for id in recordedEntries {
            do { _ = try await store.entry(id: id) } catch .entryNotFound { erased.append(id) } catch { throw storageFailure(error, "replay") }
        }
        if !erased.isEmpty { return "watchlist templates erased (entry \(erased[0].uuidString) removed): \(problem)" }
        let rebuilt: WatchlistEvent?
        do { rebuilt = try await store.firstEvent(.reembed, onEntries: recordedEntries, after: record.watchlistVersion) } catch {
            throw storageFailure(error, "replay")
        }
        if let rebuilt {
            return "watchlist templates erased (entry \(rebuilt.subject) re-embedded at version \(rebuilt.version)): \(problem)"
        }
        if context.models != modelDigests || context.algorithm != ReplayContext.algorithm || model != pipeline.model {
            return "model changed: \(problem)"
        }
        return "result differs: \(problem)"
    }

    /// One face's (or the subject's) candidates re-ranked as the screening ranked them.
    private func rank(face: [Float]?, previousFace: [Float]?, fingers: [(FingerPosition, CylinderTemplate)], snapshot: WatchlistIndex,
                      context: ReplayContext, states: [UUID: Fusion.EntryState], now: Date) async throws(VigilError) -> [(UUID?, RankedSubject)] {
        // The recorded settings count the subject's fingers; every other
        // face was searched without them.
        var settings = context.settings
        if fingers.isEmpty { settings.fingerTemplates = nil }
        let (evidence, _, _) = try await collectEvidence(face: face, previousFace: previousFace, fingers: fingers, in: snapshot,
                                                      settings: settings)
        let ids = try await entryIDs(Array(evidence.keys))
        let ranked = Fusion.rank(evidence, settings: settings, now: now) { key in ids[key].flatMap { states[$0] } }
        return ranked.map { (ids[$0.key], $0) }
    }

    /// How recorded candidates differ from replayed ones, or nil when they agree.
    private static func difference(_ recorded: [ScreeningResult.Candidate], _ replayed: [(UUID?, RankedSubject)]) -> String? {
        guard replayed.map(\.0) == recorded.map(\.entryId) else { return "candidates differ" }
        for (candidate, (_, subject)) in zip(recorded, replayed) where !sameScores(candidate, subject) {
            return "scores of entry \(candidate.entryId.uuidString) differ"
        }
        return nil
    }

    private static func sameScores(_ c: ScreeningResult.Candidate, _ s: RankedSubject) -> Bool {
        func close(_ a: Float?, _ b: Float?) -> Bool {
            switch (a, b) {
            case (nil, nil): return true
            case let (x?, y?): return abs(x - y) <= 1e-6
            default: return false
            }
        }
        let fingers = Dictionary(uniqueKeysWithValues: s.evidence.fingers.map { ($0.key.rawValue, $0.value) })
        return close(c.score, s.evidence.face) && abs(c.fusedScore - s.fused) <= 1e-6
            && Set(c.fingerScores.keys) == Set(fingers.keys) && c.fingerScores.allSatisfy { close($0.value, fingers[$0.key]) }
    }

    private func entryIDs(_ keys: [Int64]) async throws(VigilError) -> [Int64: UUID] {
        do { return try await store.entries(keys: keys).mapValues(\.id) } catch { throw storageFailure(error, "replay") }
    }
}

/// The watchlist as it stood at one version: its index and each entry's
/// category and expiry then (from the events up to that version).
struct ReplayWatchlist {
    let version: Int64
    let index: WatchlistIndex
    let states: [UUID: Fusion.EntryState]

    init(asOf version: Int64, store: any VigilStore, model: String, dimension: Int,
         previous: (model: String, dimension: Int)?, fingerSearch: FingerSearchPolicy) async throws(VigilError) {
        self.version = version
        do {
            let contents = try await store.loadWatchlist(asOf: version)
            index = try WatchlistIndex(contents, model: model, dimension: dimension, previous: previous, fingerSearch: fingerSearch)
            var states: [UUID: Fusion.EntryState] = [:]
            var from: Int64 = 1
            while from <= version {
                let events = try await store.events(from: from, limit: 5_000).filter { $0.version <= version }
                guard let last = events.last else { break }
                from = last.version + 1
                for event in events {
                    guard let id = UUID(uuidString: event.subject) else { continue }
                    switch event.action {
                    case .remove, .expire: states[id] = nil
                    case .category: break
                    case .add, .update, .addSample, .removeSample, .reembed:
                        if let category = event.details?.category {
                            states[id] = Fusion.EntryState(category: category, expiresAt: event.details?.expiresAt)
                        }
                    }
                }
            }
            self.states = states
        } catch let error as StorageError {
            throw VigilError(error)
        } catch {
            throw VigilError(.internalError, "the watchlist could not be rebuilt")
        }
    }
}
