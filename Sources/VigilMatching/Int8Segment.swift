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

    init(dimension: Int, rows: [Row]) {
        self.dimension = dimension
        count = rows.count
        let blocks = (rows.count + Self.lanes - 1) / Self.lanes
        codes = AlignedBuffer(count: blocks * dimension * Self.lanes)
        let out = codes.raw.assumingMemoryBound(to: Int8.self)
        for (row, entry) in rows.enumerated() {
            let block = out + (row / Self.lanes) * dimension * Self.lanes
            let lane = row % Self.lanes
            for d in 0..<dimension { block[d * Self.lanes + lane] = entry.vector.codes[d] }
        }
        scales = rows.map(\.vector.scale)
        subjects = rows.map(\.subject)
        templates = rows.map(\.template)
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
