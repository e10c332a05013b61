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
        let gatherInTurn = WorkQueue(count: layout.segments.count)
        pool.run { _ in
            for s in gatherInTurn {
                let found = layout.segments[s].gatherPooled(keys, weights: weights, votedAtLeast: cutoff, at: position,
                                                            votes: votes.pointer + layout.starts[s])
                gathered.update(s) { _ in found }
            }
        }
        let pools = gathered.values.map { $0! }
        let checked = checkedCutoff(pools, votes: votes, highest: highest, pooledFrom: cutoff, keeping: wanted, layout: layout)
        let poseHighest = PerPartition<UInt32>(count: pool.threads, initial: 0)
        let work = PerPartition<Int>(count: pool.threads, initial: 0)
        let checkInTurn = WorkQueue(count: layout.segments.count)
        pool.run { partition in
            for s in checkInTurn {
                let slots = votes.pointer + layout.starts[s]
                let collisions = layout.segments[s].poseConsistentVote(pools[s], probe: probe, tolerance: tolerance, votedAtLeast: checked,
                                                                       aligned: policy.alignedScoring ? matcher : nil,
                                                                       alignedPoses: policy.alignedPoses, votes: slots)
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
        var histogram = VoteHistogram(highest: Int(highest))
        for (s, pooled) in pools.enumerated() {
            for (vote, collisions) in pooled.work(votes: votes.pointer + layout.starts[s]) {
                histogram.fingers[Int(vote)] += 1
                histogram.work[Int(vote)] += collisions
            }
        }
        let budget = policy.poseCollisionBudget
        return UInt32(histogram.walkDown(to: Int(cutoff)) { admitted, work, next in admitted < wanted || work + next <= budget }.vote)
    }

    /// The highest vote that at least `admitting` eligible fingers reach (0: all of them).
    static func cutoff(admitting wanted: Int, votes: VoteBuffer, highest: UInt32, position: UInt8, layout: SegmentLayout,
                       pool: ScanPool) -> UInt32 {
        let histogram = histogram(of: votes, highest: highest, position: position, layout: layout, pool: pool)
        return UInt32(histogram.walkDown { admitted, _, _ in admitted < wanted }.vote)
    }
}
