import Foundation
import Synchronization
import VigilScreening

/// Per-token request rate: a token bucket per token id (capacity two
/// seconds' worth), so one post or a stolen token cannot starve the rest.
final class RateLimiter: Sendable {
    private struct Bucket { var tokens: Double; var updated: ContinuousClock.Instant }
    private let perSecond: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(perSecond: Double) { self.perSecond = perSecond }

    func admit(_ key: String) throws(VigilError) {
        guard perSecond > 0 else { return }
        let now = ContinuousClock.now, capacity = perSecond * 2
        let allowed = buckets.withLock { buckets -> Bool in
            var bucket = buckets[key] ?? Bucket(tokens: capacity, updated: now)
            let elapsed = (now - bucket.updated) / .seconds(1)
            bucket.tokens = min(capacity, bucket.tokens + elapsed * perSecond)
            bucket.updated = now
            let ok = bucket.tokens >= 1
            if ok { bucket.tokens -= 1 }
            buckets[key] = bucket
            return ok
        }
        guard allowed else { throw VigilError(.rateLimited, "more than \(Int(perSecond)) requests a second with this token; slow down") }
    }
}

/// At most `limit` screenings in progress; beyond that a post is told to
/// retry rather than queue without bound.
final class ScreeningGate: Sendable {
    private let limit: Int
    private let running = Mutex(0)

    init(limit: Int) { self.limit = max(1, limit) }

    func run<T>(_ body: () async throws -> T) async throws -> T {
        let entered = running.withLock { count -> Bool in
            guard count < limit else { return false }
            count += 1
            return true
        }
        guard entered else { throw VigilError(.serviceBusy, "\(limit) screenings are in progress; retry in a moment") }
        defer { running.withLock { $0 -= 1 } }
        return try await body()
    }
}
