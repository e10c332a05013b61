import Foundation
import VigilStorage

/// A stored screening as its post sees it: the result and, per candidate,
/// who adjudicated it, when, and where that leaves it.
public struct ScreeningView: Sendable, Codable, Equatable {
    public struct CandidateState: Sendable, Codable, Equatable {
        public struct Decision: Sendable, Codable, Equatable {
            public let officerId: String
            public let outcome: String
            public let recordedAt: Date
        }
        public let entryId: UUID
        public let confirmationsRequired: Int
        /// `pending`, `awaiting_second_officer`, `confirmed`, `not_a_match`, `inconclusive` or `disputed`.
        public let state: String
        public let decisions: [Decision]
    }

    public let screening: ScreeningResult
    public let adjudications: [CandidateState]
}

extension ScreeningService {
    public enum Outcome: String, Sendable, CaseIterable { case confirmed, notAMatch = "not_a_match", inconclusive }

    /// A post's own screening with its adjudication state.
    public func screening(id: UUID) async throws(VigilError) -> ScreeningView {
        try Self.view(try await ownScreening(id))
    }

    /// The calling post's screenings whose candidates still await a decision, newest first.
    public func adjudicationQueue(limit: Int, offset: Int) async throws(VigilError) -> [ScreeningView] {
        let stored: [StoredScreening]
        do {
            stored = try await store.screeningsWithCandidates(post: AuditActor.current.post ?? AuditActor.current.id, limit: limit, offset: offset)
        } catch {
            throw storageFailure(error, "adjudication queue")
        }
        return try stored.map { s throws(VigilError) in try Self.view(s) }.filter { $0.adjudications.contains { Self.isOpen($0.state) } }
    }

    /// A candidate's reference photo, for the post adjudicating it: only on
    /// the post's own screening, only while that candidate's adjudication is
    /// open, and every view is an audit record (who, which screening, which
    /// entry) written before the photo is returned.
    public func candidatePhoto(screening id: UUID, entry: UUID) async throws(VigilError) -> [UInt8] {
        let stored = try await ownScreening(id)
        let view = try Self.view(stored)
        let others = (view.screening.otherFaces ?? []).flatMap(\.candidates).map(\.entryId)
        if let state = view.adjudications.first(where: { $0.entryId == entry })?.state {
            guard Self.isOpen(state) else {
                throw VigilError(.forbidden, "this candidate's adjudication is closed (\(state)): its photo is no longer shown")
            }
        } else if !others.contains(entry) {
            throw VigilError(.notFound, "that entry is not a candidate of the screening")
        }
        let photo: [UInt8]?
        do { photo = try await store.faceReferencePhoto(entry: entry) } catch { throw storageFailure(error, "reference photo") }
        guard let photo else { throw VigilError(.notFound, "no reference photo is held for this entry") }
        let context = "{\"entry_id\":\"\(entry.uuidString)\"}"
        do {
            _ = try await store.audit(AuditDraft(action: AuditAction.photoView, subject: id.uuidString, outcome: "shown",
                                                 context: context, result: context))
        } catch {
            throw storageFailure(error, "audit of a photo view")
        }
        return photo
    }

    /// Whether a candidate still awaits a decision (its photo may be shown).
    static func isOpen(_ state: String) -> Bool { !["confirmed", "not_a_match"].contains(state) }

    /// Records one officer's decision on one candidate (the top one unless
    /// `entry` names another). A hit in a two-officer category is confirmed
    /// only when two different officers confirm it; one officer confirming
    /// it again is refused (`already_adjudicated`), so a second sign-in by the
    /// same officer can never pass for the second officer.
    public func adjudicate(screening id: UUID, entry: UUID?, officer rawOfficer: String, outcome: Outcome) async throws(VigilError) -> ScreeningView {
        let officer = rawOfficer.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !officer.isEmpty, officer.count <= 64 else { throw VigilError(.invalidField, "officer_id holds 1 to 64 characters") }
        let stored = try await ownScreening(id)
        let result = try Self.result(stored)
        guard let candidate = entry.map({ e in result.candidates.first { $0.entryId == e } }) ?? result.candidates.first else {
            throw VigilError(.invalidField, entry == nil ? "the screening has no candidate to adjudicate" : "that entry is not a candidate of the screening")
        }
        let adjudication = Adjudication(entryId: candidate.entryId, officerId: officer, outcome: outcome.rawValue,
                                        postToken: AuditActor.current.id, recordedAt: configuration.clock())
        do {
            let updated = try await store.adjudicate(screening: id, adjudication) { screening in
                let view = Self.view(screening, result: result)
                let state = view.adjudications.first { $0.entryId == candidate.entryId }?.state ?? "pending"
                return "{\"entry_id\":\"\(candidate.entryId.uuidString)\",\"officer_id\":\"\(Self.jsonEscaped(officer))\",\"state\":\"\(state)\"}"
            }
            return Self.view(updated, result: result)
        } catch {
            throw storageFailure(error, "adjudication")
        }
    }

    /// The screening, if the calling post submitted it with any of its tokens
    /// (others get not_found: no existence leak).
    private func ownScreening(_ id: UUID) async throws(VigilError) -> StoredScreening {
        let stored: StoredScreening?
        do { stored = try await store.screening(id: id) } catch { throw storageFailure(error, "screening lookup") }
        let caller = AuditActor.current
        // A post's tokens share its screenings: each officer may hold a token of their own.
        guard let stored, caller.role != Role.post.rawValue || stored.postToken == caller.id
                || (stored.post != nil && stored.post == caller.post) else {
            throw VigilError(.notFound, "no screening \(id.uuidString) of this post")
        }
        return stored
    }

    private static func result(_ stored: StoredScreening) throws(VigilError) -> ScreeningResult {
        guard let result = try? VigilJSON.decoder().decode(ScreeningResult.self, from: Data(stored.resultJSON.utf8)) else {
            throw VigilError(.internalError, "the stored screening cannot be read")
        }
        return result
    }

    static func view(_ stored: StoredScreening) throws(VigilError) -> ScreeningView { view(stored, result: try result(stored)) }

    static func view(_ stored: StoredScreening, result: ScreeningResult) -> ScreeningView {
        let states = result.candidates.map { candidate -> ScreeningView.CandidateState in
            let decisions = stored.adjudications.filter { $0.entryId == candidate.entryId }
            // Each officer's latest decision counts once.
            var latest: [String: String] = [:]
            for d in decisions { latest[d.officerId] = d.outcome }
            let confirmed = latest.values.filter { $0 == Outcome.confirmed.rawValue }.count
            let rejected = latest.values.contains(Outcome.notAMatch.rawValue)
            let state: String
            if confirmed > 0 && rejected { state = "disputed" }
            else if confirmed >= candidate.confirmationsRequired { state = "confirmed" }
            else if confirmed > 0 { state = "awaiting_second_officer" }
            else if rejected { state = "not_a_match" }
            else if latest.values.contains(Outcome.inconclusive.rawValue) { state = "inconclusive" }
            else { state = "pending" }
            return .init(entryId: candidate.entryId, confirmationsRequired: candidate.confirmationsRequired, state: state,
                         decisions: decisions.map { .init(officerId: $0.officerId, outcome: $0.outcome, recordedAt: $0.recordedAt) })
        }
        return ScreeningView(screening: result, adjudications: states)
    }

    static func jsonEscaped(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }
}
