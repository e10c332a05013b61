/// An immutable run of face templates in the int8 layout the scan streams:
/// blocks of 16 templates, each block holding dimension-major codes
/// (`block[d * 16 + lane]`), so one 16-byte load feeds 16 templates at a
/// time and the accumulators never need a horizontal sum.
/// Per template resident: `dimension` code bytes + scale (4) + subject (8) + template id (8).
public final class Int8Segment: Sendable {
    public static let lanes = 16

    public let dimension: Int
    public let count: Int
    let codes: AlignedBuffer
    let scales: [Float]
    let subjects: [Int64]
    let templates: [Int64]
    /// Largest scale in the segment, for the query's error bound.
    let maxScale: Float

    var blockCount: Int { (count + Self.lanes - 1) / Self.lanes }
    var blockBytes: Int { dimension * Self.lanes }

    public struct Row: Sendable, Equatable {
        public let subject: Int64
        public let template: Int64
        public let vector: QuantizedVector

        public init(subject: Int64, template: Int64, vector: QuantizedVector) {
            self.subject = subject
            self.template = template
            self.vector = vector
        }
    }

    /// A template in its storage form (`QuantizedVector.serialized`).
    public struct StoredRow: Sendable {
        public let subject: Int64
        public let template: Int64
        public let serialized: [UInt8]

        public init(subject: Int64, template: Int64, serialized: [UInt8]) {
            self.subject = subject
            self.template = template
            self.serialized = serialized
        }
    }

    convenience init(dimension: Int, rows: [Row]) {
        self.init(dimension: dimension, count: rows.count) { index, write in
            let row = rows[index]
            row.vector.codes.withUnsafeBufferPointer(write)
            return (row.subject, row.template, row.vector.scale)
        }
    }

    /// Straight from storage forms that decode (`QuantizedVector.scale(ofSerialized:)`),
    /// with no vector per row in between: start-up builds a million this way.
    convenience init(dimension: Int, stored: ArraySlice<StoredRow>) {
        self.init(dimension: dimension, count: stored.count) { index, write in
            let row = stored[stored.startIndex + index]
            row.serialized.withUnsafeBytes { bytes in
                write(UnsafeBufferPointer(rebasing: bytes.dropFirst(4).assumingMemoryBound(to: Int8.self)[...]))
            }
            return (row.subject, row.template, QuantizedVector.scale(ofSerialized: row.serialized, dimension: dimension) ?? 0)
        }
    }

    /// Lays out `count` rows; `row(i, write)` hands row i's codes to `write`
    /// and returns its subject, template id and scale.
    private init(dimension: Int, count: Int,
                 row: (Int, (UnsafeBufferPointer<Int8>) -> Void) -> (subject: Int64, template: Int64, scale: Float)) {
        self.dimension = dimension
        self.count = count
        let blocks = (count + Self.lanes - 1) / Self.lanes
        codes = AlignedBuffer(count: blocks * dimension * Self.lanes)
        let out = codes.raw.assumingMemoryBound(to: Int8.self)
        var scales: [Float] = [], subjects: [Int64] = [], templates: [Int64] = []
        scales.reserveCapacity(count)
        subjects.reserveCapacity(count)
        templates.reserveCapacity(count)
        for index in 0..<count {
            let block = out + (index / Self.lanes) * dimension * Self.lanes
            let lane = index % Self.lanes
            let described = row(index) { codes in
                for d in 0..<dimension { block[d * Self.lanes + lane] = codes[d] }
            }
            scales.append(described.scale)
            subjects.append(described.subject)
            templates.append(described.template)
        }
        self.scales = scales
        self.subjects = subjects
        self.templates = templates
        maxScale = scales.max() ?? 0
    }

    /// The rows back, e.g. to rebuild a segment without a removed subject.
    func rows() -> [Row] {
        let base = codes.raw.assumingMemoryBound(to: Int8.self)
        return (0..<count).map { row in
            let block = base + (row / Self.lanes) * blockBytes
            let codes = (0..<dimension).map { block[$0 * Self.lanes + row % Self.lanes] }
            return Row(subject: subjects[row], template: templates[row], vector: QuantizedVector(codes: codes, scale: scales[row]))
        }
    }

    public var residentBytes: Int { codes.count + scales.count * 4 + subjects.count * 8 + templates.count * 8 }
}
