import Foundation
import VigilMatching
import VigilStorage

/// Two entries whose faces and fingers, fused the way a screening fuses
/// them, reach the evidence the stricter of their categories needs, raised
/// for the number of pairs a search compares: likely the same person
/// entered twice.
public struct DuplicatePair: Sendable, Codable, Equatable {
    public let first: UUID
    public let second: UUID
    public let firstCategory: String
    public let secondCategory: String
    /// Best face score between any template of one and any of the other;
    /// nil when their faces do not match (or one has no face).
    public let score: Float?
    /// Best finger score at each position both have enrolled, by position name.
    public let fingerScores: [String: Float]
    /// Face and finger evidence summed (−log10 of the estimated false-match rates).
    public let fusedScore: Double
    /// The stricter category's face threshold.
    public let threshold: Float
    /// The evidence the pair had to reach: what that threshold implies, plus
    /// log10 of the number of pairs the search compared.
    public let requiredScore: Double
}

extension ScreeningService {
    /// Every entry's face templates searched against the watchlist (the same
    /// exact-rescored search a screening runs, in batches of probes), and
    /// every enrolled finger against the fingers at its position: all
    /// against all, N²/2 MCC comparisons for N fingers at a position
    /// (README, "Watchlist administration").
    public func duplicates() async throws(VigilError) -> [DuplicatePair] {
        let snapshot = index.withLock { $0 }
        let matching = settings(snapshot)
        do {
            var evidence: [Pair: SubjectEvidence] = [:]
            var entries = try await faceDuplicates(snapshot, matching, into: &evidence)
            for finger in snapshot.fingers.fingers {
                guard let position = FingerPosition(code: finger.position) else { continue }
                let hits = snapshot.fingers.search(finger.cylinders, position: finger.position, limit: configuration.maxCandidates + 1,
                                                   threshold: matching.fingerFloor, pool: scanPool).candidates
                for hit in hits where hit.subject != finger.subject {
                    let pair = Pair(finger.subject, hit.subject)
                    evidence[pair, default: SubjectEvidence()].fingers[position] = max(evidence[pair]?.fingers[position] ?? hit.score, hit.score)
                }
            }
            // Every pair of entries is a comparison: for the whole search to list strangers no more
            // often than one comparison at the category's rate, each pair needs log10(pairs) more evidence.
            let comparisons = Double(max(1, snapshot.entryCount * (snapshot.entryCount - 1) / 2))
            let missing = Set(evidence.keys.flatMap { [$0.low, $0.high] }).filter { entries[$0] == nil }
            if !missing.isEmpty { entries.merge(try await store.entries(keys: Array(missing))) { a, _ in a } }
            return evidence.compactMap { pair, e -> DuplicatePair? in
                guard let a = entries[pair.low], let b = entries[pair.high],
                      let ca = matching.categories[a.category], let cb = matching.categories[b.category] else { return nil }
                let fused = Fusion.evidence(e, settings: matching)
                let needed = max(Fusion.required(ca, settings: matching), Fusion.required(cb, settings: matching)) + log10(comparisons)
                guard fused >= needed else { return nil }
                return DuplicatePair(first: a.id, second: b.id, firstCategory: a.category, secondCategory: b.category,
                                     score: e.face, fingerScores: Dictionary(uniqueKeysWithValues: e.fingers.map { ($0.key.rawValue, $0.value) }),
                                     fusedScore: (fused * 1000).rounded() / 1000,
                                     threshold: max(matching.threshold(of: ca), matching.threshold(of: cb)),
                                     requiredScore: (needed * 1000).rounded() / 1000)
            }
            .sorted { $0.fusedScore != $1.fusedScore ? $0.fusedScore > $1.fusedScore : $0.first.uuidString < $1.first.uuidString }
        } catch let error as StorageError {
            throw storageFailure(error, "duplicate search")
        } catch {
            throw VigilError(.internalError, "the duplicate search failed")
        }
    }

    /// Best face score per pair of entries, down to the evidence floor;
    /// returns the entries read along the way.
    private func faceDuplicates(_ snapshot: WatchlistIndex, _ matching: MatchSettings,
                                into evidence: inout [Pair: SubjectEvidence]) async throws -> [Int64: StoredEntry] {
        let templates = try await store.loadWatchlist().faceTemplates
        var entries: [Int64: StoredEntry] = [:]
        for start in stride(from: 0, to: templates.count, by: 256) {
            let chunk = Array(templates[start..<min(templates.count, start + 256)])
            let probes = try await store.candidateDetails(templateIDs: chunk.map(\.id))
            entries.merge(probes.entries) { a, _ in a }
            let present = chunk.filter { probes.vectors[$0.id] != nil }
            let sets = try snapshot.faces.candidates(for: present.map { probes.vectors[$0.id]! },
                                                     limit: configuration.maxCandidates + 1, threshold: matching.faceFloor, pool: scanPool)
            let found = try await store.candidateDetails(templateIDs: Array(Set(sets.flatMap(\.templateIDs))))
            entries.merge(found.entries) { a, _ in a }
            for (probe, set) in zip(present, sets) {
                for hit in set.rescored(exactVectors: { found.vectors[$0] }) where hit.subject != probe.entryKey {
                    let pair = Pair(probe.entryKey, hit.subject)
                    evidence[pair, default: SubjectEvidence()].face = max(evidence[pair]?.face ?? hit.score, hit.score)
                }
            }
        }
        return entries
    }
}

/// An unordered pair of entry keys.
private struct Pair: Hashable {
    let low: Int64, high: Int64
    init(_ a: Int64, _ b: Int64) { (low, high) = a < b ? (a, b) : (b, a) }
}
