/// The index's second look at its best-voted fingers: their collisions with
/// the probe checked for one consistent pose (`FingerSegment.poseConsistentVote`).
extension FingerIndex {
    /// Replaces `votes` (plain, `highest` the most an eligible finger got)
    /// with pose-consistent votes for the pool, the eligible fingers with the
    /// most plain votes (`policy.posePoolFactor` times the matcher's
    /// candidates, and every finger tied with the last, as far as their
    /// collisions and aligned scores fit the policy's budgets), and 0 for
    /// the rest; returns the highest pose-consistent vote and the check's work.
    func poseVotes(_ keys: [UInt32], weights: [UInt16], probe: CylinderTemplate, tolerance: PoseTolerance, position: UInt8,
                   votes: VoteBuffer, highest: UInt32, layout: SegmentLayout, pool: ScanPool) -> (highest: UInt32, work: SelectionWork) {
        let eligible = layout.eligibleCount(at: position)
        let wanted = policy.candidates(amongEligible: eligible)
        let (product, overflow) = wanted.multipliedReportingOverflow(by: policy.posePoolFactor)
        let pooled = overflow ? eligible : min(eligible, product)
        let gatheringStart = ContinuousClock.now
        let cutoff = Self.cutoff(admitting: pooled, votes: votes, highest: highest, position: position, layout: layout, pool: pool)
        let pools = layout.map(on: pool) { s in
            layout.segments[s].countPooled(keys, weights: weights, votedAtLeast: cutoff, at: position, votes: votes.pointer + layout.starts[s])
        }
        let checked = checkedCutoff(pools, votes: votes, highest: highest, pooledFrom: cutoff, keeping: wanted, probeCylinders: probe.count,
                                    layout: layout)
        let collisions = layout.map(on: pool) { s in
            layout.segments[s].gatherChecked(keys, weights: weights, pool: pools[s], votedAtLeast: checked, votes: votes.pointer + layout.starts[s])
        }
        let checkingStart = ContinuousClock.now
        let poseHighest = PerPartition<UInt32>(count: pool.threads, initial: 0)
        let work = PerPartition<SelectionWork>(count: pool.threads, initial: SelectionWork())
        let checkInTurn = WorkQueue(count: layout.segments.count)
        pool.run { partition in
            for s in checkInTurn {
                let slots = votes.pointer + layout.starts[s]
                let done = layout.segments[s].poseConsistentVote(collisions[s], probe: probe, tolerance: tolerance, votedAtLeast: checked,
                                                                 aligned: policy.alignedScoring ? matcher : nil,
                                                                 alignedPoses: policy.alignedPoses, votes: slots)
                work.update(partition) { $0 + done }
                poseHighest.update(partition) { max($0, layout.segments[s].highestVote(slots, at: position)) }
            }
        }
        var done = work.values.reduce(SelectionWork(), +)
        done.times.gathering = checkingStart - gatheringStart
        done.times.checking = ContinuousClock.now - checkingStart
        return (poseHighest.values.max() ?? 0, done)
    }

    /// The lowest plain vote whose pooled fingers have their pose checked:
    /// from the best voted down, while their collisions stay within
    /// `policy.poseCollisionBudget` (what the check's work grows with) and,
    /// when they are scored aligned, their cylinders times the probe's (once
    /// a pose) within `policy.alignedPairBudget` (what the aligned scores' work
    /// grows with), and never fewer fingers than the matcher is handed
    /// (`wanted`). Each budget gives its own lowest vote; the higher holds.
    func checkedCutoff(_ pools: [PoseCheckPool], votes: VoteBuffer, highest: UInt32, pooledFrom cutoff: UInt32, keeping wanted: Int,
                       probeCylinders: Int, layout: SegmentLayout) -> UInt32 {
        var collisions = VoteHistogram(highest: Int(highest)), cylinders = VoteHistogram(highest: Int(highest))
        for (s, pooled) in pools.enumerated() {
            for finger in layout.segments[s].work(of: pooled, votes: votes.pointer + layout.starts[s]) {
                collisions.add(vote: finger.vote, work: finger.collisions)
                cylinders.add(vote: finger.vote, work: finger.cylinders)
            }
        }
        func lowest(_ histogram: VoteHistogram, within budget: Int) -> Int {
            histogram.walkDown(to: Int(cutoff)) { admitted, work, next in admitted < wanted || work + next <= budget }.vote
        }
        let byCollisions = lowest(collisions, within: policy.poseCollisionBudget)
        guard policy.alignedScoring else { return UInt32(byCollisions) }
        // A finger is scored in up to `alignedPoses` poses: counted as if in all.
        let (perCylinder, overflow) = probeCylinders.multipliedReportingOverflow(by: max(1, policy.alignedPoses))
        let byAlignedPairs = lowest(cylinders, within: overflow ? 0 : policy.alignedPairBudget / max(1, perCylinder))
        return UInt32(max(byCollisions, byAlignedPairs))
    }

    /// The highest vote that at least `admitting` eligible fingers reach (0: all of them).
    static func cutoff(admitting wanted: Int, votes: VoteBuffer, highest: UInt32, position: UInt8, layout: SegmentLayout,
                       pool: ScanPool) -> UInt32 {
        let histogram = histogram(of: votes, highest: highest, position: position, layout: layout, pool: pool)
        return UInt32(histogram.walkDown { admitted, _, _ in admitted < wanted }.vote)
    }
}
