import Dispatch
import Synchronization
import VigilMatching
import VigilMetrics

/// `vigil calibrate fingers`: fits `PairCountNormalisation`'s quantiles on
/// impostor pairs of real prints.
///
/// Scores rest on few pairs when one print is partial, and the databases
/// hold mostly whole impressions, so each pair is a *window* of one print (a
/// rectangle keeping 20–100% of its width and of its height, anywhere on it,
/// kept only if enrolment would keep it) against a whole impression of
/// another finger of the same database: the partial capture against a full
/// enrolment that screening and the index bench compare. Never across
/// databases: FVC2000's four hold the same volunteers' fingers under
/// different numbers (their cross-database "impostors" reach 0.4). Pairs are grouped by n_P and drawn
/// until every group holds `pairsPerGroup`. Each group's quantiles are
/// measured down to FMR 1% (0.1% with a million pairs or more); beyond, its
/// tail is fitted by a generalised Pareto distribution (`ImpostorTail`), which is steadier
/// than a few pairs' order statistics; the measured ones are reported beside.
public enum FingerPairCountCalibration {
    public struct Group: Sendable, Codable {
        /// n_P.
        public let pairs: Int
        public let impostors: Int
        /// The impostor scores exceeded at `PairCountNormalisation.floorRate`
        /// (measured) and at each of its `rates`.
        public let floor: Float
        public let quantiles: [Float]
        /// The same, counted among the pairs themselves (nil where there are too few pairs to say).
        public let measured: [Float?]
        public let tail: ImpostorTail
    }

    public struct Report: Sendable, Codable {
        public let prints: Int
        /// Distinct fingers the prints come from (nil in reports from
        /// before it was counted): what decides how steady the fit is.
        public var fingers: Int?
        public let windows: Int
        public let groups: [Group]
        /// The normalisation the groups give (nil when a group's tail does not rise).
        public var normalisation: PairCountNormalisation? {
            guard let first = groups.first, let last = groups.last,
                  groups.map(\.pairs) == Array(first.pairs..<first.pairs + groups.count) else { return nil }
            return PairCountNormalisation(firstPairs: first.pairs, floor: last.floor, quantiles: groups.map(\.quantiles))
        }
    }

    /// Where the tail is fitted: above the score 0.1% of a group's pairs
    /// exceed when 1,000 or more lie there, else above its 1% score. A
    /// generalised Pareto distribution describes exceedances of a high
    /// threshold; fitted from 1% on, it was bent by the body of the
    /// distribution and ran far above what the pairs themselves reached
    /// (docs/fingerprints.md).
    static func tailRate(pairs: Int) -> Double {
        Double(pairs) * 0.001 >= 1_000 ? 0.001 : PairCountNormalisation.rates[0]
    }

    /// Windows drawn per print: enough that each group's pairs are mostly
    /// distinct (a database's 80 prints give each n_P a few hundred windows at 40).
    static let windowsPerPrint = 400

    /// The fingers the shipped normalisation was fitted on (FVC2000, 4 × 10).
    /// Fitted on five fingers of one sensor, the FMR at the calibrated 1%
    /// threshold ranged from 0 to 7.2% between folds, where the shipped
    /// fit stayed at or under 1.4% (docs/fingerprints.md): fewer than this
    /// is reported as too few to rely on.
    public static let shippedFingers = 40

    /// `databases`: FVC-style folders of images, extracted by Vigil's extractor.
    /// A group with too few pairs for a tail (`pairsPerGroup` under 2,000) is left out.
    public static func run(databases: [String], pairsPerGroup: Int = 500_000, seed: UInt64 = 1) throws(VigilError) -> Report {
        let raw = CylinderMatcher.raw
        var wholes: [Print] = [], windows: [Print] = []
        var random = SeededGenerator(seed: seed)
        var finger = 0
        for (number, database) in databases.enumerated() {
            for print in try FingerEvaluation.extractedPrints(directory: database) {
                for impression in print.impressions {
                    guard let whole = FingerCapture.comparable(impression) else { continue }
                    wholes.append(Print(database: number, finger: finger, template: whole))
                    for _ in 0..<windowsPerPrint {
                        if let window = FingerCapture.comparable(Self.window(of: impression, using: &random)) {
                            windows.append(Print(database: number, finger: finger, template: window))
                        }
                    }
                }
                finger += 1
            }
        }
        guard !wholes.isEmpty else { throw VigilError(.invalidField, "no print in \(databases.joined(separator: ", ")) could be enrolled") }
        // Per database, its whole prints by cylinder count.
        let wholesBySize = databases.indices.map { number in
            wholes.filter { $0.database == number }.sorted { $0.template.count < $1.template.count }
        }
        // Each window with the first whole print of its database it may meet: those from there on have at
        // least its cylinders, so its n_P is its own. Only windows some other finger's whole print can meet
        // are kept (a database of one finger has none).
        let meetable = windows.indices.compactMap { w -> Member? in
            let window = windows[w], candidates = wholesBySize[window.database]
            let from = candidates.partitioningIndex { $0.template.count >= window.template.count }
            return candidates[from...].contains { $0.finger != window.finger } ? Member(window: w, from: from) : nil
        }
        let byGroup = Dictionary(grouping: meetable, by: { raw.pairCount(windows[$0.window].template.count, windows[$0.window].template.count) })
        var groups: [Group] = []
        for pairs in raw.minPairs...raw.maxPairs {
            guard let members = byGroup[pairs] else { continue }
            let scores = impostorScores(members: members, windows: windows, wholesBySize: wholesBySize,
                                        count: pairsPerGroup, seed: seed &+ UInt64(pairs), matcher: raw)
            guard let tail = ImpostorTail(impostor: scores, tailRate: tailRate(pairs: scores.count),
                                          bodyRates: ImpostorTail.bodyRates + [PairCountNormalisation.rates[0]]) else { continue }
            let sorted = scores.sorted(by: >)
            let measured = PairCountNormalisation.rates.map { rate -> Float? in
                let rank = Int(rate * Double(sorted.count))
                return rank >= 10 ? sorted[rank] : nil
            }
            groups.append(Group(pairs: pairs, impostors: scores.count,
                                floor: Float(tail.score(atFalseMatchRate: PairCountNormalisation.floorRate)),
                                quantiles: PairCountNormalisation.rates.map { Float(tail.score(atFalseMatchRate: $0)) },
                                measured: measured, tail: tail))
        }
        return Report(prints: wholes.count, fingers: Set(wholes.map(\.finger)).count, windows: windows.count, groups: groups)
    }

    struct Print {
        let database: Int
        /// Unique across databases.
        let finger: Int
        let template: CylinderTemplate
    }

    /// A window, and where in its database's whole prints by size those at least as large begin.
    struct Member {
        let window: Int
        let from: Int
    }

    /// `count` raw scores of windows in one group against whole prints of
    /// other fingers of their database at least as large, on every core,
    /// each part from its own seed.
    static func impostorScores(members: [Member], windows: [Print], wholesBySize: [[Print]],
                               count: Int, seed: UInt64, matcher: CylinderMatcher) -> [Float] {
        let parts = 64, perPart = (count + parts - 1) / parts
        let results = Mutex([[Float]](repeating: [], count: parts))
        DispatchQueue.concurrentPerform(iterations: parts) { part in
            var random = SeededGenerator(seed: seed &* 1_000_003 &+ UInt64(part))
            let workspace = CylinderMatcher.Workspace()
            var scores: [Float] = []
            scores.reserveCapacity(perPart)
            while scores.count < perPart {
                let member = members[Int(random.next() % UInt64(members.count))]
                let window = windows[member.window], sameDatabase = wholesBySize[window.database]
                let whole = sameDatabase[member.from + Int(random.next() % UInt64(sameDatabase.count - member.from))]
                guard whole.finger != window.finger else { continue }
                scores.append(matcher.score(window.template, whole.template, using: workspace))
            }
            results.withLock { $0[part] = scores }
        }
        return results.withLock { $0.flatMap { $0 } }
    }

    /// A rectangle of the print's minutiae: 20–100% of their extent across and down, anywhere within it.
    static func window(of minutiae: [FingerMinutia], using random: inout SeededGenerator) -> [FingerMinutia] {
        let xs = minutiae.map(\.x), ys = minutiae.map(\.y)
        guard let minX = xs.min(), let maxX = xs.max(), let minY = ys.min(), let maxY = ys.max() else { return [] }
        let width = (maxX - minX) * (0.2 + 0.8 * random.unit()), height = (maxY - minY) * (0.2 + 0.8 * random.unit())
        let left = minX + (maxX - minX - width) * random.unit(), top = minY + (maxY - minY - height) * random.unit()
        return minutiae.filter { $0.x >= left && $0.x <= left + width && $0.y >= top && $0.y <= top + height }
    }
}
