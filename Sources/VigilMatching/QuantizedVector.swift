/// Symmetric per-vector int8 quantisation: `x ≈ scale * code` with
/// `scale = max|x| / 127`, so every component's error is at most `scale / 2`.
public struct QuantizedVector: Sendable, Equatable {
    public let codes: [Int8]
    public let scale: Float

    public init(codes: [Int8], scale: Float) {
        self.codes = codes
        self.scale = scale
    }

    public init(_ vector: [Float]) {
        let peak = vector.reduce(Float(0)) { max($0, abs($1)) }
        let scale = peak > 0 ? peak / 127 : 1
        codes = vector.map { Int8(clamping: Int(($0 / scale).rounded())) }
        self.scale = scale
    }

    /// Storage form: the scale as little-endian Float32 bits, then the codes.
    public var serialized: [UInt8] {
        withUnsafeBytes(of: scale.bitPattern.littleEndian) { Array($0) } + codes.map { UInt8(bitPattern: $0) }
    }

    public init?(serialized bytes: [UInt8], dimension: Int) {
        guard let scale = Self.scale(ofSerialized: bytes, dimension: dimension) else { return nil }
        self.scale = scale
        codes = bytes[4...].map { Int8(bitPattern: $0) }
    }

    /// The scale of a storage form, when it is one of `dimension` codes.
    public static func scale(ofSerialized bytes: [UInt8], dimension: Int) -> Float? {
        guard bytes.count == 4 + dimension else { return nil }
        let bits = UInt32(bytes[0]) | UInt32(bytes[1]) << 8 | UInt32(bytes[2]) << 16 | UInt32(bytes[3]) << 24
        let scale = Float(bitPattern: bits)
        guard scale.isFinite, scale > 0 else { return nil }
        return scale
    }
}
