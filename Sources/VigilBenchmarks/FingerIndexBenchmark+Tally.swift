import VigilMatching

extension FingerIndexBenchmark {
    /// One search policy's results over the probes, probe by probe.
    struct SearchTally {
        var times: [UInt64] = [], selectionTimes: [UInt64] = []
        /// Each probe's time and work, in the order searched.
        var costs: [ProbeCost] = []
        var penetration = 0.0
        var hits = 0, indexedRank1 = 0, agreements = 0, kept = 0, identified = 0, agreementsShown = 0

        /// `exhaustive`: the exhaustive search's best for this probe when it
        /// was checked (nil: not checked; .some(nil): nobody); `shown`: what
        /// an officer would be shown of a top candidate.
        mutating func record(_ found: FingerSearch, probeCylinders cylinders: Int, nanoseconds: UInt64, hit: Bool, mate: Int64, exhaustive: GalleryCandidate??,
                             shown: (GalleryCandidate?) -> Int64?) {
            times.append(nanoseconds)
            selectionTimes.append(UInt64(found.selection / .nanoseconds(1)))
            let stages = found.selectionTimes
            costs.append(ProbeCost(ms: Double(nanoseconds) / 1e6, selectionMs: Self.milliseconds(found.selection),
                                   votesMs: Self.milliseconds(stages.votes), gatheringMs: Self.milliseconds(stages.gathering),
                                   checkingMs: Self.milliseconds(stages.checking), probeCylinders: cylinders,
                                   compared: found.compared, cylinderPairs: found.cylinderPairs, postings: found.postings,
                                   poseCollisions: found.poseCollisions, alignedPairs: found.alignedPairs))
            penetration += Double(found.compared) / Double(found.eligible)
            if hit { hits += 1 }
            let top = found.candidates.first?.subject
            if top == mate { indexedRank1 += 1 }
            let officer = shown(found.candidates.first)
            if officer == mate { identified += 1 }
            if let full = exhaustive {
                if full?.subject == top { agreements += 1 }
                if full?.subject == mate && top == mate { kept += 1 }
                if shown(full) == officer { agreementsShown += 1 }
            }
        }

        static func milliseconds(_ d: Duration) -> Double { Double(d / .nanoseconds(1)) / 1e6 }

        func point(probes: Int, checked: Int, exhaustiveFinds: Int, posePoolFactor: Int) -> CurvePoint {
            let latency = LatencyStats(nanoseconds: times), selection = LatencyStats(nanoseconds: selectionTimes)
            let slowest = times.indices.sorted { times[$0] > times[$1] }.prefix(3).map { costs[$0] }
            let (work, poseWork, alignedWork) = (costs.map(\.cylinderPairs).sorted(), costs.map(\.poseCollisions).sorted(),
                                                 costs.map(\.alignedPairs).sorted())
            return CurvePoint(penetration: penetration / Double(probes), posePoolFactor: posePoolFactor, hitRate: Double(hits) / Double(probes),
                              msPerProbeP50: latency.p50, msPerProbeP99: latency.p99,
                              selectionMsP50: selection.p50, selectionMsP99: selection.p99,
                              rank1Agreement: Double(agreements) / Double(max(1, checked)),
                              rank1AgreementWhereMateFound: Double(kept) / Double(max(1, exhaustiveFinds)),
                              rank1IdentificationIndexed: Double(indexedRank1) / Double(probes),
                              rank1AgreementAtThreshold: Double(agreementsShown) / Double(max(1, checked)),
                              identificationAtThreshold: Double(identified) / Double(probes),
                              cylinderPairsP99: LatencyStats.percentile(0.99, ofSorted: work) ?? 0,
                              poseCollisionsP50: LatencyStats.percentile(0.5, ofSorted: poseWork) ?? 0,
                              poseCollisionsP99: LatencyStats.percentile(0.99, ofSorted: poseWork) ?? 0,
                              alignedPairsP50: LatencyStats.percentile(0.5, ofSorted: alignedWork) ?? 0,
                              alignedPairsP99: LatencyStats.percentile(0.99, ofSorted: alignedWork) ?? 0, slowest: slowest, probes: costs)
        }
    }
}
