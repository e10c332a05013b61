import Foundation
import Dispatch
import Synchronization

/// Enrolled fingers for 1:N search: cylinder templates with their subject
/// (entry key), template id and finger position, in immutable segments that
/// carry the fingers' hash tables (`FingerSegment`). A value type like
/// `FaceIndex`: a screening copies it (O(segments)) and searches without a
/// lock; a change builds new segments and never touches a published one.
///
/// Search is exhaustive (every finger at the probe's position through the
/// full matcher) while that is fast, and indexed above `policy.exhaustiveBelow`:
/// the hash tables vote for the fingers whose cylinders collide with the
/// probe's, the best-voted are laid on the probe in the pose their
/// collisions agree on and ranked by their cylinders in that pose, and the
/// best of those (`policy.penetration`) go through the full matcher. Either way every score returned is the full matcher's.
public struct FingerIndex: Sendable {
    public struct Finger: Sendable {
        public let subject: Int64
        public let template: Int64
        /// ISO/IEC 19794-2 position code (1...10); 0 = unknown.
        public let position: Int
        public let cylinders: CylinderTemplate
        /// The keys it files as stored with it (`CylinderHashing.serializedKeys`),
        /// when read from the store: the segment opens and files these
        /// instead of hashing the cylinders (unless they were written under
        /// other settings or are damaged), and does not keep them.
        public let storedKeys: [UInt8]?

        public init(subject: Int64, template: Int64, position: Int, cylinders: CylinderTemplate, storedKeys: [UInt8]? = nil) {
            self.subject = subject
            self.template = template
            self.position = position
            self.cylinders = cylinders
            self.storedKeys = storedKeys
        }

        /// The finger as a segment keeps it: its keys are in the tables.
        var withoutKeys: Finger {
            storedKeys == nil ? self : Finger(subject: subject, template: template, position: position, cylinders: cylinders)
        }
    }

    /// Fingers per segment: a segment numbers its fingers in 16 bits, and an
    /// enrolment rebuilds the tail segment (a few milliseconds at this size).
    public static let segmentCapacity = 16_384

    public let hashing: CylinderHashing
    public var policy: FingerSearchPolicy
    /// Scores the candidates; its `normalisation` is the deployment's
    /// (`vigil calibrate fingers` on its own sensor's prints) or the shipped one.
    public var matcher = CylinderMatcher()
    public private(set) var segments: [FingerSegment] = []
    let capacityPerSegment: Int

    public init(hashing: CylinderHashing = .standard, policy: FingerSearchPolicy = FingerSearchPolicy()) {
        self.init(hashing: hashing, policy: policy, capacityPerSegment: Self.segmentCapacity)
    }

    /// Smaller segments let tests cross segment boundaries with few fingers.
    init(hashing: CylinderHashing = .standard, policy: FingerSearchPolicy = FingerSearchPolicy(), capacityPerSegment: Int) {
        precondition(capacityPerSegment > 0 && capacityPerSegment <= Self.segmentCapacity, "a segment numbers its fingers in 16 bits")
        self.hashing = hashing
        self.policy = policy
        self.capacityPerSegment = capacityPerSegment
    }

    public var count: Int { segments.reduce(0) { $0 + $1.count } }
    public var fingers: [Finger] { segments.flatMap(\.fingers) }
    /// Memory the hash tables take, on top of the templates.
    public var indexBytes: Int { segments.reduce(0) { $0 + $1.tableBytes } }

    /// Adds fingers: the tail segment is topped up, further segments are
    /// built on every core (a node's start-up lays out all its fingers here).
    public mutating func add(_ new: [Finger]) {
        guard !new.isEmpty else { return }
        var pending = new[...]
        let capacity = capacityPerSegment
        if let tail = segments.last, tail.count < capacity {
            // The tail keeps its fingers' keys while it is not full: topping it up hashes only the new fingers.
            let merged = tail.fingers + pending.prefix(capacity - tail.count)
            segments[segments.count - 1] = FingerSegment(fingers: merged, hashing: hashing, keepKeys: merged.count < capacity,
                                                         reusing: tail.filed)
            pending = pending.dropFirst(merged.count - tail.count)
        }
        let starts = Array(stride(from: pending.startIndex, to: pending.endIndex, by: capacity))
        let built = Mutex([FingerSegment?](repeating: nil, count: starts.count))
        let hashing = self.hashing
        DispatchQueue.concurrentPerform(iterations: starts.count) { [pending] index in
            let start = starts[index]
            let fingers = Array(pending[start..<min(pending.endIndex, start + capacity)])
            let segment = FingerSegment(fingers: fingers, hashing: hashing, keepKeys: fingers.count < capacity)
            built.withLock { $0[index] = segment }
        }
        segments.append(contentsOf: built.withLock { $0 }.compactMap { $0 })
    }

    public mutating func remove(subject: Int64) { removeFingers { $0.subject == subject } }

    public mutating func remove(templates ids: Set<Int64>) {
        guard !ids.isEmpty else { return }
        removeFingers { ids.contains($0.template) }
    }

    /// Rebuilds only the segments that lose a finger; the others stay shared.
    private mutating func removeFingers(where doomed: (Finger) -> Bool) {
        for (index, segment) in segments.enumerated() where segment.fingers.contains(where: doomed) {
            segments[index] = FingerSegment(fingers: segment.fingers.filter { !doomed($0) }, hashing: hashing,
                                            keepKeys: index == segments.count - 1)
        }
        segments.removeAll { $0.count == 0 }
    }

    // MARK: Search

    /// The best `limit` subjects at or above `threshold` for one probe
    /// finger among the enrolled fingers at its position, with how they were
    /// chosen; the work is partitioned over `pool`'s threads.
    public func search(_ probe: CylinderTemplate, position: Int, limit: Int, threshold: Float, pool: ScanPool) -> FingerSearch {
        let layout = SegmentLayout(segments)
        let code = FingerSegment.positionCode(position)
        let eligible = layout.eligibleCount(at: code)
        let method: FingerSearchMethod = eligible < policy.exhaustiveBelow ? .exhaustive : .indexed
        let chosen: [Int]
        var work = SelectionWork()
        let selectionStart = ContinuousClock.now
        switch method {
        case .exhaustive:
            chosen = layout.segments.indices.flatMap { layout.segments[$0].eligible(at: code, start: layout.starts[$0]) }
        case .indexed:
            (chosen, work) = selectByVotes(probe, position: code, eligible: eligible, layout: layout, pool: pool)
        }
        let selection = ContinuousClock.now - selectionStart
        let results = PerPartition<TopCandidates?>(count: pool.threads, initial: nil)
        let comparedCylinders = PerPartition<Int>(count: pool.threads, initial: 0)
        // Threads take small runs of candidates as they finish the last, not
        // a fixed half each: a comparison's cost grows with both prints'
        // minutiae, and the index chooses prints like the probe, so one half
        // can cost far more than the other. The candidates ranked are the same.
        let candidatesInTurn = WorkQueue(count: chosen.count, batch: 64)
        pool.run { partition in
            let matcher = self.matcher, workspace = CylinderMatcher.Workspace()
            var top = TopCandidates(limit: limit), cylinders = 0
            for candidate in candidatesInTurn {
                let finger = layout.finger(chosen[candidate])
                let score = matcher.score(probe, finger.cylinders, using: workspace)
                cylinders += finger.cylinders.count
                if score >= threshold { top.offer(GalleryCandidate(subject: finger.subject, template: finger.template, score: score)) }
            }
            results.update(partition) { _ in top }
            comparedCylinders.update(partition) { _ in cylinders }
        }
        return FingerSearch(candidates: results.merged(limit: limit).sorted(), method: method, compared: chosen.count, eligible: eligible,
                            cylinderPairs: probe.count * comparedCylinders.values.reduce(0, +), postings: work.postings, poseCollisions: work.poseCollisions,
                            alignedPairs: work.alignedPairs, selection: selection, selectionTimes: work.times)
    }

    /// Each probe key's vote: the information a shared key carries,
    /// log2(fingers / fingers in its bucket) in eighths of a bit (inverse
    /// document frequency, as in text retrieval): a key that thousands of
    /// fingers share says little about any of them. Counted over the whole
    /// index, so the weights do not depend on how fingers fall into segments.
    /// Within `postingBudget` (the fingers the votes walk, summed over the
    /// keys' buckets), the rarest keys vote and the most shared, which say
    /// least, get 0: text retrieval's stop words. Returns the postings kept.
    static func weights(of keys: [UInt32], in layout: SegmentLayout, postingBudget: Int = .max) -> (weights: [UInt16], postings: Int) {
        let total = Double(max(1, layout.total))
        let sharing = sharing(of: keys, in: layout)
        var weights = sharing.map { shared -> UInt16 in
            shared > 0 ? UInt16((8 * log2(total / Double(shared))).rounded(.down).clamped(to: 0...255)) : 0
        }
        // Rarest first, ties in key order: the same keys drop on every replay.
        var postings = 0
        for index in weights.indices.filter({ weights[$0] > 0 }).sorted(by: { (sharing[$0], $0) < (sharing[$1], $1) }) {
            if sharing[index] > postingBudget - postings { weights[index] = 0 } else { postings += sharing[index] }
        }
        return (weights, postings)
    }

    /// How many fingers of the whole index share each probe key's bucket (0 for no key).
    static func sharing(of keys: [UInt32], in layout: SegmentLayout) -> [Int] {
        keys.enumerated().map { index, bucket in
            bucket == CylinderHashing.noKey ? 0 : layout.segments.reduce(0) { $0 + $1.bucketSize(bucket, keyIndex: index) }
        }
    }

    /// The subjects whose fingers the index would hand to the matcher for
    /// this probe, whatever the gallery's size (to measure its hit rate).
    public func selected(for probe: CylinderTemplate, position: Int, pool: ScanPool) -> Set<Int64> {
        let layout = SegmentLayout(segments)
        let code = FingerSegment.positionCode(position)
        let (chosen, _) = selectByVotes(probe, position: code, eligible: layout.eligibleCount(at: code), layout: layout, pool: pool)
        return Set(chosen.map { layout.finger($0).subject })
    }

    /// Every finger's votes for the probe, the highest an eligible finger
    /// got, and the work of choosing (`SelectionWork`).
    func castVotes(_ probe: CylinderTemplate, position: UInt8, layout: SegmentLayout, pool: ScanPool)
        -> (votes: VoteBuffer, highest: UInt32, work: SelectionWork) {
        let keys = hashing.buckets(of: probe)
        let (weights, postings) = Self.weights(of: keys, in: layout, postingBudget: policy.postingBudget)
        let votingStart = ContinuousClock.now
        let votes = VoteBuffer(count: layout.total)
        let highest = PerPartition<UInt32>(count: pool.threads, initial: 0)
        let segmentsInTurn = WorkQueue(count: layout.segments.count)
        pool.run { partition in
            for s in segmentsInTurn {
                let slots = votes.pointer + layout.starts[s]
                layout.segments[s].vote(keys, weights: weights, into: slots)
                highest.update(partition) { max($0, layout.segments[s].highestVote(slots, at: position)) }
            }
        }
        let voting = ContinuousClock.now - votingStart
        guard let tolerance = policy.poseTolerance else {
            return (votes, highest.values.max() ?? 0, SelectionWork(postings: postings, times: SelectionTimes(votes: voting)))
        }
        var pose = poseVotes(keys, weights: weights, probe: probe, tolerance: tolerance, position: position, votes: votes,
                             highest: highest.values.max() ?? 0, layout: layout, pool: pool)
        pose.work.postings = postings
        pose.work.times.votes = voting
        return (votes, pose.highest, pose.work)
    }

    /// How many eligible fingers of other subjects the probe's votes put
    /// strictly above the subject's best-voted finger (0: none, it is the
    /// best voted), or nil when the subject has no eligible finger: a mate's
    /// rank by votes, from which the share of the gallery the matcher would
    /// need to see it follows (the index's trade-off between penetration
    /// and hit rate).
    public func voteRank(ofSubject subject: Int64, for probe: CylinderTemplate, position: Int, pool: ScanPool) -> Int? {
        let layout = SegmentLayout(segments)
        let code = FingerSegment.positionCode(position)
        let (votes, _, _) = castVotes(probe, position: code, layout: layout, pool: pool)
        var own: UInt32?
        for (s, segment) in layout.segments.enumerated() {
            for local in 0..<segment.count where segment.fingers[local].subject == subject && segment.comparable(local, with: code) {
                own = max(own ?? 0, votes.pointer[layout.starts[s] + local])
            }
        }
        guard let own else { return nil }
        var above = 0
        for (s, segment) in layout.segments.enumerated() {
            let slots = votes.pointer + layout.starts[s]
            for local in 0..<segment.count where slots[local] > own && segment.comparable(local, with: code) {
                above += 1
            }
        }
        return above
    }

    /// The eligible fingers counted by vote, and their cylinders, over every segment.
    static func histogram(of votes: VoteBuffer, highest: UInt32, position: UInt8, layout: SegmentLayout, pool: ScanPool) -> VoteHistogram {
        let histograms = PerPartition<VoteHistogram?>(count: pool.threads, initial: nil)
        let segmentsInTurn = WorkQueue(count: layout.segments.count)
        pool.run { partition in
            var histogram = VoteHistogram(highest: Int(highest))
            for s in segmentsInTurn {
                layout.segments[s].tally(votes.pointer + layout.starts[s], at: position, into: &histogram)
            }
            histograms.update(partition) { _ in histogram }
        }
        var histogram = VoteHistogram(highest: Int(highest))
        for partial in histograms.values { if let partial { histogram += partial } }
        return histogram
    }

    /// The fingers the index hands to the matcher: every eligible finger's
    /// votes (the weight of each probe key filed for it, divided by the
    /// square root of its own key count; for the best-voted, only the keys
    /// whose cylinders agree on one pose, `poseVotes`), then the `penetration` share
    /// (within the policy's bounds) with the most. Every pass over the
    /// fingers runs segment by segment on the pool's threads: at a million
    /// fingers they, not the matcher, would otherwise take most of the time.
    func selectByVotes(_ probe: CylinderTemplate, position: UInt8, eligible: Int, layout: SegmentLayout, pool: ScanPool)
        -> (chosen: [Int], work: SelectionWork) {
        let wanted = policy.candidates(amongEligible: eligible)
        let (votes, highestVote, work) = castVotes(probe, position: position, layout: layout, pool: pool)
        // Counting votes: the smallest tally that still admits `wanted` fingers
        // and keeps the matcher's work within its budget (a comparison costs
        // about the product of the two prints' cylinder counts).
        // A probe key adds its weight at most once to a finger (a bucket lists it once).
        let histogram = Self.histogram(of: votes, highest: highestVote, position: position, layout: layout, pool: pool)
        let minimum = min(eligible, policy.minimumCandidates)
        let cylinderBudget = policy.cylinderPairBudget / max(1, probe.count)
        func withinBudget(fingers: Int, cylinders: Int) -> Bool { cylinders < cylinderBudget || fingers < minimum }
        let walked = histogram.walkDown { admitted, cylinders, _ in admitted < wanted && withinBudget(fingers: admitted, cylinders: cylinders) }
        let bar = UInt32(walked.vote)
        let voted = layout.map(on: pool) { s in
            layout.segments[s].voted(votes.pointer + layout.starts[s], at: position, above: bar, start: layout.starts[s])
        }
        var chosen: [Int] = [], tied: [FingerSegment.TiedFinger] = []
        for found in voted {
            chosen += found.above
            tied += found.tied
        }
        // Ties go by template id, not by place in memory, so a replay on a
        // rebuilt index (other segment boundaries) chooses the same fingers.
        tied.sort { $0.template < $1.template }
        // The tied fingers are admitted one by one below, in template order.
        var cylinders = walked.work - histogram.work[walked.vote]
        for finger in tied {
            guard chosen.count < wanted && withinBudget(fingers: chosen.count, cylinders: cylinders) else { break }
            chosen.append(finger.index)
            cylinders += finger.cylinders
        }
        return (chosen, work)
    }
}

/// What choosing a probe's candidates walked: what its time grows with.
struct SelectionWork {
    /// Fingers in the buckets of the probe keys that voted (the plain votes
    /// walk them, and the pose check's gathering again).
    var postings = 0
    /// Collisions of the fingers whose pose was checked.
    var poseCollisions = 0
    /// The probe's cylinders times those of the fingers scored aligned, once a pose.
    var alignedPairs = 0
    /// What the stages took.
    var times = SelectionTimes()

    static func + (a: SelectionWork, b: SelectionWork) -> SelectionWork {
        SelectionWork(postings: a.postings + b.postings, poseCollisions: a.poseCollisions + b.poseCollisions,
                      alignedPairs: a.alignedPairs + b.alignedPairs, times: a.times + b.times)
    }
}

/// How long the stages of choosing a probe's candidates took: their work
/// (`FingerSearch`'s counts) priced on this machine at that moment, so a
/// slow probe's time can be traced to the stage it went to. The rest of
/// `FingerSearch.selection` is the passes over every finger's votes.
public struct SelectionTimes: Sendable, Equatable {
    /// The plain votes: the walk of the postings of the probe's keys.
    public var votes: Duration = .zero
    /// Choosing the pose check's pool and gathering its collisions (a
    /// second walk of the postings).
    public var gathering: Duration = .zero
    /// The pose check and aligned scores of the checked pool.
    public var checking: Duration = .zero

    static func + (a: SelectionTimes, b: SelectionTimes) -> SelectionTimes {
        SelectionTimes(votes: a.votes + b.votes, gathering: a.gathering + b.gathering, checking: a.checking + b.checking)
    }
}

/// When the index is used and how much of the gallery it selects. The
/// defaults are chosen from `vigil bench fingers --indexed` (docs/fingerprints.md).
public struct FingerSearchPolicy: Sendable, Equatable {
    /// Below this many fingers at the probe's position every one is compared:
    /// two cores compare real probes with about 100,000 a second, so up to
    /// this size the exhaustive search takes about 0.2 s.
    public var exhaustiveBelow = 20_000
    /// Share of the fingers at the position handed to the full matcher.
    /// Ranked by their aligned cylinders (`alignedScoring`), the mates
    /// within 0.5% were those within 1% (95.8% of 240 at 100,000 fingers,
    /// docs/fingerprints.md): the other half of the matcher's work bought
    /// nothing, and pays for the aligned scores.
    public var penetration = 0.005
    /// Never fewer candidates than this (small galleries above the fallback).
    public var minimumCandidates = 1_000
    /// Never more: what two cores compare for a typical probe finger in
    /// about 0.2 s. Past 2.4 million fingers the share handed over falls
    /// below `penetration`.
    public var maximumCandidates = 12_000
    /// Never more matcher work than this for one probe finger, counted as
    /// the probe's cylinders times the candidates' (what a comparison's cost
    /// grows with): a probe with many minutiae, whose candidates are prints
    /// like it, would otherwise take several times the median's time. Only
    /// the fewest-voted candidates of such a probe are given up, and never
    /// below `minimumCandidates`. The budget is about 0.6 s of two cores,
    /// which leaves the selection and the run-to-run spread within a
    /// second: at the tail, where it binds, a million-finger run's slowest
    /// probes compared at 10 to 11 ns a pair (their candidates are large
    /// prints like them; the 5.9 ns of typical prints gave 100 million
    /// before), so 60 million. At a million fingers it kept every mate 100
    /// million kept (docs/fingerprints.md).
    public var cylinderPairBudget = 60_000_000
    /// A finger's vote counts only its collisions in one consistent pose
    /// (`FingerSegment.poseConsistentVote`); nil: every collision counts.
    public var poseTolerance: PoseTolerance? = PoseTolerance()
    /// Pose is checked for the fingers with the most plain votes, this many
    /// times the candidates handed to the matcher (a tenth of the gallery at
    /// the default penetration): every finger's collisions would cost more
    /// than the matcher. The check's work grows with the pool, not faster:
    /// the median probe's pool held about 12 collisions a finger at 100,000
    /// fingers and at a million (`pose_collisions_p50` over the pool's
    /// size). The plain votes keep 97.5% of mates within a tenth of the
    /// gallery at a million fingers, all 240 within a fifth; yet a pool of
    /// a fifth (forty times) found only two more of them (hit rate 96.7%
    /// against 95.8%) and one more exhaustive rank 1 of 120, for a quarter
    /// more time at the median (docs/fingerprints.md): twenty.
    public var posePoolFactor = 20
    /// Never more pose-check work than this for one probe finger, counted
    /// as the collisions of the fingers checked (what the check's work grows
    /// with): a probe with many keys has many collisions with every pooled
    /// finger, and past a million fingers so does every probe. Only the
    /// fewest-voted of the pool are given up, never below the matcher's
    /// candidates. At a million fingers a collision's check took about
    /// 20 ns of two cores in the check alone (the p99 probe's 11.8 million
    /// against 3 million under a budget, 814 against 642 ms, in one run of
    /// `vigil bench fingers --indexed`, docs/fingerprints.md), about 43 ns
    /// with the gathering and aligned scores it brings (the slowest probes
    /// with and without the budget, a later run): 10 million take about
    /// 0.4 s. Half of it, 5 million, lost a mate of 240 that 10 million
    /// keeps. The median probe's pool has 1.2 million. Timed stage by stage
    /// since (`SelectionTimes`), the check costs 14 to 23 ns a collision
    /// over and above its aligned scores, which `alignedPairBudget` bounds
    /// apart: 10 million, about 0.2 s.
    public var poseCollisionBudget = 10_000_000
    /// Never more aligned-score work than this for one probe finger,
    /// counted as the probe's cylinders times those of the fingers scored
    /// (`PoseAlignedScore` looks for each finger cylinder's neighbours among
    /// the probe's, sixteen at a time, and reads the cylinders it finds):
    /// the collision budget above does not bound it, since a probe with
    /// many cylinders brings few collisions with each of many large
    /// fingers. Only the fewest-voted of the pool are given up, never below
    /// the matcher's candidates. At a million fingers the check took about
    /// 0.5 ms of two cores per million of these pairs, over and above its
    /// collisions (the stage's time against both counts, probe by probe, in
    /// `vigil bench fingers --indexed`), and the median probe's pool held
    /// 170 million, the 99th percentile's 570 million: 400 million, about
    /// 0.2 s (the collision budget's order), binds for about the slowest
    /// tenth of probes and lost no mate of 240 there (docs/fingerprints.md).
    public var alignedPairBudget = 400_000_000
    /// Never more plain-vote work than this for one probe finger, counted
    /// as the fingers in the buckets of its keys (the votes walk each, and
    /// the pose check's gathering again): past it the most shared keys do
    /// not vote (`weights(of:in:postingBudget:)`). A probe whose keys fall
    /// in crowded buckets otherwise spends hundreds of milliseconds there,
    /// which neither budget above bounds. Unbounded until measured.
    public var postingBudget = Int.max
    /// The checked pool is ranked by how alike the cylinders are that land
    /// near each other in the pose its collisions agree on
    /// (`PoseAlignedScore`), not by the collisions' weight: at 100,000
    /// fingers the mates within the best 0.1% rose from 86.3% to 94.2%
    /// of 240, within 1% from 93.8% to 95.8% (docs/fingerprints.md).
    public var alignedScoring = true
    /// How many distinct consistent sets' poses a checked finger is scored
    /// in (`PoseConsistency.consistentPoses`), its vote the best of them.
    /// Three moved one mate of 240 up at 100,000 fingers and left the hit
    /// rate where it was, for nearly twice the aligned scores' time
    /// (docs/fingerprints.md): one.
    public var alignedPoses = 1
    public init() {}

    /// How many candidates the matcher is handed among `eligible` fingers.
    func candidates(amongEligible eligible: Int) -> Int {
        min(eligible, max(minimumCandidates, min(maximumCandidates, Int((penetration * Double(eligible)).rounded(.up)))))
    }
}

public enum FingerSearchMethod: String, Sendable, Codable {
    /// Every enrolled finger at the position went through the matcher.
    case exhaustive
    /// The hash index chose which fingers went through the matcher.
    case indexed
}

/// A probe finger's answer and how it was found.
public struct FingerSearch: Sendable {
    public let candidates: [GalleryCandidate]
    public let method: FingerSearchMethod
    /// Fingers the full matcher compared.
    public let compared: Int
    /// Fingers at the probe's position.
    public let eligible: Int
    /// The matcher's work: the probe's cylinders times those of the fingers compared.
    public let cylinderPairs: Int
    /// The plain votes' work: fingers in the buckets of the probe keys that voted.
    public let postings: Int
    /// The pose check's work: the collisions of the fingers whose pose was checked.
    public let poseCollisions: Int
    /// The aligned scores' work: the probe's cylinders times those of the
    /// fingers scored in a pose, once a pose.
    public let alignedPairs: Int
    /// How long choosing the candidates took (votes, pose check, aligned
    /// scores); the rest of the search is the matcher's. Budgets are set
    /// from where a search's time goes.
    public let selection: Duration
    /// Its stages'.
    public let selectionTimes: SelectionTimes
}

/// Segments numbered end to end: finger `index` is local finger
/// `index - starts[s]` of segment `s`.
struct SegmentLayout {
    let segments: [FingerSegment]
    let starts: [Int]
    let total: Int

    init(_ segments: [FingerSegment]) {
        self.segments = segments
        var starts: [Int] = [], total = 0
        for s in segments {
            starts.append(total)
            total += s.count
        }
        self.starts = starts
        self.total = total
    }

    /// `body(s)` for every segment `s`, the pool's threads taking the next
    /// segment as each finishes one; the results in segment order.
    func map<Result: Sendable>(on pool: ScanPool, _ body: @escaping @Sendable (Int) -> Result) -> [Result] {
        let results = PerPartition<Result?>(count: segments.count, initial: nil)
        let segmentsInTurn = WorkQueue(count: segments.count)
        pool.run { _ in
            for s in segmentsInTurn {
                let found = body(s)
                results.update(s) { _ in found }
            }
        }
        return results.values.map { $0! }
    }

    /// Fingers a probe at `position` is compared with.
    func eligibleCount(at position: UInt8) -> Int { segments.reduce(0) { $0 + $1.eligibleCount(at: position) } }

    func finger(_ index: Int) -> FingerIndex.Finger {
        // The last segment starting at or before `index`.
        var lo = 0, hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= index { lo = mid } else { hi = mid - 1 }
        }
        return segments[lo].fingers[index - starts[lo]]
    }
}

/// Zeroed vote counters shared by the pool's threads; each writes only its
/// own segments' slots, and the pool's completion orders the reads after.
final class VoteBuffer: @unchecked Sendable {
    let pointer: UnsafeMutablePointer<UInt32>
    init(count: Int) {
        pointer = .allocate(capacity: max(1, count))
        pointer.initialize(repeating: 0, count: max(1, count))
    }
    deinit { pointer.deallocate() }
}

extension Comparable {
    func clamped(to range: ClosedRange<Self>) -> Self { min(max(self, range.lowerBound), range.upperBound) }
}
