import Testing
import VigilTestSupport
@testable import VigilMatching

/// Index keys stored beside the cylinders: what start-up files instead of hashing.
@Suite("Stored fingerprint index keys")
struct StoredFingerKeysTests {
    @Test("stored keys read back as the hashing files them; an index built from them chooses and ranks as one that hashed")
    func roundTripAndSameIndex() {
        let hashing = CylinderHashing.standard
        let fingers = FingerIndexTests.gallery(700, seed: 41)
        for finger in fingers.prefix(50) {
            let stored = hashing.serializedKeys(of: finger.cylinders)
            let keys = hashing.keys(serialized: stored)
            #expect(keys == hashing.filedKeys(of: finger.cylinders))
            #expect(keys.map { !$0.isEmpty } == true, "a 40-minutia print files keys")
            // 3 bytes a key: its bucket and the cylinder that filed it.
            #expect(stored.count == 10 + 2 * hashing.tables + 3 * (keys?.count ?? 0))
        }
        var hashed = FingerIndex(policy: FingerIndexTests.indexedAlways, capacityPerSegment: 256)
        hashed.add(fingers)
        var read = FingerIndex(policy: FingerIndexTests.indexedAlways, capacityPerSegment: 256)
        read.add(fingers.map { f in
            FingerIndex.Finger(subject: f.subject, template: f.template, position: f.position, cylinders: f.cylinders,
                               storedKeys: hashing.serializedKeys(of: f.cylinders))
        })
        #expect(read.indexBytes == hashed.indexBytes && zip(read.segments, hashed.segments).allSatisfy { $0.entries == $1.entries })
        // The segments do not keep the bytes they were given.
        #expect(read.fingers.allSatisfy { $0.storedKeys == nil })
        let pool = ScanPool(threads: 2)
        for subject in stride(from: 0, to: 700, by: 70) {
            let probe = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: CylinderMatcherTests.print(40, seed: 41 &+ UInt64(subject)),
                                                                                   seed: UInt64(subject)))
            #expect(read.selected(for: probe, position: 2, pool: pool) == hashed.selected(for: probe, position: 2, pool: pool))
            #expect(read.search(probe, position: 2, limit: 5, threshold: 0, pool: pool).candidates
                    == hashed.search(probe, position: 2, limit: 5, threshold: 0, pool: pool).candidates)
        }
    }

    @Test("the index files the stored keys, not its own hashing of the cylinders: a finger stored with another's keys is chosen for that other's probe")
    func storedKeysAreUsed() {
        let hashing = CylinderHashing.standard
        let fingers = FingerIndexTests.gallery(400, seed: 77)
        // Finger 0 is stored with finger 1's keys; finger 1 with finger 0's.
        // Every collision votes: the keys' cylinders are the other print's,
        // whose pose the finger's own minutiae would not confirm.
        var everyCollision = FingerIndexTests.indexedAlways
        everyCollision.poseTolerance = nil
        var index = FingerIndex(policy: everyCollision)
        index.add(fingers.enumerated().map { n, f in
            let donor = n < 2 ? fingers[1 - n] : f
            return FingerIndex.Finger(subject: f.subject, template: f.template, position: 2, cylinders: f.cylinders,
                                      storedKeys: hashing.serializedKeys(of: donor.cylinders))
        })
        let pool = ScanPool(threads: 1)
        for n in 0..<2 {
            let probe = CylinderTemplate(minutiae: CylinderMatcherTests.impression(of: CylinderMatcherTests.print(40, seed: 77 &+ UInt64(n)), seed: 3))
            let chosen = index.selected(for: probe, position: 2, pool: pool)
            #expect(chosen.contains(Int64(1 - n)), "the finger filed under this print's keys was not chosen")
            #expect(!chosen.contains(Int64(n)), "the print's own finger was chosen by keys it was not filed under")
        }
    }

    @Test("stored keys naming a cylinder the finger does not have are another print's: the finger is hashed, never read past its cylinders")
    func keysOfALargerPrint() throws {
        let small = CylinderTemplate(minutiae: CylinderMatcherTests.print(14, seed: 31))
        let large = CylinderTemplate(minutiae: CylinderMatcherTests.print(70, seed: 32))
        let keys = try #require(CylinderHashing.standard.keys(serialized: CylinderHashing.standard.serializedKeys(of: large)))
        try #require(keys.contains { FiledKey.cylinder($0) >= small.count }, "the large print's keys name cylinders past the small one's")
        var given = FingerIndex(), hashed = FingerIndex()
        given.add([FingerIndex.Finger(subject: 1, template: 1, position: 2, cylinders: small,
                                      storedKeys: CylinderHashing.standard.serializedKeys(of: large))])
        hashed.add([FingerIndex.Finger(subject: 1, template: 1, position: 2, cylinders: small)])
        #expect(given.segments[0].entries == hashed.segments[0].entries && given.segments[0].entryCylinders == hashed.segments[0].entryCylinders)
        #expect(given.segments[0].entryCylinders.allSatisfy { Int($0) < small.count })
    }

    @Test("keys stored under other hash settings do not open: the finger is hashed again, and chosen all the same")
    func otherSettings() {
        let finger = FingerIndexTests.gallery(1, seed: 5)[0]
        let stored = CylinderHashing.standard.serializedKeys(of: finger.cylinders)
        for other in [CylinderHashing(seed: 9), CylinderHashing(enrolledCylinders: 30), CylinderHashing(tables: 12, hashesPerKey: 2),
                      CylinderHashing(minimumOnes: 9), CylinderHashing(innerRadius: 0.8)] {
            #expect(other.signature != CylinderHashing.standard.signature)
            #expect(other.keys(serialized: stored) == nil)
        }
        #expect(CylinderHashing().signature == CylinderHashing.standard.signature, "the signature is the same in every process")
        // The value stored keys carry today: if it changes without a change
        // to the keys, every node hashes every finger again at start-up.
        #expect(CylinderHashing.standard.signature == 0xDE78_4176_516F_0B5B, "signature \(String(CylinderHashing.standard.signature, radix: 16))")
        // An index with other settings given those keys hashes the finger, as if it had come without them.
        let fourTables = CylinderHashing(tables: 4, hashesPerKey: 3)
        var given = FingerIndex(hashing: fourTables), hashed = FingerIndex(hashing: fourTables)
        given.add([FingerIndex.Finger(subject: 1, template: 1, position: 2, cylinders: finger.cylinders, storedKeys: stored)])
        hashed.add([finger])
        #expect(given.segments[0].entries == hashed.segments[0].entries && given.segments[0].offsets == hashed.segments[0].offsets)
    }

    @Test("damaged or forged stored keys are refused, never read out of bounds (random bytes and every one-byte change, bounded)")
    func damagedKeys() {
        let hashing = CylinderHashing.standard
        let valid = hashing.serializedKeys(of: FingerIndexTests.gallery(1, seed: 6)[0].cylinders)
        var generator = SplitMix64(state: 0x4B45_5953)
        #expect(hashing.keys(serialized: []) == nil)
        #expect(hashing.keys(serialized: Array(valid.dropLast())) == nil)
        #expect(hashing.keys(serialized: valid + [0, 0]) == nil)
        for _ in 0..<2_000 {
            let length = Int(generator.next() % 1_200)
            var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            if length > 10 { bytes.replaceSubrange(0..<10, with: valid[0..<10]) }   // past the header, into the counts and buckets
            if let keys = hashing.keys(serialized: bytes) { #expect(Self.wellFormed(keys, hashing)) }
        }
        for at in valid.indices {
            var bytes = valid
            bytes[at] ^= UInt8(truncatingIfNeeded: generator.next() | 1)
            if let keys = hashing.keys(serialized: bytes) { #expect(Self.wellFormed(keys, hashing)) }
        }
    }

    /// Ascending and distinct by table and bucket, inside the tables, at most `enrolledCylinders` a table.
    static func wellFormed(_ keys: [UInt32], _ hashing: CylinderHashing) -> Bool {
        zip(keys, keys.dropFirst()).allSatisfy { FiledKey.slot($0) < FiledKey.slot($1) }
            && keys.allSatisfy { FiledKey.table($0) < hashing.tables && Int(FiledKey.bucket($0)) < CylinderHashing.buckets }
            && (0..<hashing.tables).allSatisfy { t in keys.count { FiledKey.table($0) == t } <= hashing.enrolledCylinders }
    }
}
