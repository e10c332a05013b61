/// The index's second look at its best-voted fingers: their collisions with
/// the probe checked for one consistent pose (`FingerSegment.poseConsistentVote`).
extension FingerIndex {
    /// Replaces `votes` (plain, `highest` the most an eligible finger got)
    /// with pose-consistent votes for the pool, the eligible fingers with the
    /// most plain votes (`policy.posePoolFactor` times the matcher's
    /// candidates, and every finger tied with the last, as far as their
    /// collisions fit the policy's budget), and 0 for the rest; returns the
    /// highest pose-consistent vote and the collisions checked.
    func poseVotes(_ keys: [UInt32], weights: [UInt16], probe: CylinderTemplate, tolerance: PoseTolerance, position: UInt8,
                   votes: VoteBuffer, highest: UInt32, layout: SegmentLayout, pool: ScanPool) -> (highest: UInt32, collisions: Int) {
        let eligible = layout.eligibleCount(at: position)
        let wanted = policy.candidates(amongEligible: eligible)
        let (product, overflow) = wanted.multipliedReportingOverflow(by: policy.posePoolFactor)
        let pooled = overflow ? eligible : min(eligible, product)
        let cutoff = Self.cutoff(admitting: pooled, votes: votes, highest: highest, position: position, layout: layout, pool: pool)
        let gathered = PerPartition<PooledCollisions?>(count: layout.segments.count, initial: nil)
        pool.run { partition in
            for s in stride(from: partition, to: layout.segments.count, by: pool.threads) {
                let found = layout.segments[s].gatherPooled(keys, weights: weights, votedAtLeast: cutoff, at: position,
                                                            votes: votes.pointer + layout.starts[s])
                gathered.update(s) { _ in found }
            }
        }
        let pools = gathered.values.map { $0! }
        let checked = checkedCutoff(pools, votes: votes, highest: highest, pooledFrom: cutoff, keeping: wanted, layout: layout)
        let poseHighest = PerPartition<UInt32>(count: pool.threads, initial: 0)
        let work = PerPartition<Int>(count: pool.threads, initial: 0)
        pool.run { partition in
            for s in stride(from: partition, to: layout.segments.count, by: pool.threads) {
                let slots = votes.pointer + layout.starts[s]
                let collisions = layout.segments[s].poseConsistentVote(pools[s], probe: probe, tolerance: tolerance, votedAtLeast: checked,
                                                                       votes: slots)
                work.update(partition) { $0 + collisions }
                poseHighest.update(partition) { max($0, layout.segments[s].highestVote(slots, at: position)) }
            }
        }
        return (poseHighest.values.max() ?? 0, work.values.reduce(0, +))
    }

    /// The lowest plain vote whose pooled fingers have their pose checked:
    /// from the best voted down, while their collisions stay within
    /// `policy.poseCollisionBudget` (what the check's work grows with), and
    /// never fewer fingers than the matcher is handed (`wanted`).
    func checkedCutoff(_ pools: [PooledCollisions], votes: VoteBuffer, highest: UInt32, pooledFrom cutoff: UInt32, keeping wanted: Int,
                       layout: SegmentLayout) -> UInt32 {
        var fingersAt = [Int](repeating: 0, count: Int(highest) + 1), collisionsAt = fingersAt
        for (s, pooled) in pools.enumerated() {
            for (vote, collisions) in pooled.work(votes: votes.pointer + layout.starts[s]) {
                fingersAt[Int(vote)] += 1
                collisionsAt[Int(vote)] += collisions
            }
        }
        var level = Int(highest), admitted = fingersAt[level], work = collisionsAt[level]
        while level > Int(cutoff) && (admitted < wanted || work + collisionsAt[level - 1] <= policy.poseCollisionBudget) {
            level -= 1
            admitted += fingersAt[level]
            work += collisionsAt[level]
        }
        return UInt32(level)
    }

    /// The highest vote that at least `admitting` eligible fingers reach (0: all of them).
    static func cutoff(admitting wanted: Int, votes: VoteBuffer, highest: UInt32, position: UInt8, layout: SegmentLayout,
                       pool: ScanPool) -> UInt32 {
        let histogram = histogram(of: votes, highest: highest, position: position, layout: layout, pool: pool)
        var cutoff = Int(highest), admitted = histogram.fingers[cutoff]
        while cutoff > 0 && admitted < wanted {
            cutoff -= 1
            admitted += histogram.fingers[cutoff]
        }
        return UInt32(cutoff)
    }
}
