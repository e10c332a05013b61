import ArgumentParser
import Foundation
import VigilBenchmarks
import VigilMatching
import VigilScreening

struct BenchFingersCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fingers",
        abstract: "MCC comparisons per second on one core (synthetic prints); with --indexed, indexed 1:N over a large gallery of real mates among distractors.")

    @Option(help: "Templates in the gallery.") var gallery = 2_000
    @Option(help: "Probes compared against the whole gallery (without --indexed).") var probes = 5
    @Option(help: "Templates the baseline compares each probe with (without --indexed).") var baselineGallery = 200
    @Flag(help: "Measure the fingerprint index: real impressions searched among distractors (docs/fingerprints.md).") var indexed = false
    @Option(parsing: .upToNextOption, help: "With --indexed: FVC-style folders whose fingers are enrolled (impression 1) and searched (the others).")
    var mated = ["FVC2002/DB1_B", "FVC2002/DB2_B", "FVC2002/DB3_B", "FVC2002/DB4_B"].map { "../shared/data/fingerprints/" + $0 }
    @Option(parsing: .upToNextOption, help: "With --indexed: folders of other fingers whose transformed captures are distractors.")
    var distractorPrints = ["FVC2000/DB1_B", "FVC2000/DB2_B", "FVC2000/DB3_B", "FVC2000/DB4_B"].map { "../shared/data/fingerprints/" + $0 }
    @Option(help: "With --indexed: share of distractors transformed from real prints (the rest are synthetic).") var realShare = 0.25
    @Option(help: "With --indexed: probes also searched exhaustively, for rank-1 agreement.") var exhaustiveProbes = 100
    @Option(help: "Scan threads.") var threads = 2
    @Option(help: "With --indexed: hash tables.") var tables: Int?
    @Option(help: "With --indexed: MinHash values per key.") var hashesPerKey: Int?
    @Option(help: "With --indexed: fewest set bits a key needs.") var minimumOnes: Int?
    @Option(help: "With --indexed: most cylinders an enrolled finger files (its richest).") var enrolledCylinders: Int?
    @Option(parsing: .upToNextOption, help: "With --indexed: shares of the gallery handed to the matcher, each measured on the same gallery (the first is the headline).")
    var penetration: [Double] = []
    @Option(help: "With --indexed: fewest candidates handed to the matcher.") var minimumCandidates: Int?
    @Option(help: "With --indexed: most candidates handed to the matcher.") var maximumCandidates: Int?
    @Option(help: "With --indexed: most matcher work for one probe finger, in probe cylinders times candidate cylinders.")
    var cylinderPairBudget: Int?
    @Flag(help: "With --indexed: every collision votes, not only those in one consistent pose.") var plainVotes = false
    @Flag(help: "With --indexed: the checked pool ranked by its collisions' weight in one pose, not by the cylinders that pose aligns.")
    var collisionPoseVotes = false
    @Option(help: "With --indexed: distinct poses a checked finger's cylinders are aligned in, its score the best.") var alignedPoses: Int?
    @Option(help: "With --indexed: pixels two collisions' distances may differ by and be one pose.") var poseDistance: Float?
    @Option(help: "With --indexed: degrees two collisions' turns and directions may differ by and be one pose.") var poseAngle: Float?
    @Option(parsing: .upToNextOption, help: "With --indexed: fingers whose pose is checked, as multiples of the matcher's candidates, each measured on the same gallery (the first is the headline's).")
    var posePool: [Int] = []
    @Option(help: "With --indexed: most pose-check work for one probe finger, in collisions of the fingers checked.")
    var poseCollisionBudget: Int?
    @Option(help: "With --indexed: most aligned-score work for one probe finger, in probe cylinders times the cylinders of the fingers scored.")
    var alignedPairBudget: Int?
    @Option(help: "With --indexed: most plain-vote work for one probe finger, in fingers in the buckets of its keys (the most shared keys drop out).")
    var postingBudget: Int?
    @Option(help: "With --indexed: gallery size below which the search is exhaustive (0: always indexed).") var exhaustiveBelow: Int?
    @Option(help: "With --indexed: impressions of each mated finger enrolled, each its own template (the first ones); the others are probes.")
    var enrolledImpressions = 1
    @Option(help: "With --indexed: the first impression searched (default: the one after those enrolled), so runs enrolling more can search the same probes.")
    var firstProbeImpression: Int?
    @Option(help: "With --indexed: a folder where distractor templates are kept between runs with the same inputs (they take most of a large run's time to build).")
    var distractorCache: String?
    @Flag(help: "Print the report as JSON.") var json = false

    func validate() throws {
        let defaults = CylinderHashing.standard
        let tables = tables ?? defaults.tables, values = hashesPerKey ?? defaults.hashesPerKey
        guard tables > 0, values > 0, tables * values <= CylinderHashing.maximumValues else {
            throw ValidationError("--tables times --hashes-per-key must be from 1 to \(CylinderHashing.maximumValues)")
        }
        if let enrolledCylinders, enrolledCylinders < 1 { throw ValidationError("--enrolled-cylinders must be at least 1") }
        guard enrolledImpressions >= 1 else { throw ValidationError("--enrolled-impressions must be at least 1") }
        if let firstProbeImpression, firstProbeImpression <= enrolledImpressions {
            throw ValidationError("--first-probe-impression must come after the \(enrolledImpressions) enrolled")
        }
    }

    func run() throws {
        if indexed { return try runIndexed() }
        let r = FingerBenchmark.run(gallery: gallery, probes: probes, baselineGallery: baselineGallery)
        if json {
            try Output.json(r)
        } else {
            print(String(format: "%d templates, %.1f minutiae on average, %d probes (rank-1 %.0f%%): %.0f compares/s on one core",
                         r.gallery, r.meanMinutiae, r.probes, 100 * r.rank1, r.comparesPerSecondPerCore))
            print(String(format: "baseline (the paper's LSA-R written plainly): %.0f compares/s; speed-up %.1fx; largest score difference %.2g",
                         r.baselineComparesPerSecondPerCore, r.speedupVsBaseline, r.maxScoreDifference))
            print(String(format: "%.2f ms to build a template; score checksum %016llx", r.templateMsPerPrint, r.scoreChecksum))
        }
    }

    func runIndexed() throws {
        var options = FingerIndexBenchmark.Options()
        options.gallery = gallery
        options.realShare = realShare
        options.exhaustiveProbes = exhaustiveProbes
        options.threads = threads
        options.distractorCache = distractorCache.map { URL(fileURLWithPath: $0, isDirectory: true) }
        let defaults = CylinderHashing()
        options.hashing = CylinderHashing(tables: tables ?? defaults.tables, hashesPerKey: hashesPerKey ?? defaults.hashesPerKey,
                                          minimumOnes: minimumOnes ?? defaults.minimumOnes,
                                          enrolledCylinders: enrolledCylinders ?? defaults.enrolledCylinders)
        if !penetration.isEmpty { options.penetrations = penetration }
        if let minimumCandidates { options.policy.minimumCandidates = minimumCandidates }
        if let maximumCandidates { options.policy.maximumCandidates = maximumCandidates }
        if let exhaustiveBelow { options.policy.exhaustiveBelow = exhaustiveBelow }
        if let cylinderPairBudget { options.policy.cylinderPairBudget = cylinderPairBudget }
        if let first = posePool.first { options.policy.posePoolFactor = max(1, first) }
        options.otherPosePools = posePool.dropFirst().map { max(1, $0) }
        if let poseCollisionBudget { options.policy.poseCollisionBudget = poseCollisionBudget }
        if let postingBudget { options.policy.postingBudget = postingBudget }
        if let alignedPairBudget { options.policy.alignedPairBudget = alignedPairBudget }
        if collisionPoseVotes { options.policy.alignedScoring = false }
        if let alignedPoses { options.policy.alignedPoses = max(1, alignedPoses) }
        if plainVotes {
            options.policy.poseTolerance = nil
        } else if poseDistance != nil || poseAngle != nil {
            let defaults = PoseTolerance()
            options.policy.poseTolerance = PoseTolerance(distance: poseDistance ?? defaults.distance,
                                                         angle: (poseAngle.map { $0 * .pi / 180 }) ?? defaults.angle)
        }
        let progress = { (line: String) in FileHandle.standardError.write(Data("\(line)\n".utf8)) }
        progress("extracting the real prints")
        var matedFingers: [FingerIndexBenchmark.MatedFinger] = []
        let firstProbe = (firstProbeImpression ?? enrolledImpressions + 1) - 1
        for folder in mated {
            for finger in try FingerEvaluation.extractedPrints(directory: folder) where finger.impressions.count > firstProbe {
                matedFingers.append(.init(name: (folder as NSString).lastPathComponent + "/" + finger.finger,
                                          enrolled: Array(finger.impressions.prefix(enrolledImpressions)),
                                          probes: Array(finger.impressions.dropFirst(firstProbe))))
            }
        }
        let bases = try distractorPrints.flatMap { try FingerEvaluation.extractedPrints(directory: $0).flatMap(\.impressions) }
        let r = FingerIndexBenchmark.run(mated: matedFingers, distractorBases: bases, options: options, progress: progress)
        if json { return try Output.json(r) }
        print(String(format: "%d fingers (%d mates, %d transformed real, %d synthetic), %d mated probes, %d threads",
                     r.gallery, matedFingers.count, r.realDistractors, r.syntheticDistractors, r.matedProbes, r.threads))
        print(String(format: "indexed: p50 %.1f ms, p99 %.1f ms per probe finger (choosing the candidates %.1f / %.1f ms); penetration %.2f%%, hit rate %.2f%%",
                     r.msPerProbeP50, r.msPerProbeP99, r.curve[0].selectionMsP50, r.curve[0].selectionMsP99, 100 * r.penetrationRate, 100 * r.hitRate))
        print("  slowest probes: " + r.curve[0].slowest.map {
            String(format: "%.0f ms (choosing %.0f: votes %.0f, gathering %.0f, checking %.0f; %d cylinders, %.1f M postings, %.1f M pose collisions, %.0f M aligned pairs, %d compared, %.1f M cylinder pairs)",
                   $0.ms, $0.selectionMs, $0.votesMs, $0.gatheringMs, $0.checkingMs, $0.probeCylinders, Double($0.postings) / 1e6, Double($0.poseCollisions) / 1e6,
                   Double($0.alignedPairs) / 1e6, $0.compared, Double($0.cylinderPairs) / 1e6)
        }.joined(separator: "; "))
        print(String(format: "rank-1 agreement with the exhaustive search %.2f%% of %d probes (exhaustive p50 %.0f ms); rank-1 identification %.2f%% indexed, %.2f%% exhaustive",
                     100 * r.rank1Agreement, r.rank1AgreementProbes, r.exhaustiveMsPerProbeP50,
                     100 * r.rank1IdentificationIndexed, 100 * r.rank1IdentificationExhaustive))
        print(String(format: "where the exhaustive search ranks the mate first, the index does too for %.2f%%", 100 * r.rank1AgreementWhereMateFound))
        print(String(format: "at the threshold of FPIR %.2f%% over %d fingers (score %.4f): strangers above it %.2f%% of checked probes; "
                            + "the same candidate shown (or nobody) %.2f%%; mates identified %.2f%% indexed, %.2f%% exhaustive",
                     100 * r.targetFpir, r.gallery, r.operatingThreshold, 100 * r.fpirAtThreshold, 100 * r.rank1AgreementAtThreshold,
                     100 * r.identificationAtThresholdIndexed, 100 * r.identificationAtThresholdExhaustive))
        print(String(format: "index %.0f bytes per finger (templates %.0f); built in %.2f s hashing, %.2f s from stored keys; distractor templates %.0f s",
                     r.indexBytesPerFinger, r.templateBytesPerFinger, r.buildSeconds, r.buildFromStoredKeysSeconds, r.templateSeconds))
        for (n, point) in r.curve.enumerated().dropFirst() {
            print((n == 1 ? "  without the work budgets, " : "  ") + String(format: "at penetration %.2f%%, pose pool %d x: hit rate %.2f%%, p50 %.1f ms, p99 %.1f ms (choosing %.1f / %.1f ms), rank-1 agreement %.2f%% (%.2f%% where the mate is found); matcher work p99 %.0f M cylinder pairs",
                         100 * point.penetration, point.posePoolFactor, 100 * point.hitRate, point.msPerProbeP50, point.msPerProbeP99,
                         point.selectionMsP50, point.selectionMsP99,
                         100 * point.rank1Agreement, 100 * point.rank1AgreementWhereMateFound, Double(point.cylinderPairsP99) / 1e6))
        }
        print(String(format: "  the release before's selection (collisions' weight, 1%%, taking turns with the above): hit rate %.2f%%, p50 %.1f ms, p99 %.1f ms; "
                            + "this release's time %.2fx at p50, %.2fx at p99",
                     100 * r.baseline.hitRate, r.baseline.msPerProbeP50, r.baseline.msPerProbeP99, r.p50RatioToBaseline, r.p99RatioToBaseline))
        print("  by votes alone (no bounds, no budget), hit rate " + zip(r.voteRanks.penetrations, r.voteRanks.hitRates)
            .map { String(format: "%.1f%% at %.1f%%", 100 * $1, 100 * $0) }.joined(separator: ", "))
        print("settings: \(r.settings)")
    }
}
