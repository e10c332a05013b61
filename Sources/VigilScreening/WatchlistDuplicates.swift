import Foundation
import VigilMatching
import VigilStorage

/// Two entries whose face templates match at or above the stricter of
/// their categories' thresholds: likely the same person entered twice.
public struct DuplicatePair: Sendable, Codable, Equatable {
    public let first: UUID
    public let second: UUID
    public let firstCategory: String
    public let secondCategory: String
    /// Best face score between any template of one and any of the other.
    public let score: Float
    public let threshold: Float
}

extension ScreeningService {
    /// Every entry's face templates searched against the watchlist (the same
    /// exact-rescored search a screening runs), in batches of probes. Fingers
    /// are not compared here: all against all is N²/2 MCC comparisons, minutes
    /// for a large watchlist (README, "Watchlist administration").
    public func duplicates() async throws(VigilError) -> [DuplicatePair] {
        let snapshot = index.withLock { $0 }
        let matching = settings(snapshot)
        let floor = matching.lowestThreshold
        do {
            let templates = try await store.loadWatchlist().faceTemplates
            var best: [Pair: Float] = [:]
            var entries: [Int64: StoredEntry] = [:]
            for start in stride(from: 0, to: templates.count, by: 256) {
                let chunk = Array(templates[start..<min(templates.count, start + 256)])
                let probes = try await store.candidateDetails(templateIDs: chunk.map(\.id))
                entries.merge(probes.entries) { a, _ in a }
                let present = chunk.filter { probes.vectors[$0.id] != nil }
                let sets = try snapshot.faces.candidates(for: present.map { probes.vectors[$0.id]! },
                                                         limit: configuration.maxCandidates + 1, threshold: floor, pool: scanPool)
                let found = try await store.candidateDetails(templateIDs: Array(Set(sets.flatMap(\.templateIDs))))
                entries.merge(found.entries) { a, _ in a }
                for (probe, set) in zip(present, sets) {
                    for hit in set.rescored(exactVectors: { found.vectors[$0] }) where hit.subject != probe.entryKey {
                        let pair = Pair(probe.entryKey, hit.subject)
                        best[pair] = max(best[pair] ?? hit.score, hit.score)
                    }
                }
            }
            return best.compactMap { pair, score -> DuplicatePair? in
                guard let a = entries[pair.low], let b = entries[pair.high],
                      let ca = matching.categories[a.category], let cb = matching.categories[b.category] else { return nil }
                let needed = max(matching.threshold(of: ca), matching.threshold(of: cb))
                guard score >= needed else { return nil }
                return DuplicatePair(first: a.id, second: b.id, firstCategory: a.category, secondCategory: b.category,
                                     score: score, threshold: needed)
            }
            .sorted { $0.score != $1.score ? $0.score > $1.score : $0.first.uuidString < $1.first.uuidString }
        } catch let error as StorageError {
            throw storageFailure(error, "duplicate search")
        } catch {
            throw VigilError(.internalError, "the duplicate search failed")
        }
    }
}

/// An unordered pair of entry keys.
private struct Pair: Hashable {
    let low: Int64, high: Int64
    init(_ a: Int64, _ b: Int64) { (low, high) = a < b ? (a, b) : (b, a) }
}
