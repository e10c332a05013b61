import Foundation
import Synchronization
import Testing
@testable import VigilMatching

/// The fingerprint index: hashing, segments, and indexed search against the
/// exhaustive search on the same fingers.
@Suite("Fingerprint index (MCC hashing)")
struct FingerIndexTests {
    static func gallery(_ count: Int, seed: UInt64 = 7) -> [FingerIndex.Finger] {
        (0..<count).map { n in
            FingerIndex.Finger(subject: Int64(n), template: Int64(1_000 + n), position: 2,
                               cylinders: CylinderTemplate(minutiae: CylinderMatcherTests.print(40, seed: seed &+ UInt64(n))))
        }
    }

    static let indexedAlways: FingerSearchPolicy = {
        var policy = FingerSearchPolicy()
        policy.exhaustiveBelow = 0
        policy.penetration = 0.05
        policy.minimumCandidates = 10
        return policy
    }()

    @Test("a cylinder's keys are the same in every hashing built from the seed; another capture of the print shares far more keys than another print")
    func hashing() {
        let print = CylinderMatcherTests.print(40, seed: 11)
        let template = CylinderTemplate(minutiae: print)
        let keys = CylinderHashing().buckets(of: template)
        #expect(keys == CylinderHashing().buckets(of: template))
        #expect(keys.count == template.count * CylinderHashing().tables)
        #expect(keys.contains { $0 != CylinderHashing.noKey }, "every key was discarded")
        #expect(CylinderHashing(seed: 1).buckets(of: template) != keys)

        func shared(_ other: CylinderTemplate) -> Int {
            let otherKeys = CylinderHashing().buckets(of: other), tables = CylinderHashing().tables
            var perTable = [Set<UInt32>](repeating: [], count: tables)
            for (i, k) in otherKeys.enumerated() where k != CylinderHashing.noKey { perTable[i % tables].insert(k) }
            return keys.enumerated().filter { $0.element != CylinderHashing.noKey && perTable[$0.offset % tables].contains($0.element) }.count
        }
        let again = shared(CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: print, seed: 3)))
        let strangers = (0..<20).map { shared(CylinderTemplate(minutiae: CylinderMatcherTests.print(40, seed: 500 + $0))) }
        #expect(again > 3 * max(1, strangers.max()!), "another capture shares \(again) keys, strangers up to \(strangers.max()!)")
    }

    @Test("a hashing with more MinHash values than one vector holds keeps the default's keys in its first tables and adds others")
    func widerHashing() {
        let template = CylinderTemplate(minutiae: CylinderMatcherTests.print(40, seed: 12))
        let standard = CylinderHashing(), wider = CylinderHashing(tables: 16)
        #expect(standard.lanes == 32 && wider.lanes == 64)
        let narrow = standard.buckets(of: template), wide = wider.buckets(of: template)
        #expect(wide.count == template.count * 16)
        for cylinder in 0..<template.count {
            #expect(Array(wide[(cylinder * 16)..<(cylinder * 16 + 10)]) == Array(narrow[(cylinder * 10)..<(cylinder * 10 + 10)]))
        }
        let added = (0..<template.count).flatMap { wide[($0 * 16 + 10)..<($0 * 16 + 16)] }
        #expect(Set(added).count > template.count, "the six added tables give their own keys")
        #expect(wider.signature != standard.signature, "stored keys of one do not open under the other")
    }

    @Test("a mate's rank by votes: a second capture ranks near the top, a stranger's print below it; no rank for a subject not held or at another position")
    func voteRank() throws {
        var index = FingerIndex(policy: Self.indexedAlways, capacityPerSegment: 300)
        index.add(Self.gallery(800))
        let pool = ScanPool(threads: 2)
        var ranks: [Int] = []
        for subject in stride(from: 3, to: 800, by: 113) {
            let probe = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: CylinderMatcherTests.print(40, seed: 7 &+ UInt64(subject)),
                                                                                   seed: UInt64(subject)))
            let rank = try #require(index.voteRank(ofSubject: Int64(subject), for: probe, position: 2, pool: pool))
            ranks.append(rank)
            // The finger the index would select first is the one no finger outvotes.
            let stranger = index.voteRank(ofSubject: Int64((subject + 400) % 800), for: probe, position: 2, pool: pool)
            #expect((stranger ?? 0) > rank, "subject \(subject): a stranger ranked \(stranger ?? -1), the mate \(rank)")
            #expect(index.voteRank(ofSubject: 9_999, for: probe, position: 2, pool: pool) == nil)
            #expect(index.voteRank(ofSubject: Int64(subject), for: probe, position: 3, pool: pool) == nil)
        }
        #expect(ranks.allSatisfy { $0 < 8 }, "mates ranked \(ranks) of 800 by votes")
    }

    @Test("indexed search finds second captures comparing a twentieth of the fingers, with the exhaustive search's scores; across segments and after removals")
    func indexedSearch() {
        let fingers = Self.gallery(1_200)
        var index = FingerIndex(policy: Self.indexedAlways, capacityPerSegment: 500)
        index.add(Array(fingers[..<700]))
        index.add(Array(fingers[700...]))
        #expect(index.segments.map(\.count) == [500, 500, 200])
        var exhaustive = index
        exhaustive.policy.exhaustiveBelow = .max
        let pool = ScanPool(threads: 2)
        for subject in stride(from: 0, to: 1_200, by: 97) {
            let probe = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: CylinderMatcherTests.print(40, seed: 7 &+ UInt64(subject)),
                                                                                   seed: UInt64(subject)))
            let found = index.search(probe, position: 2, limit: 3, threshold: 0, pool: pool)
            let full = exhaustive.search(probe, position: 2, limit: 3, threshold: 0, pool: pool)
            #expect(found.method == .indexed && full.method == .exhaustive)
            #expect(found.compared == 60 && full.compared == 1_200 && found.eligible == 1_200)
            #expect(found.candidates.first?.subject == Int64(subject), "subject \(subject) not at rank 1")
            #expect(found.candidates.first == full.candidates.first, "the index's rank 1 differs from the exhaustive search's")
            // Another position is never compared; an unknown one compares with every finger.
            #expect(index.search(probe, position: 3, limit: 3, threshold: 0, pool: pool).eligible == 0)
            #expect(index.search(probe, position: 0, limit: 3, threshold: 0, pool: pool).eligible == 1_200)
        }

        // A removal rebuilds only the segment that held the finger.
        let before = index.segments
        index.remove(subject: 600)
        #expect(index.count == 1_199 && index.segments[0] === before[0] && index.segments[2] === before[2] && index.segments[1] !== before[1])
        let probe = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: CylinderMatcherTests.print(40, seed: 607), seed: 1))
        #expect(!index.selected(for: probe, position: 2, pool: pool).contains(600))
        #expect(index.search(probe, position: 2, limit: 3, threshold: 0, pool: pool).candidates.allSatisfy { $0.subject != 600 })
        index.remove(templates: Set((0..<200).map { Int64(1_000 + $0) }))
        #expect(index.count == 999 && index.fingers.allSatisfy { $0.subject >= 200 })
    }

    @Test("segments are taken in turn by whichever thread is free: each once, and the same candidates and scores for one, two or three threads")
    func threadsTakeSegmentsInTurn() {
        for batch in [1, 7] {
            let queue = WorkQueue(count: 1_000, batch: batch)
            let seen = Mutex([Int](repeating: 0, count: 1_000))
            ScanPool(threads: 3).run { _ in
                for item in queue { seen.withLock { $0[item] += 1 } }
            }
            var rest = queue.makeIterator()
            #expect(seen.withLock { $0 }.allSatisfy { $0 == 1 } && rest.next() == nil, "batches of \(batch)")
        }

        // Twelve segments of uneven size; pose check and aligned scores on (the default policy's).
        var index = FingerIndex(policy: Self.indexedAlways, capacityPerSegment: 70)
        index.add(Self.gallery(800))
        let pools = [1, 2, 3].map { ScanPool(threads: $0) }
        for subject in stride(from: 5, to: 800, by: 131) {
            let probe = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: CylinderMatcherTests.print(40, seed: 7 &+ UInt64(subject)),
                                                                                   seed: UInt64(subject)))
            let searches = pools.map { index.search(probe, position: 2, limit: 5, threshold: -.infinity, pool: $0) }
            let selections = pools.map { index.selected(for: probe, position: 2, pool: $0) }
            #expect(searches.allSatisfy { $0.candidates == searches[0].candidates && $0.poseCollisions == searches[0].poseCollisions })
            #expect(selections.allSatisfy { $0 == selections[0] } && selections[0].contains(Int64(subject)))
        }
    }

    @Test("indexed selection keeps to the probe's position: fingers at another are never chosen, unknown positions on either side always may be")
    func positionsInIndexedSearch() {
        // Every third finger at position 3, every seventh unknown (0), the rest at 2.
        let fingers = Self.gallery(900).enumerated().map { n, f in
            FingerIndex.Finger(subject: f.subject, template: f.template, position: n % 7 == 0 ? 0 : (n % 3 == 0 ? 3 : 2), cylinders: f.cylinders)
        }
        var index = FingerIndex(policy: Self.indexedAlways, capacityPerSegment: 256)
        index.add(fingers)
        let position = Dictionary(uniqueKeysWithValues: fingers.map { ($0.subject, $0.position) })
        let pool = ScanPool(threads: 2)
        for subject in [3, 14, 100, 301, 602] {
            let probe = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: CylinderMatcherTests.print(40, seed: 7 &+ UInt64(subject)),
                                                                                   seed: UInt64(subject)))
            for asked in [2, 3] {
                let eligible = fingers.count { $0.position == asked || $0.position == 0 }
                let found = index.search(probe, position: asked, limit: 5, threshold: -.infinity, pool: pool)
                #expect(found.method == .indexed && found.eligible == eligible)
                #expect(found.compared == Int((0.05 * Double(eligible)).rounded(.up)))
                let chosen = index.selected(for: probe, position: asked, pool: pool)
                #expect(chosen.allSatisfy { position[$0] == asked || position[$0] == 0 }, "a finger at another position was chosen")
                if position[Int64(subject)] == asked || position[Int64(subject)] == 0 {
                    #expect(found.candidates.first?.subject == Int64(subject), "subject \(subject) not at rank 1 at position \(asked)")
                }
            }
            #expect(index.search(probe, position: 0, limit: 5, threshold: 0, pool: pool).eligible == 900)
        }
    }

    @Test("the fingers chosen do not depend on enrolment order or segment boundaries (a replay on a rebuilt index chooses the same)")
    func selectionIsOrderFree() {
        let fingers = Self.gallery(900, seed: 90)
        var forwards = FingerIndex(policy: Self.indexedAlways, capacityPerSegment: 256)
        forwards.add(fingers)
        var backwards = FingerIndex(policy: Self.indexedAlways, capacityPerSegment: 300)
        for chunk in stride(from: 900, to: 0, by: -150) { backwards.add(Array(fingers[(chunk - 150)..<chunk].reversed())) }
        // One enrolment at a time: the tail reuses its fingers' filed keys.
        var oneByOne = FingerIndex(policy: Self.indexedAlways, capacityPerSegment: 128)
        for finger in fingers { oneByOne.add([finger]) }
        #expect(oneByOne.segments.dropLast().allSatisfy { $0.filed == nil && $0.count == 128 } && oneByOne.segments.last?.filed != nil)
        let pool = ScanPool(threads: 2)
        for seed in 0..<12 as Range<UInt64> {
            let probe = CylinderTemplate(minutiae: CylinderMatcherTests.print(40, seed: 10_000 + seed))   // unmated: many ties
            #expect(forwards.selected(for: probe, position: 2, pool: pool) == backwards.selected(for: probe, position: 2, pool: pool))
            #expect(forwards.selected(for: probe, position: 2, pool: pool) == oneByOne.selected(for: probe, position: 2, pool: pool))
            #expect(forwards.search(probe, position: 2, limit: 5, threshold: 0, pool: pool).candidates
                    == backwards.search(probe, position: 2, limit: 5, threshold: 0, pool: pool).candidates)
        }
    }

    /// 1,200 prints of 20 to 80 minutiae (subject n has 20 + n % 61), so candidates' costs differ.
    static let variedGallery = (0..<1_200).map { n in
        FingerIndex.Finger(subject: Int64(n), template: Int64(1_000 + n), position: 2,
                           cylinders: CylinderTemplate(minutiae: CylinderMatcherTests.print(20 + n % 61, seed: 7 &+ UInt64(n))))
    }

    @Test("the matcher's work for one probe stays within the policy's budget: the best-voted of the candidates it would otherwise get, never fewer than the minimum; a probe with more minutiae gets fewer")
    func workBudget() {
        let fingers = Self.variedGallery
        var unbounded = FingerIndex(policy: Self.indexedAlways, capacityPerSegment: 500)
        unbounded.policy.cylinderPairBudget = .max
        unbounded.add(fingers)
        let pool = ScanPool(threads: 2), layout = SegmentLayout(unbounded.segments)
        let budget = 40 * 50 * 25   // 25 comparisons of two 50-minutia prints
        var compared: [(probeCylinders: Int, candidates: Int)] = []
        for subject in [40, 59, 302, 1_138] {   // 60, 79, 78 and 60 minutiae
            let print = CylinderMatcherTests.print(20 + subject % 61, seed: 7 &+ UInt64(subject))
            let probe = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: print, seed: UInt64(subject)))
            var bounded = unbounded
            bounded.policy.cylinderPairBudget = budget
            let free = unbounded.search(probe, position: 2, limit: 3, threshold: 0, pool: pool)
            let capped = bounded.search(probe, position: 2, limit: 3, threshold: 0, pool: pool)
            #expect(free.compared == 60 && free.cylinderPairs > budget, "the budget does not bind: \(free.cylinderPairs)")
            #expect(capped.compared < 60 && capped.compared >= Self.indexedAlways.minimumCandidates)
            // The last candidate admitted may cross the budget; none after it.
            #expect(capped.cylinderPairs < budget + probe.count * 80, "\(capped.cylinderPairs) cylinder pairs")
            let chosenFree = Set(unbounded.selectByVotes(probe, position: 2, eligible: 1_200, layout: layout, pool: pool).chosen)
            let chosenCapped = Set(bounded.selectByVotes(probe, position: 2, eligible: 1_200, layout: layout, pool: pool).chosen)
            #expect(chosenCapped.isSubset(of: chosenFree) && chosenCapped.count == capped.compared)
            #expect(capped.candidates.first?.subject == Int64(subject), "subject \(subject) lost to the budget")
            compared.append((probe.count, capped.compared))
            bounded.policy.cylinderPairBudget = 1
            #expect(bounded.search(probe, position: 2, limit: 3, threshold: 0, pool: pool).compared == Self.indexedAlways.minimumCandidates)
        }
        let bySize = compared.sorted { $0.probeCylinders < $1.probeCylinders }
        #expect(bySize.first!.candidates > bySize.last!.candidates, "\(bySize)")
    }

    @Test("the plain votes' work stays within the posting budget: the most shared keys stop voting first, the rarest keep their weights; the mate still ranks first")
    func postingBudget() {
        var index = FingerIndex(policy: Self.indexedAlways, capacityPerSegment: 500)
        index.add(Self.variedGallery)
        let pool = ScanPool(threads: 2), layout = SegmentLayout(index.segments)
        let subject = 302
        let probe = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: CylinderMatcherTests.print(20 + subject % 61, seed: 7 &+ UInt64(subject)),
                                                                               seed: UInt64(subject)))
        let keys = index.hashing.buckets(of: probe)
        let sharing = FingerIndex.sharing(of: keys, in: layout)
        let (all, walked) = FingerIndex.weights(of: keys, in: layout)
        #expect(walked == all.indices.filter { all[$0] > 0 }.reduce(0) { $0 + sharing[$1] } && walked > 0)
        let budget = walked / 2
        let (kept, keptWalk) = FingerIndex.weights(of: keys, in: layout, postingBudget: budget)
        let voting = kept.indices.filter { kept[$0] > 0 }, dropped = all.indices.filter { all[$0] > 0 && kept[$0] == 0 }
        #expect(keptWalk <= budget && keptWalk == voting.reduce(0) { $0 + sharing[$1] } && !voting.isEmpty && !dropped.isEmpty)
        // A kept key keeps its weight, and is shared by no more fingers than any dropped one.
        #expect(voting.allSatisfy { kept[$0] == all[$0] })
        #expect(voting.map { sharing[$0] }.max()! <= dropped.map { sharing[$0] }.min()!)
        var bounded = index
        bounded.policy.postingBudget = budget
        let found = bounded.search(probe, position: 2, limit: 3, threshold: 0, pool: pool)
        #expect(found.postings == keptWalk && index.search(probe, position: 2, limit: 3, threshold: 0, pool: pool).postings == walked)
        #expect(found.candidates.first?.subject == Int64(subject), "subject \(subject) lost to the posting budget")
    }

    @Test("below the policy's size the search is exhaustive; the tables cost at most a kilobyte per finger")
    func fallbackAndMemory() {
        var index = FingerIndex(capacityPerSegment: 1_000)
        index.add(Self.gallery(400))
        let probe = CylinderTemplate(minutiae: CylinderMatcherTests.print(40, seed: 8))
        let found = index.search(probe, position: 2, limit: 1, threshold: 0, pool: ScanPool(threads: 1))
        #expect(found.method == .exhaustive && found.compared == 400)
        #expect(found.candidates.first?.subject == 1)
        // Entries: 3 bytes per (finger, table, distinct key), at most one per
        // table for each of a finger's richest cylinders; with the directory
        // of a full segment (80 bytes a finger) and the rest a segment keeps
        // per finger (12), within a kilobyte for every finger.
        let entries = index.segments.reduce(0) { $0 + $1.entries.count }
        let hashing = CylinderHashing.standard
        #expect(entries > 0 && entries <= 400 * hashing.tables * hashing.enrolledCylinders)
        #expect(3 * hashing.tables * hashing.enrolledCylinders + 4 * hashing.tables * (CylinderHashing.buckets + 1) / FingerIndex.segmentCapacity
                + 12 <= 1_024)
    }
}
