import Dispatch
import Foundation
import Synchronization
import VigilMatching
import VigilMetrics
import VigilScreening

/// `vigil bench fingers --indexed`: indexed 1:N over a large gallery of one
/// finger position. Mated probes are real impressions whose mate (another
/// impression of the same finger) is enrolled among the distractors; each
/// probe is searched through the index, and the first `exhaustiveProbes`
/// also exhaustively on the same gallery, so the index's rank-1 can be
/// checked against the full search's.
///
/// Distractors, none of them a near-copy of a probe's finger:
/// - `realShare` of them are transformed captures (`PrintTransformation`) of
///   real impressions of *other* fingers (other databases than the probes');
///   each base print yields many, so they form clusters of look-alikes that
///   compete for the candidate list, which makes selection harder, not easier;
/// - the rest are synthetic prints with a real ridge flow (`SyntheticPrint`);
/// - every one is a print enrolment accepts (`FingerCapture.comparable`:
///   at least `FingerCapture.minimumMinutiae` minutiae the matcher can use).
public enum FingerIndexBenchmark {
    /// A real finger: the impressions enrolled (each its own template of
    /// the one subject) and the impressions searched.
    public struct MatedFinger: Sendable {
        public let name: String
        public let enrolled: [[FingerMinutia]]
        public let probes: [[FingerMinutia]]
        public init(name: String, enrolled: [[FingerMinutia]], probes: [[FingerMinutia]]) {
            self.name = name
            self.enrolled = enrolled
            self.probes = probes
        }
    }

    public struct Options: Sendable {
        public var gallery = 1_000_000
        public var realShare = 0.25
        public var exhaustiveProbes = 100
        public var threads = 2
        public var seed: UInt64 = 18
        public var policy = FingerSearchPolicy()
        /// Penetration rates measured on the same gallery and probes; the first is reported as the headline.
        public var penetrations = [FingerSearchPolicy().penetration]
        /// Pose-check pools (`FingerSearchPolicy.posePoolFactor`) also
        /// measured, at the headline's penetration, after the penetrations.
        public var otherPosePools: [Int] = []
        public var hashing = CylinderHashing()
        /// The target FPIR whose threshold decides what an officer is shown
        /// (the default categories' 1%), through the service's finger calibration.
        public var targetFpir = 0.01
        public var calibration = ServiceConfiguration().fingerCalibration
        /// Where distractor templates are kept between runs (`DistractorCache`); nil: built every run.
        public var distractorCache: URL?
        public init() {}
    }

    public struct Report: Sendable, Codable {
        public let gallery: Int
        public let matedProbes: Int
        public let realDistractors: Int
        public let syntheticDistractors: Int
        public let threads: Int
        /// Time per probe finger through the index (selection and the full matcher on the candidates).
        public let msPerProbeP50: Double
        public let msPerProbeP99: Double
        /// Share of the gallery the full matcher compared, averaged over probes.
        public let penetrationRate: Double
        /// Share of mated probes whose mate was among the candidates.
        public let hitRate: Double
        /// Share of the exhaustively checked probes whose rank-1 entry is the
        /// same through the index as through the exhaustive search.
        public let rank1Agreement: Double
        public let rank1AgreementProbes: Int
        /// Of those probes, the ones whose mate the exhaustive search ranks
        /// first: the share the indexed search also ranks first (an
        /// identification the index must not lose; elsewhere both rank-1s are
        /// strangers, below any threshold an officer would see at this size).
        public let rank1AgreementWhereMateFound: Double
        /// Checked probes whose exhaustive rank 1 is a transformed real print, or a synthetic one.
        public let outrankedByRealDistractor: Int
        public let outrankedBySyntheticDistractor: Int
        /// Share of mated probes whose mate is rank 1, through the index and exhaustively.
        public let rank1IdentificationIndexed: Double
        public let rank1IdentificationExhaustive: Double
        /// The finger score a category's `targetFpir` sets at this gallery's
        /// size, the one finger alone (`MatchSettings.comparisons`).
        public let targetFpir: Double
        public let operatingThreshold: Float
        /// Of the checked probes, the share whose best stranger (exhaustively)
        /// reaches the threshold: the FPIR of a search for a finger not
        /// enrolled, measured against the target.
        public let fpirAtThreshold: Double
        /// The score the checked probes' best strangers reach in `targetFpir`
        /// of searches (the empirical threshold the calibration's should be near:
        /// far above it, identifications are given up for nothing; below it,
        /// the target is not held), and the highest.
        public let strangerScoreAtTargetFpir: Float
        public let highestStrangerScore: Float
        /// Of the checked probes, the share shown the same candidate (or
        /// nobody) through the index as exhaustively, at the threshold.
        public let rank1AgreementAtThreshold: Double
        /// The share of mated probes whose mate is rank 1 and reaches the
        /// threshold (1 − FNIR at the target FPIR), through the index and, of
        /// the checked probes, exhaustively.
        public let identificationAtThresholdIndexed: Double
        public let identificationAtThresholdExhaustive: Double
        public let exhaustiveMsPerProbeP50: Double
        /// Hash table memory per enrolled finger, on top of its template.
        public let indexBytesPerFinger: Double
        public let templateBytesPerFinger: Double
        /// Building the index by hashing the fingers' cylinders (start-up
        /// for rows stored without their keys).
        public let buildSeconds: Double
        /// Building it from the keys stored with each finger, opened and
        /// checked as start-up reads them (what start-up does).
        public let buildFromStoredKeysSeconds: Double
        /// Building the distractors' cylinders from their minutiae (not part of the index).
        public let templateSeconds: Double
        /// The same probes at every penetration asked for: the first is the
        /// figures above, the second the same without the matcher budget
        /// (`FingerSearchPolicy.cylinderPairBudget`), then the other
        /// penetrations, then the other pose pools.
        public let curve: [CurvePoint]
        /// The release before's selection (`releaseBefore`) on the same
        /// gallery and probes, taking turns with the headline probe by probe,
        /// and the headline's times as ratios to its.
        public let baseline: CurvePoint
        public let p50RatioToBaseline: Double
        public let p99RatioToBaseline: Double
        /// The share of mated probes whose mate the votes alone rank within
        /// each share of the gallery (no candidate bounds, no budget): the
        /// index's trade-off between penetration and hit rate, from one vote
        /// pass per probe.
        public let voteRanks: VoteRankCurve
        public let settings: String
    }

    public struct VoteRankCurve: Sendable, Codable {
        public let penetrations: [Double]
        public let hitRates: [Double]
        /// The median probe's mate rank by votes, as a share of the fingers at its position.
        public let medianRankShare: Double
    }

    /// Shares of the gallery the vote-rank curves are read at.
    static let rankPenetrations = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2]

    public static func run(mated: [MatedFinger], distractorBases: [[FingerMinutia]], options: Options,
                           progress: (String) -> Void = { _ in }) -> Report {
        precondition(!mated.isEmpty && !distractorBases.isEmpty, "mated fingers and distractor prints are needed")
        precondition(mated.allSatisfy { !$0.enrolled.isEmpty }, "every mated finger has an impression enrolled")
        let enrolled = mated.reduce(0) { $0 + $1.enrolled.count }
        let distractors = max(0, options.gallery - enrolled)
        let real = Int(Double(distractors) * options.realShare)
        progress("building \(distractors) distractor templates (\(real) from real prints of other fingers)")
        let started = DispatchTime.now().uptimeNanoseconds
        // Mate i's first impression is template i, as distractor n is
        // mated.count + n; further impressions are numbered after them.
        var fingers = mated.enumerated().map { i, finger in
            FingerIndex.Finger(subject: Int64(i), template: Int64(i), position: 1, cylinders: CylinderTemplate(minutiae: finger.enrolled[0]))
        }
        fingers += cachedDistractors(count: distractors, real: real, bases: distractorBases, firstID: Int64(mated.count), options: options,
                                     progress: progress)
        for (i, finger) in mated.enumerated() {
            for impression in finger.enrolled.dropFirst() {
                fingers.append(FingerIndex.Finger(subject: Int64(i), template: Int64(fingers.count), position: 1,
                                                  cylinders: CylinderTemplate(minutiae: impression)))
            }
        }
        let templateSeconds = seconds(since: started)

        progress("building the index over \(fingers.count) fingers")
        var index = FingerIndex(hashing: options.hashing, policy: options.policy)
        let buildStart = DispatchTime.now().uptimeNanoseconds
        index.add(fingers)
        let buildSeconds = seconds(since: buildStart)
        progress("building it again from stored keys")
        let buildFromStoredKeysSeconds = storedKeysBuild(fingers, hashing: options.hashing, policy: options.policy, matching: index)
        var exhaustive = index
        exhaustive.policy.exhaustiveBelow = .max
        let templateBytes = fingers.reduce(0) { $0 + $1.cylinders.residentBytes }
        fingers = []

        let pool = ScanPool(threads: options.threads)
        let probes = mated.enumerated().flatMap { i, finger in finger.probes.map { (mate: Int64(i), template: CylinderTemplate(minutiae: $0)) } }
        // The exhaustive search once per checked probe, spread over the probes.
        let checkEvery = max(1, probes.count / max(1, options.exhaustiveProbes))
        let checkedProbes = Array(stride(from: 0, to: probes.count, by: checkEvery).prefix(options.exhaustiveProbes))
        let operating = OperatingThreshold(targetFpir: options.targetFpir, fingers: index.count, calibration: options.calibration)
        // Each checked probe's exhaustive rank 1 (nil inside: an empty gallery); what it ranks and shows follow from it.
        var exhaustiveBest: [Int: GalleryCandidate?] = [:], exhaustiveTimes: [UInt64] = []
        var strangersShown = 0, strangerScores: [Float] = []
        for (n, p) in checkedProbes.enumerated() {
            let t0 = DispatchTime.now().uptimeNanoseconds
            // Two subjects: the best stranger is the first that is not the mate.
            let best = exhaustive.search(probes[p].template, position: 1, limit: 2, threshold: -.infinity, pool: pool).candidates
            exhaustiveTimes.append(DispatchTime.now().uptimeNanoseconds - t0)
            exhaustiveBest[p] = best.first
            if let stranger = best.first(where: { $0.subject != probes[p].mate }) {
                strangerScores.append(stranger.score)
                if stranger.score >= operating.score { strangersShown += 1 }
            }
            if (n + 1) % 10 == 0 { progress("\(n + 1) of \(checkedProbes.count) probes searched exhaustively") }
        }
        let exhaustiveFinds = checkedProbes.filter { exhaustiveBest[$0]??.subject == probes[$0].mate }
        // Which kind of distractor outranks a mate in the exhaustive search.
        let outranking = checkedProbes.compactMap { exhaustiveBest[$0]??.subject }.filter { $0 >= Int64(mated.count) }
        let outrankedByReal = outranking.filter { $0 < Int64(mated.count + real) }.count

        /// Each policy's searches of every probe, the policies taking turns
        /// probe by probe, so that a load that comes and goes on the machine
        /// falls on all of them alike and their times compare.
        func measure(_ policies: [FingerSearchPolicy]) -> [CurvePoint] {
            var tallies = [SearchTally](repeating: SearchTally(), count: policies.count)
            for (number, probe) in probes.enumerated() {
                for (k, policy) in policies.enumerated() {
                    index.policy = policy
                    let t0 = DispatchTime.now().uptimeNanoseconds
                    let found = index.search(probe.template, position: 1, limit: 1, threshold: -.infinity, pool: pool)
                    let nanoseconds = DispatchTime.now().uptimeNanoseconds - t0
                    let hit = found.method == .exhaustive || index.selected(for: probe.template, position: 1, pool: pool).contains(probe.mate)
                    tallies[k].record(found, probeCylinders: probe.template.count, nanoseconds: nanoseconds, hit: hit, mate: probe.mate,
                                      exhaustive: exhaustiveBest[number], shown: operating.shown)
                }
            }
            return zip(policies, tallies).map { policy, tally in
                let point = tally.point(probes: probes.count, checked: checkedProbes.count, exhaustiveFinds: exhaustiveFinds.count,
                                        posePoolFactor: policy.posePoolFactor)
                progress(String(format: "penetration %.3f, pose pool %ld x, budgets %ld, %ld and %ld%@: hit rate %.4f, p50 %.1f ms, p99 %.1f ms (selecting %.1f / %.1f ms)",
                                policy.penetration, policy.posePoolFactor, policy.cylinderPairBudget, policy.poseCollisionBudget, policy.alignedPairBudget,
                                policy.alignedScoring ? "" : ", collisions' weight", point.hitRate, point.msPerProbeP50, point.msPerProbeP99,
                                point.selectionMsP50, point.selectionMsP99))
                return point
            }
        }
        let policies = options.penetrations.map { share in
            var policy = options.policy
            policy.penetration = share
            return policy
        }
        // The headline, taking turns with the release before's selection (its
        // time is the baseline the headline's is a ratio to); then the
        // headline without the work budgets (what they change); then the
        // other penetrations, then the other pose pools.
        let headline = measure([policies[0], Self.releaseBefore(options.policy)])
        var unbounded = policies[0]
        unbounded.cylinderPairBudget = .max
        unbounded.poseCollisionBudget = .max
        unbounded.postingBudget = .max
        unbounded.alignedPairBudget = .max
        let pools = options.otherPosePools.map { factor in
            var policy = policies[0]
            policy.posePoolFactor = factor
            return policy
        }
        let curve = [headline[0]] + measure([unbounded]) + (policies.dropFirst() + pools).flatMap { measure([$0]) }
        let baseline = headline[1]
        index.policy = options.policy
        let rankShares = probes.map { probe in
            // A mate the index does not hold for the probe's position counts as ranked last.
            Double(index.voteRank(ofSubject: probe.mate, for: probe.template, position: 1, pool: pool) ?? index.count) / Double(index.count)
        }.sorted()
        let voteRanks = VoteRankCurve(penetrations: rankPenetrations,
                                      hitRates: rankPenetrations.map { p in Double(rankShares.count { $0 < p }) / Double(rankShares.count) },
                                      medianRankShare: rankShares[rankShares.count / 2])
        let main = curve[0]
        let h = options.hashing, p = options.policy
        return Report(
            gallery: index.count, matedProbes: probes.count, realDistractors: real, syntheticDistractors: distractors - real,
            threads: options.threads, msPerProbeP50: main.msPerProbeP50, msPerProbeP99: main.msPerProbeP99,
            penetrationRate: main.penetration, hitRate: main.hitRate,
            rank1Agreement: main.rank1Agreement, rank1AgreementProbes: checkedProbes.count,
            rank1AgreementWhereMateFound: main.rank1AgreementWhereMateFound,
            outrankedByRealDistractor: outrankedByReal, outrankedBySyntheticDistractor: outranking.count - outrankedByReal,
            rank1IdentificationIndexed: main.rank1IdentificationIndexed,
            rank1IdentificationExhaustive: Double(exhaustiveFinds.count) / Double(max(1, checkedProbes.count)),
            targetFpir: options.targetFpir, operatingThreshold: operating.score,
            fpirAtThreshold: Double(strangersShown) / Double(max(1, checkedProbes.count)),
            strangerScoreAtTargetFpir: Self.exceeded(by: options.targetFpir, of: strangerScores),
            highestStrangerScore: strangerScores.max() ?? 0,
            rank1AgreementAtThreshold: main.rank1AgreementAtThreshold,
            identificationAtThresholdIndexed: main.identificationAtThreshold,
            identificationAtThresholdExhaustive: Double(checkedProbes.count { exhaustiveBest[$0].flatMap(operating.shown) == probes[$0].mate }) / Double(max(1, checkedProbes.count)),
            exhaustiveMsPerProbeP50: LatencyStats(nanoseconds: exhaustiveTimes).p50,
            indexBytesPerFinger: Double(index.indexBytes) / Double(index.count),
            templateBytesPerFinger: Double(templateBytes) / Double(index.count),
            buildSeconds: buildSeconds, buildFromStoredKeysSeconds: buildFromStoredKeysSeconds, templateSeconds: templateSeconds, curve: curve,
            baseline: baseline, p50RatioToBaseline: main.msPerProbeP50 / baseline.msPerProbeP50,
            p99RatioToBaseline: main.msPerProbeP99 / baseline.msPerProbeP99, voteRanks: voteRanks,
            settings: "tables \(h.tables), MinHash values per key \(h.hashesPerKey), minimum ones \(h.minimumOnes), inner radius \(h.innerRadius), "
                + "enrolled cylinders \(h.enrolledCylinders); candidates \(p.minimumCandidates) to \(p.maximumCandidates) within \(p.cylinderPairBudget) "
                + "cylinder pairs, exhaustive below \(p.exhaustiveBelow); "
                + (p.poseTolerance.map { "pose within \($0.distance) px and \($0.angle * 180 / .pi)° for \(p.posePoolFactor) × the candidates"
                    + " within \(p.poseCollisionBudget) collisions"
                    + (p.alignedScoring ? ", aligned in the best of \(p.alignedPoses) poses within \(p.alignedPairBudget) cylinder pairs" : "") }
                    ?? "plain votes"))
    }

    /// The score that `share` of `scores` reach (the k-th highest, k = ⌈share · count⌉), 0 for none.
    static func exceeded(by share: Double, of scores: [Float]) -> Float {
        guard !scores.isEmpty else { return 0 }
        let k = max(1, Int((share * Double(scores.count)).rounded(.up)))
        return scores.sorted(by: >)[min(scores.count, k) - 1]
    }

    /// The selection before the pool was ranked by its aligned cylinders:
    /// by its consistent collisions' weight, 1% of the fingers (at least
    /// 2,000) to the matcher, the pool ten times that; `policy`'s other settings.
    static func releaseBefore(_ policy: FingerSearchPolicy) -> FingerSearchPolicy {
        var before = policy
        before.alignedScoring = false
        before.penetration = 0.01
        before.minimumCandidates = 2_000
        before.posePoolFactor = 10
        // It walked every key's postings.
        before.postingBudget = .max
        return before
    }

    /// The index's figures at one penetration rate.
    public struct CurvePoint: Sendable, Codable {
        public let penetration: Double
        /// Fingers whose pose was checked, as a multiple of the matcher's candidates.
        public let posePoolFactor: Int
        public let hitRate: Double
        public let msPerProbeP50: Double
        public let msPerProbeP99: Double
        /// The part of a probe's time spent choosing its candidates (the
        /// rest is the matcher's), at the median and the 99th percentile
        /// of that part alone.
        public let selectionMsP50: Double
        public let selectionMsP99: Double
        public let rank1Agreement: Double
        public let rank1AgreementWhereMateFound: Double
        public let rank1IdentificationIndexed: Double
        public let rank1AgreementAtThreshold: Double
        public let identificationAtThreshold: Double
        /// The matcher's work for the 99th-percentile probe: its cylinders times its candidates'.
        public let cylinderPairsP99: Int
        /// The pose check's work for the median and the 99th-percentile
        /// probe: the collisions of the fingers whose pose it checked.
        public let poseCollisionsP50: Int
        public let poseCollisionsP99: Int
        /// The aligned scores' work for the median and the 99th-percentile
        /// probe: its cylinders times those of the fingers scored.
        public let alignedPairsP50: Int
        public let alignedPairsP99: Int
        /// The slowest probes' costs, slowest first: where a tail's time goes.
        public let slowest: [ProbeCost]
        /// Every probe's, in the order searched: what each stage's work
        /// costs follows from them (time against work, probe by probe).
        public let probes: [ProbeCost]
    }

    /// One probe's search: its time, the part spent choosing (and in it the
    /// plain votes, gathering the pool's collisions, checking their pose),
    /// and the work of each stage.
    public struct ProbeCost: Sendable, Codable {
        public let ms: Double
        public let selectionMs: Double
        public let votesMs: Double
        public let gatheringMs: Double
        public let checkingMs: Double
        public let probeCylinders: Int
        public let compared: Int
        public let cylinderPairs: Int
        public let postings: Int
        public let poseCollisions: Int
        public let alignedPairs: Int
    }

    /// The distractors, numbered from `firstID`: their templates from
    /// `options.distractorCache` when it holds them, else built (and stored
    /// there when there is one).
    static func cachedDistractors(count: Int, real: Int, bases: [[FingerMinutia]], firstID: Int64, options: Options,
                                  progress: (String) -> Void) -> [FingerIndex.Finger] {
        func build() -> [CylinderTemplate] {
            distractorTemplates(count: count, real: real, bases: bases, seed: options.seed, threads: options.threads)
        }
        var templates: [CylinderTemplate]
        if let directory = options.distractorCache {
            let cache = DistractorCache(directory: directory)
            let file = cache.file(count: count, real: real, seed: options.seed, bases: bases)
            if let stored = cache.read(file, count: count) {
                progress("read the distractor templates from \(file.path)")
                templates = stored
            } else {
                templates = build()
                do {
                    try cache.write(templates, to: file)
                    progress("stored the distractor templates in \(file.path)")
                } catch {
                    progress("could not store the distractor templates in \(file.path): \(error)")
                }
            }
        } else {
            templates = build()
        }
        return templates.enumerated().map { n, cylinders in
            FingerIndex.Finger(subject: firstID + Int64(n), template: firstID + Int64(n), position: 1, cylinders: cylinders)
        }
    }

    /// Distractor templates built on `threads` threads, each chunk from its own seed (the same gallery every run).
    static func distractorTemplates(count: Int, real: Int, bases: [[FingerMinutia]], seed: UInt64, threads: Int) -> [CylinderTemplate] {
        let chunk = 4_096
        let chunks = (count + chunk - 1) / chunk
        let built = Mutex([[CylinderTemplate]](repeating: [], count: chunks))
        let queue = DispatchQueue(label: "vigil.bench.distractors", attributes: .concurrent)
        let group = DispatchGroup()
        let next = Atomic(0)
        for _ in 0..<max(1, threads) {
            queue.async(group: group) {
                while true {
                    let c = next.add(1, ordering: .relaxed).oldValue
                    guard c < chunks else { return }
                    var rng = Random(seed: seed &+ UInt64(c) &* 0x1000_0000_01B3)
                    let templates = (c * chunk..<min(count, (c + 1) * chunk)).map { n in
                        // A capture enrolment would refuse is drawn again
                        // (from the next base print, for a transformed one):
                        // a gallery cannot hold it, and a handful of usable
                        // minutiae outscore weak mates in LSA-R, which is
                        // what such captures did here before.
                        // Base prints too sparse for any capture of them to
                        // be kept (a folder of partial prints) give way to
                        // synthetic ones, which enrolment keeps almost always.
                        var cylinders: CylinderTemplate?, attempt = 0
                        repeat {
                            let transformed = n < real && attempt < 100
                            cylinders = FingerCapture.comparable(transformed ? PrintTransformation.apply(bases[(n + attempt) % bases.count], using: &rng)
                                                                             : SyntheticPrint.minutiae(using: &rng))
                            attempt += 1
                        } while cylinders == nil && attempt < 200
                        guard let cylinders else { preconditionFailure("a hundred synthetic prints in a row that enrolment refuses: SyntheticPrint is broken") }
                        return cylinders
                    }
                    built.withLock { $0[c] = templates }
                }
            }
        }
        group.wait()
        return built.withLock { $0.flatMap { $0 } }
    }

    /// Seconds to build the index as start-up does when the keys were
    /// stored at enrolment: each finger's stored keys opened, checked and
    /// filed. Serialising them first is enrolment's work, not timed; the
    /// keys must open and the tables come out the size hashing made them.
    static func storedKeysBuild(_ fingers: [FingerIndex.Finger], hashing: CylinderHashing, policy: FingerSearchPolicy,
                                matching reference: FingerIndex) -> Double {
        let read = fingers.map { finger in
            FingerIndex.Finger(subject: finger.subject, template: finger.template, position: finger.position, cylinders: finger.cylinders,
                               storedKeys: hashing.serializedKeys(of: finger.cylinders))
        }
        let started = DispatchTime.now().uptimeNanoseconds
        var index = FingerIndex(hashing: hashing, policy: policy)
        index.add(read)
        let elapsed = seconds(since: started)
        precondition(read.allSatisfy { $0.storedKeys.flatMap(hashing.keys(serialized:)) != nil }, "stored keys did not open")
        precondition(index.indexBytes == reference.indexBytes, "the index built from stored keys differs from the one built by hashing")
        return elapsed
    }

    static func seconds(since start: UInt64) -> Double { Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9 }
}
