/// Big-endian reading with bounds checks that report the offset.
struct ByteReader {
    let bytes: [UInt8]
    private(set) var offset = 0

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var remaining: Int { bytes.count - offset }

    mutating func u8() throws(TemplateError) -> Int {
        guard offset < bytes.count else { throw .truncated(offset: offset) }
        defer { offset += 1 }
        return Int(bytes[offset])
    }

    mutating func u16() throws(TemplateError) -> Int { try u8() << 8 | u8() }

    mutating func u32() throws(TemplateError) -> Int { try u16() << 16 | u16() }

    mutating func take(_ count: Int) throws(TemplateError) -> [UInt8] {
        guard count >= 0, count <= remaining else { throw .truncated(offset: bytes.count) }
        defer { offset += count }
        return Array(bytes[offset..<offset + count])
    }

    mutating func expect(_ literal: [UInt8]) throws(TemplateError) {
        guard try take(literal.count) == literal else { throw .unknownFormat }
    }
}

/// Big-endian writing; values are checked against their field width.
struct ByteWriter {
    private(set) var bytes: [UInt8] = []

    mutating func u8(_ value: Int) throws(TemplateError) {
        guard (0...0xFF).contains(value) else { throw .invalidField("\(value) does not fit in one byte") }
        bytes.append(UInt8(value))
    }

    mutating func u16(_ value: Int) throws(TemplateError) {
        guard (0...0xFFFF).contains(value) else { throw .invalidField("\(value) does not fit in two bytes") }
        bytes += [UInt8(value >> 8), UInt8(value & 0xFF)]
    }

    mutating func u32(_ value: Int) throws(TemplateError) {
        guard (0...0xFFFF_FFFF).contains(value) else { throw .invalidField("\(value) does not fit in four bytes") }
        bytes += [UInt8(value >> 24), UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)]
    }

    mutating func append(_ data: [UInt8]) { bytes += data }

    /// Overwrites a 4-byte length field written earlier as a placeholder.
    mutating func patch32(at offset: Int, _ value: Int) {
        for i in 0..<4 { bytes[offset + i] = UInt8(value >> (24 - 8 * i) & 0xFF) }
    }

    mutating func patch16(at offset: Int, _ value: Int) {
        bytes[offset] = UInt8(value >> 8 & 0xFF)
        bytes[offset + 1] = UInt8(value & 0xFF)
    }
}
