/// BER-TLV (ISO/IEC 8825-1) as ICAO Doc 9303 uses it: multi-byte tags,
/// definite lengths in short or long form (up to four length bytes).
/// Indefinite lengths are refused: an ePassport never uses them.
public struct BERTLV: Sendable, Equatable {
    public let tag: UInt32
    /// The value's bytes: the children's encoding when the tag is constructed.
    public let value: ArraySlice<UInt8>
    /// Where the element starts in the bytes it was read from.
    public let offset: Int

    /// Whether the tag's first byte marks a constructed element (children inside).
    public var isConstructed: Bool {
        var first = tag
        while first > 0xFF { first >>= 8 }
        return first & 0x20 != 0
    }

    /// The elements that follow one another in `bytes[range]`, each checked
    /// to lie inside it.
    public static func elements(_ bytes: ArraySlice<UInt8>) throws(DG2Error) -> [BERTLV] {
        var out: [BERTLV] = []
        var at = bytes.startIndex
        while at < bytes.endIndex {
            let element = try read(bytes, at: at)
            out.append(element)
            at = element.value.endIndex
        }
        return out
    }

    /// The children of a constructed element.
    public func children() throws(DG2Error) -> [BERTLV] {
        guard isConstructed else { throw DG2Error(offset: offset, "tag \(String(tag, radix: 16)) is not constructed") }
        return try Self.elements(value)
    }

    static func read(_ bytes: ArraySlice<UInt8>, at start: Int) throws(DG2Error) -> BERTLV {
        var at = start
        func next() throws(DG2Error) -> UInt8 {
            guard at < bytes.endIndex else { throw DG2Error(offset: at, "the data ends inside a TLV header") }
            defer { at += 1 }
            return bytes[at]
        }
        var tag = UInt32(try next())
        if tag & 0x1F == 0x1F {   // more tag bytes follow, each with bit 8 set but the last
            var more = 0
            repeat {
                let b = try next()
                tag = tag << 8 | UInt32(b)
                more += 1
                guard more <= 3 else { throw DG2Error(offset: start, "a tag longer than four bytes") }
                if b & 0x80 == 0 { break }
            } while true
        }
        let first = try next()
        var length = 0
        if first < 0x80 {
            length = Int(first)
        } else {
            let count = Int(first & 0x7F)
            guard (1...4).contains(count) else {
                throw DG2Error(offset: at - 1, count == 0 ? "an indefinite length" : "a length of \(count) bytes")
            }
            for _ in 0..<count { length = length << 8 | Int(try next()) }
        }
        guard length <= bytes.endIndex - at else {
            throw DG2Error(offset: start, "tag \(String(tag, radix: 16)) claims \(length) bytes; \(bytes.endIndex - at) remain")
        }
        return BERTLV(tag: tag, value: bytes[at..<(at + length)], offset: start)
    }

    /// The encoding of a tag and its value (definite length, shortest form).
    public static func encode(tag: UInt32, _ value: [UInt8]) -> [UInt8] {
        var tagBytes: [UInt8] = []
        var t = tag
        repeat { tagBytes.insert(UInt8(t & 0xFF), at: 0); t >>= 8 } while t > 0
        var length: [UInt8] = []
        if value.count < 0x80 {
            length = [UInt8(value.count)]
        } else {
            var n = value.count
            while n > 0 { length.insert(UInt8(n & 0xFF), at: 0); n >>= 8 }
            length.insert(0x80 | UInt8(length.count), at: 0)
        }
        return tagBytes + length + value
    }
}
