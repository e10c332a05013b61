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
    /// Replaces the plain votes (`vote`) of the eligible fingers voted at
    /// least `pooled` with their pose-consistent votes, and every other
    /// finger's with 0. `probe` is the print whose keys `probeBuckets` are.
    func poseConsistentVote(_ probeBuckets: [UInt32], weights: [UInt16], probe: CylinderTemplate, tolerance: PoseTolerance,
                            pooled cutoff: UInt32, at position: UInt8, votes: UnsafeMutablePointer<UInt32>) {
        // The pooled fingers' collisions, each tagged with the finger's
        // place in the pool, in one pass over every posting the probe's
        // keys reach (tens of millions of steps at a million fingers,
        // written out rather than through a closure); then a counting sort
        // by finger over those few.
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
        for local in 0..<count where poolPlace[local] < 0 { votes[local] = 0 }
        var consistency = PoseConsistency(tolerance: tolerance)
        let probePoints = probe.points
        fingers.withUnsafeBufferPointer { fingers in
            for (place, local) in pooled.enumerated() {
                votes[local] = consistency.heaviestConsistent(collisions[starts[place]..<starts[place + 1]], probe: probePoints,
                                                              finger: fingers[local].cylinders.points)
            }
        }
        normaliseVotes(votes)
    }
}
