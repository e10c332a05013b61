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
    /// The collisions of the eligible fingers voted at least `cutoff` (the
    /// pool), grouped by finger. `votes` holds the plain votes (`vote`).
    func gatherPooled(_ probeBuckets: [UInt32], weights: [UInt16], votedAtLeast cutoff: UInt32, at position: UInt8,
                      votes: UnsafePointer<UInt32>) -> PooledCollisions {
        // Each collision is tagged with its finger's place in the pool, in
        // one pass over every posting the probe's keys reach (tens of
        // millions of steps at a million fingers, written out rather than
        // through a closure); then a counting sort by finger over those few.
        var poolPlace = [Int32](repeating: -1, count: count)
        var pooled: [Int] = []
        for local in 0..<count where votes[local] >= cutoff && comparable(local, with: position) {
            poolPlace[local] = Int32(pooled.count)
            pooled.append(local)
        }
        var tagged: [UInt64] = []
        offsets.withUnsafeBufferPointer { offsets in
            entries.withUnsafeBufferPointer { entries in
                entryCylinders.withUnsafeBufferPointer { cylinders in
                    poolPlace.withUnsafeBufferPointer { poolPlace in
                        for (index, bucket) in probeBuckets.enumerated() where bucket != CylinderHashing.noKey && weights[index] > 0 {
                            let at = Self.slot(table: index % tables, bucket: bucket)
                            let probeCylinder = index / tables, weight = weights[index]
                            for e in Int(offsets[at])..<Int(offsets[at + 1]) {
                                let place = poolPlace[Int(entries[e])]
                                guard place >= 0 else { continue }
                                let collision = PoseConsistency.collision(probeCylinder: probeCylinder, fingerCylinder: Int(cylinders[e]),
                                                                          weight: weight)
                                tagged.append(UInt64(place) << 32 | UInt64(collision))
                            }
                        }
                    }
                }
            }
        }
        // Stable, so each finger's collisions stay grouped by probe cylinder.
        var starts = [Int](repeating: 0, count: pooled.count + 1)
        for t in tagged { starts[Int(t >> 32) + 1] += 1 }
        for place in pooled.indices { starts[place + 1] += starts[place] }
        var next = starts
        var collisions = [UInt32](repeating: 0, count: tagged.count)
        for t in tagged {
            collisions[next[Int(t >> 32)]] = UInt32(truncatingIfNeeded: t)
            next[Int(t >> 32)] += 1
        }
        return PooledCollisions(fingers: pooled, starts: starts, collisions: collisions)
    }

    /// Replaces the plain votes of the pooled fingers voted at least
    /// `checked` with their pose-consistent votes, and every other finger's
    /// with 0; returns how many collisions it checked. `probe` is the print
    /// the pool's collisions are with. With `aligned` (the matcher whose
    /// local similarity it uses), a checked finger's vote is instead its
    /// `PoseAlignedScore`, the best in the poses of its `alignedPoses`
    /// heaviest distinct consistent sets.
    func poseConsistentVote(_ pool: PooledCollisions, probe: CylinderTemplate, tolerance: PoseTolerance, votedAtLeast checked: UInt32,
                            aligned matcher: CylinderMatcher?, alignedPoses: Int = 1, votes: UnsafeMutablePointer<UInt32>) -> Int {
        var consistency = PoseConsistency(tolerance: tolerance)
        let aligned = matcher.map { PoseAlignedScore(probe: probe, matcher: $0) }
        let probePoints = probe.points
        var poseVotes: [(local: Int, vote: UInt32)] = []
        var poses: [Pose] = []
        var work = 0
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
                    poseVotes.append((local, 1 + UInt32(score * PoseAlignedScore.voteScale)))
                } else {
                    poseVotes.append((local, weight))
                }
                work += collisions.count
            }
        }
        votes.update(repeating: 0, count: count)
        for (local, vote) in poseVotes { votes[local] = vote }
        if aligned == nil { normaliseVotes(votes) }
        return work
    }
}

/// A segment's pooled fingers (local numbers, ascending) and their
/// collisions with the probe, finger by finger: the fingers' are
/// `collisions[starts[place]..<starts[place + 1]]`.
struct PooledCollisions: Sendable {
    let fingers: [Int]
    let starts: [Int]
    let collisions: [UInt32]

    /// Each pooled finger's plain vote and collision count.
    func work(votes: UnsafePointer<UInt32>) -> [(vote: UInt32, collisions: Int)] {
        fingers.enumerated().map { place, local in (votes[local], starts[place + 1] - starts[place]) }
    }
}
