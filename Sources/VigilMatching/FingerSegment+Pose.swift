import Foundation

/// Votes that count only collisions in a consistent pose.
///
/// A plain vote adds the weight of every probe key a finger shares, wherever
/// the two cylinders lie: a stranger's chance collisions count as much as a
/// mate's. But a mate's collisions come from minutiae in corresponding
/// places: any two of them are as far apart in the probe as in the finger,
/// turned by the same angle, in the same direction. That is what the full
/// matcher's relaxation checks of its pairs (Cappelli, Ferrara & Maltoni's
/// ρ: distance, direction difference and radial angle), and what
/// transformation clustering in fingerprint indexing uses (Germain, Califano
/// & Colville, "Fingerprint matching using transformation parameter
/// clustering", IEEE CSE 4(4), 1997). A finger's vote is therefore the
/// heaviest set of its collisions consistent with one of them, not their
/// sum: chance collisions rarely agree with each other, a mate's do, so a
/// mate that shares only a few cylinders (a partial or distorted capture)
/// is no longer lost among strangers that share many at random.
extension FingerSegment {
    /// The eligible fingers voted at least `cutoff` (the pool) and how many
    /// collisions each has with the probe: what checking it would cost,
    /// known before any is gathered. `votes` holds the plain votes (`vote`).
    func countPooled(_ probeBuckets: [UInt32], weights: [UInt16], votedAtLeast cutoff: UInt32, at position: UInt8,
                     votes: UnsafePointer<UInt32>) -> PoseCheckPool {
        var place = [Int32](repeating: -1, count: count)
        var pooled: [Int] = []
        for local in 0..<count where votes[local] >= cutoff && comparable(local, with: position) {
            place[local] = Int32(pooled.count)
            pooled.append(local)
        }
        var counts = [Int](repeating: 0, count: pooled.count)
        place.withUnsafeBufferPointer { place in
            counts.withUnsafeMutableBufferPointer { counts in
                walkCollisions(probeBuckets, weights: weights, places: place) { place, _ in counts[place] &+= 1 }
            }
        }
        return PoseCheckPool(fingers: pooled, counts: counts, place: place)
    }

    /// The collisions of the pool's fingers voted at least `checked` (whose
    /// pose is checked), grouped by finger and, within one, by probe
    /// cylinder as the postings list them; the others' ranges are empty.
    /// Only these are written: under the budgets, a heavy probe's pool
    /// holds several times the collisions checked, and writing them all
    /// out, then sorting them by finger, cost more than walking the
    /// postings twice.
    func gatherChecked(_ probeBuckets: [UInt32], weights: [UInt16], pool: PoseCheckPool, votedAtLeast checked: UInt32,
                       votes: UnsafePointer<UInt32>) -> PooledCollisions {
        var place = pool.place
        var starts = [Int](repeating: 0, count: pool.fingers.count + 1)
        for (at, local) in pool.fingers.enumerated() {
            let isChecked = votes[local] >= checked
            if !isChecked { place[local] = -1 }
            starts[at + 1] = starts[at] + (isChecked ? pool.counts[at] : 0)
        }
        var next = starts
        var collisions = [UInt32](repeating: 0, count: starts.last!)
        place.withUnsafeBufferPointer { place in
            next.withUnsafeMutableBufferPointer { next in
                collisions.withUnsafeMutableBufferPointer { collisions in
                    walkCollisions(probeBuckets, weights: weights, places: place) { place, collision in
                        collisions[next[place]] = collision
                        next[place] &+= 1
                    }
                }
            }
        }
        return PooledCollisions(fingers: pool.fingers, starts: starts, collisions: collisions)
    }

    /// Every collision of the probe's voting keys with a finger that has a
    /// place (`places[local]` ≥ 0), in the postings' order: one pass over
    /// every posting the keys reach (tens of millions of steps at a million
    /// fingers), its body inlined into each caller's loop.
    @inline(__always)
    private func walkCollisions(_ probeBuckets: [UInt32], weights: [UInt16], places: UnsafeBufferPointer<Int32>,
                                _ body: (_ place: Int, _ collision: UInt32) -> Void) {
        offsets.withUnsafeBufferPointer { offsets in
            entries.withUnsafeBufferPointer { entries in
                entryCylinders.withUnsafeBufferPointer { cylinders in
                    for (index, bucket) in probeBuckets.enumerated() where bucket != CylinderHashing.noKey && weights[index] > 0 {
                        let at = Self.slot(table: index % tables, bucket: bucket)
                        let probeCylinder = index / tables, weight = weights[index]
                        for e in Int(offsets[at])..<Int(offsets[at + 1]) {
                            let place = places[Int(entries[e])]
                            guard place >= 0 else { continue }
                            body(Int(place), PoseConsistency.collision(probeCylinder: probeCylinder, fingerCylinder: Int(cylinders[e]),
                                                                       weight: weight))
                        }
                    }
                }
            }
        }
    }

    /// Replaces the plain votes of the pooled fingers voted at least
    /// `checked` with their pose-consistent votes, and every other finger's
    /// with 0; returns the collisions it checked and the cylinder pairs it
    /// laid on each other for aligned scores. `probe` is the print
    /// the pool's collisions are with. With `aligned` (the matcher whose
    /// local similarity it uses), a checked finger's vote is instead its
    /// `PoseAlignedScore`, the best in the poses of its `alignedPoses`
    /// heaviest distinct consistent sets.
    func poseConsistentVote(_ pool: PooledCollisions, probe: CylinderTemplate, tolerance: PoseTolerance, votedAtLeast checked: UInt32,
                            aligned matcher: CylinderMatcher?, alignedPoses: Int = 1, votes: UnsafeMutablePointer<UInt32>) -> SelectionWork {
        var consistency = PoseConsistency(tolerance: tolerance)
        let aligned = matcher.map { PoseAlignedScore(probe: probe, matcher: $0) }
        let probePoints = probe.points
        var poseVotes: [(local: Int, vote: UInt32)] = []
        var poses: [Pose] = []
        var work = SelectionWork()
        fingers.withUnsafeBufferPointer { fingers in
            for (place, local) in pool.fingers.enumerated() where votes[local] >= checked {
                let collisions = pool.collisions[pool.starts[place]..<pool.starts[place + 1]]
                // Through the pointer, only the points are read: a copy of
                // the finger (or its template) retains and releases every
                // array it holds, which at a million fingers cost as much as
                // the check.
                let points = (fingers.baseAddress! + local).pointee.cylinders.points
                let weight = consistency.consistentPoses(collisions, probe: probePoints, finger: points,
                                                         distinct: aligned == nil ? 1 : alignedPoses, into: &poses)
                if aligned != nil {
                    // The best of its poses; 1 and up: a checked finger stays above the pool's unchecked rest.
                    // The template is passed in place, not bound to a name (a copy).
                    var score: Float = 0
                    for p in poses.indices {
                        score = max(score, aligned!.score(finger: (fingers.baseAddress! + local).pointee.cylinders, pose: poses[p]))
                    }
                    work.alignedPairs += poses.count * probe.count * Int(sizes[local])
                    poseVotes.append((local, 1 + UInt32(score * PoseAlignedScore.voteScale)))
                } else {
                    poseVotes.append((local, weight))
                }
                work.poseCollisions += collisions.count
            }
        }
        votes.update(repeating: 0, count: count)
        for (local, vote) in poseVotes { votes[local] = vote }
        if aligned == nil { normaliseVotes(votes) }
        return work
    }
}

/// A segment's pool for the pose check: its fingers (local numbers,
/// ascending), each one's collisions with the probe counted (`counts`, by
/// place in the pool), and each local finger's place (-1: not pooled).
struct PoseCheckPool: Sendable {
    let fingers: [Int]
    let counts: [Int]
    let place: [Int32]
}

/// A segment's pooled fingers (local numbers, ascending) and their
/// collisions with the probe, finger by finger: the fingers' are
/// `collisions[starts[place]..<starts[place + 1]]`.
struct PooledCollisions: Sendable {
    let fingers: [Int]
    let starts: [Int]
    let collisions: [UInt32]
}

extension FingerSegment {
    /// Each of `pool`'s fingers' plain vote and what checking it costs:
    /// its collisions (the pose check's work) and its cylinders (an aligned
    /// score's work is the probe's cylinders times these, as the matcher's).
    func work(of pool: PoseCheckPool, votes: UnsafePointer<UInt32>) -> [(vote: UInt32, collisions: Int, cylinders: Int)] {
        pool.fingers.enumerated().map { place, local in (votes[local], pool.counts[place], Int(sizes[local])) }
    }
}
