/// An enrolled finger's index keys as stored beside its cylinders, so that
/// start-up files them in the tables instead of hashing every cylinder
/// again, and an enrolment that arrives through the store is indexed the
/// same way.
///
/// Stored keys carry the hashing's `signature`: keys written under other
/// hash settings (another number of tables, another seed, another cylinder
/// geometry, another version of the scheme) do not open, and the finger is
/// hashed from its cylinders as before. Nothing has to be migrated when
/// the hashing changes.
///
/// Layout (little-endian): version (1 byte), signature (8), tables (1),
/// each table's key count (2 bytes each), then every key's bucket (2 bytes)
/// and the number of the cylinder that gave it (1 byte), table by table,
/// buckets ascending and distinct within a table.
extension CylinderHashing {
    /// The default settings, built once: what the service's index uses and
    /// what enrolment stores keys for.
    public static let standard = CylinderHashing()

    /// Bumped whenever the keys a cylinder gets change for the same settings
    /// (the MinHash orders, the mixing of values into a bucket).
    static let schemeVersion: UInt64 = 2
    /// 2: each key also names the cylinder that gave it (3 bytes a key).
    static let storedFormat: UInt8 = 2

    /// FNV-1a over the scheme's version and every setting a key depends on
    /// (`signature`, computed once by the initialiser: every stored finger's
    /// keys are checked against it at start-up).
    static func signature(settings: [UInt64], innerCells: [UInt64]) -> UInt64 {
        var hash: UInt64 = 0xCBF2_9CE4_8422_2325
        func mix(_ value: UInt64) {
            for byte in 0..<8 {
                hash = (hash ^ (value >> (8 * UInt64(byte)) & 0xFF)) &* 0x0000_0100_0000_01B3
            }
        }
        for value in [Self.schemeVersion] + settings { mix(value) }
        for word in innerCells { mix(word) }
        return hash
    }

    /// The keys an enrolled finger files (`FiledKey`), ascending and
    /// distinct by table and bucket: where two of its cylinders share a
    /// bucket, the first cylinder is filed.
    public func filedKeys(of template: CylinderTemplate) -> [UInt32] {
        var keys: [UInt32] = []
        for (i, bucket) in buckets(of: template, enrolled: true).enumerated() where bucket != Self.noKey && i / tables <= FiledKey.maximumCylinder {
            keys.append(FiledKey.make(table: i % tables, bucket: bucket, cylinder: i / tables))
        }
        keys.sort()
        var distinct: [UInt32] = []
        distinct.reserveCapacity(keys.count)
        for (i, key) in keys.enumerated() where i == 0 || FiledKey.slot(keys[i - 1]) != FiledKey.slot(key) { distinct.append(key) }
        return distinct
    }

    /// `filedKeys` in the stored layout.
    public func serializedKeys(of template: CylinderTemplate) -> [UInt8] { serialize(filedKeys(of: template)) }

    func serialize(_ keys: [UInt32]) -> [UInt8] {
        var counts = [Int](repeating: 0, count: tables)
        for key in keys { counts[FiledKey.table(key)] += 1 }
        var out: [UInt8] = [Self.storedFormat]
        out.reserveCapacity(10 + 2 * tables + 3 * keys.count)
        for byte in 0..<8 { out.append(UInt8(truncatingIfNeeded: signature >> (8 * UInt64(byte)))) }
        out.append(UInt8(tables))
        for count in counts { out += [UInt8(truncatingIfNeeded: count), UInt8(truncatingIfNeeded: count >> 8)] }
        for key in keys {
            let bucket = FiledKey.bucket(key)
            out += [UInt8(truncatingIfNeeded: bucket), UInt8(truncatingIfNeeded: bucket >> 8), UInt8(FiledKey.cylinder(key))]
        }
        return out
    }

    /// The keys stored with `template`, as `filedKeys` gives them, or nil
    /// when there are none, they do not open (`keys(serialized:)`), or
    /// they name a cylinder the template lacks (another print's keys).
    func storedKeys(_ serialized: [UInt8]?, of template: CylinderTemplate) -> [UInt32]? {
        serialized.flatMap(keys(serialized:)).flatMap { keys in
            keys.allSatisfy { FiledKey.cylinder($0) < template.count } ? keys : nil
        }
    }

    /// Whether stored keys were written in this format under these
    /// settings (their header alone: cheap enough for every finger at start-up).
    public func wroteKeys(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 10 + 2 * tables, bytes[0] == Self.storedFormat, Int(bytes[9]) == tables else { return false }
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[1 + $1]) << (8 * UInt64($1)) } == signature
    }

    /// Stored keys back as `filedKeys` gives them, or nil when they were
    /// written under other settings or are not well formed (the caller then
    /// hashes the cylinders).
    public func keys(serialized bytes: [UInt8]) -> [UInt32]? {
        guard wroteKeys(bytes) else { return nil }
        let header = 10 + 2 * tables
        func u16(_ at: Int) -> Int { Int(bytes[at]) | Int(bytes[at + 1]) << 8 }
        let counts = (0..<tables).map { u16(10 + 2 * $0) }
        let total = counts.reduce(0, +)
        // A finger files at most one key per table for each of its enrolled cylinders.
        guard counts.allSatisfy({ $0 <= enrolledCylinders }), bytes.count == header + 3 * total else { return nil }
        var keys: [UInt32] = []
        keys.reserveCapacity(total)
        var at = header
        for (table, count) in counts.enumerated() {
            var previous = -1
            for _ in 0..<count {
                let bucket = u16(at), cylinder = Int(bytes[at + 2])
                at += 3
                guard bucket < Self.buckets, bucket > previous else { return nil }
                previous = bucket
                keys.append(FiledKey.make(table: table, bucket: UInt32(bucket), cylinder: cylinder))
            }
        }
        return keys
    }
}

/// A key an enrolled finger files, as one `UInt32`: its table (8 bits),
/// bucket (16) and the cylinder that gave it (8), most significant first,
/// so that keys sort by table, then bucket. The cylinder lets a probe's
/// collisions with the finger be checked for a consistent pose
/// (`FingerSegment.poseConsistentVote`).
enum FiledKey {
    /// Cylinders past this one (of prints with more than 256 minutiae) file no key.
    static let maximumCylinder = 255

    static func make(table: Int, bucket: UInt32, cylinder: Int) -> UInt32 {
        UInt32(table) << 24 | bucket << 8 | UInt32(cylinder)
    }
    static func table(_ key: UInt32) -> Int { Int(key >> 24) }
    static func bucket(_ key: UInt32) -> UInt32 { (key >> 8) & 0xFFFF }
    static func cylinder(_ key: UInt32) -> Int { Int(key & 0xFF) }
    /// Table and bucket together: what a finger files at most once.
    static func slot(_ key: UInt32) -> UInt32 { key >> 8 }
}
