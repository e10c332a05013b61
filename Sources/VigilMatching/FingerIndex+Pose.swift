/// The index's second look at its best-voted fingers: their collisions with
/// the probe checked for one consistent pose (`FingerSegment.poseConsistentVote`).
extension FingerIndex {
    /// Replaces `votes` (plain, `highest` the most an eligible finger got)
    /// with pose-consistent votes for the pool, the eligible fingers with the
    /// most plain votes (`policy.posePoolFactor` times the matcher's
    /// candidates, and every finger tied with the last), and 0 for the rest;
    /// returns the highest pose-consistent vote.
    func poseVotes(_ keys: [UInt32], weights: [UInt16], probe: CylinderTemplate, tolerance: PoseTolerance, position: UInt8,
                   votes: VoteBuffer, highest: UInt32, layout: SegmentLayout, pool: ScanPool) -> UInt32 {
        let eligible = layout.eligibleCount(at: position)
        let (product, overflow) = policy.candidates(amongEligible: eligible).multipliedReportingOverflow(by: policy.posePoolFactor)
        let pooled = overflow ? eligible : min(eligible, product)
        let cutoff = Self.cutoff(admitting: pooled, votes: votes, highest: highest, position: position, layout: layout, pool: pool)
        let poseHighest = PerPartition<UInt32>(count: pool.threads, initial: 0)
        pool.run { partition in
            for s in stride(from: partition, to: layout.segments.count, by: pool.threads) {
                let slots = votes.pointer + layout.starts[s]
                layout.segments[s].poseConsistentVote(keys, weights: weights, probe: probe, tolerance: tolerance, pooled: cutoff,
                                                      at: position, votes: slots)
                poseHighest.update(partition) { max($0, layout.segments[s].highestVote(slots, at: position)) }
            }
        }
        return poseHighest.values.max() ?? 0
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
