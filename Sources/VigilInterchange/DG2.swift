/// Data group 2 refused.
public typealias DG2Error = InterchangeError

/// A face image from an ePassport's data group 2, with what its ISO/IEC
/// 19794-5 record says about it.
public struct DG2FaceImage: Sendable, Equatable, Codable {
    public enum Format: String, Sendable, Codable { case jpeg, jpeg2000, png, unknown }

    public let format: Format
    public let width: Int
    public let height: Int
    /// "2005" (version 010) or "2011" (version 030) of ISO/IEC 19794-5.
    public let recordVersion: String
    public let bytes: [UInt8]

    public init(format: Format, width: Int, height: Int, recordVersion: String, bytes: [UInt8]) {
        self.format = format
        self.width = width
        self.height = height
        self.recordVersion = recordVersion
        self.bytes = bytes
    }
}

/// ICAO Doc 9303 part 10, data group 2: tag 75 holding a biometric
/// information group template (7F61) of one or more biometric information
/// templates (7F60), each a header (A1) and a biometric data block (5F2E)
/// holding an ISO/IEC 19794-5 face record (`FAC\0`, versions 2005 and 2011)
/// whose image is JPEG or JPEG 2000 (a raw codestream or a JP2 file).
public enum DG2 {
    /// Whether `bytes` start like data group 2 (or a bare group template).
    public static func looksLike(_ bytes: [UInt8]) -> Bool {
        bytes.first == 0x75 || bytes.starts(with: [0x7F, 0x61])
    }

    /// Every face image the data group holds, in order. Strict: every length
    /// must fit, every count must match what follows.
    public static func faces(_ bytes: [UInt8]) throws(DG2Error) -> [DG2FaceImage] {
        let top = try BERTLV.elements(bytes[...])
        guard let outer = top.first else { throw DG2Error(offset: 0, "empty") }
        let group: BERTLV
        if outer.tag == 0x75 {
            guard let inner = try outer.children().first(where: { $0.tag == 0x7F61 }) else {
                throw DG2Error(offset: outer.offset, "data group 2 without a biometric information group template (7F61)")
            }
            group = inner
        } else if outer.tag == 0x7F61 {
            group = outer
        } else {
            throw DG2Error(offset: 0, "not data group 2 (tag 75) but tag \(String(outer.tag, radix: 16))")
        }
        let children = try group.children()
        guard let count = children.first(where: { $0.tag == 0x02 }), count.value.count == 1 else {
            throw DG2Error(offset: group.offset, "the group template has no instance count (tag 02)")
        }
        let templates = children.filter { $0.tag == 0x7F60 }
        guard Int(count.value.first!) == templates.count, !templates.isEmpty else {
            throw DG2Error(offset: count.offset, "the group announces \(count.value.first!) instances and holds \(templates.count)")
        }
        var faces: [DG2FaceImage] = []
        for template in templates {
            let parts = try template.children()
            if let sealed = parts.first(where: { $0.tag == 0x7F2E }) {
                throw DG2Error(offset: sealed.offset, "the biometric data block is enciphered (7F2E)")
            }
            guard let block = parts.first(where: { $0.tag == 0x5F2E }) else {
                throw DG2Error(offset: template.offset, "a biometric information template without a data block (5F2E)")
            }
            faces += try FaceRecord.images(block.value)
        }
        return faces
    }

    /// Data group 2 holding one biometric information template per image, each
    /// an ISO/IEC 19794-5 record of `version` ("2005" or "2011") with one face.
    public static func encode(_ images: [DG2FaceImage], version: String = "2005") -> [UInt8] {
        var group = BERTLV.encode(tag: 0x02, [UInt8(images.count)])
        for image in images {
            // Header: ICAO header version 1.1, biometric type face (2), format owner ISO/IEC JTC 1 SC 37 (0101), format face (0008).
            let header = BERTLV.encode(tag: 0x80, [0x01, 0x01]) + BERTLV.encode(tag: 0x81, [0x02])
                + BERTLV.encode(tag: 0x87, [0x01, 0x01]) + BERTLV.encode(tag: 0x88, [0x00, 0x08])
            let template = BERTLV.encode(tag: 0xA1, header) + BERTLV.encode(tag: 0x5F2E, FaceRecord.encode(image, version: version))
            group += BERTLV.encode(tag: 0x7F60, template)
        }
        return BERTLV.encode(tag: 0x75, BERTLV.encode(tag: 0x7F61, group))
    }
}

/// ISO/IEC 19794-5 face image records, versions 2005 (010) and 2011 (030).
enum FaceRecord {
    static let magic: [UInt8] = Array("FAC\0".utf8)
    static let version2005: [UInt8] = Array("010\0".utf8), version2011: [UInt8] = Array("030\0".utf8)

    static func images(_ record: ArraySlice<UInt8>) throws(DG2Error) -> [DG2FaceImage] {
        var r = Cursor(bytes: record)
        guard Array(try r.take(4)) == magic else { throw DG2Error(offset: record.startIndex, "the data block is not an ISO/IEC 19794-5 face record (FAC)") }
        let version = Array(try r.take(4))
        let length = try r.u32()
        guard length == record.count else {
            throw DG2Error(offset: record.startIndex + 8, "the face record states \(length) bytes and has \(record.count)")
        }
        let count = try r.u16()
        var images: [DG2FaceImage] = []
        if version == version2005 {
            for _ in 0..<count { images.append(try image2005(&r)) }
        } else if version == version2011 {
            guard try r.u8() == 0 else { throw DG2Error(offset: r.at - 1, "certified face records are not read") }
            _ = try r.u16()   // temporal semantics
            for _ in 0..<count { images.append(try image2011(&r)) }
        } else {
            throw DG2Error(offset: record.startIndex + 4, "face record version \(String(decoding: version.prefix(3), as: UTF8.self)) (010 and 030 are read)")
        }
        guard r.at == record.endIndex else { throw DG2Error(offset: r.at, "bytes after the last face image") }
        return images
    }

    /// 2005: facial record length, 20-byte facial information, 8-byte feature points, 12-byte image information, image.
    static func image2005(_ r: inout Cursor) throws(DG2Error) -> DG2FaceImage {
        let start = r.at
        let length = try r.u32()
        let points = try r.u16()
        try r.skip(3 + 3 + 2 + 3 + 3)          // gender, eye, hair; feature mask; expression; pose angle; its uncertainty
        try r.skip(8 * points)
        _ = try r.u8()                          // face image type
        let dataType = try r.u8()
        let width = try r.u16(), height = try r.u16()
        try r.skip(1 + 1 + 2 + 2)               // colour space, source type, device type, quality
        return try imageData(&r, start: start, length: length, dataType: dataType, width: width, height: height, version: "2005")
    }

    /// 2011: representation length, capture date and device, quality blocks,
    /// 17-byte facial information, 8-byte landmarks, 11-byte image information, image.
    static func image2011(_ r: inout Cursor) throws(DG2Error) -> DG2FaceImage {
        let start = r.at
        let length = try r.u32()
        try r.skip(9 + 1 + 2 + 2)               // capture date and time; device technology, vendor, type
        try r.skip(5 * (try r.u8()))            // quality blocks
        let landmarks = try r.u16()
        try r.skip(1 + 1 + 1 + 1 + 3 + 2 + 3 + 3)   // gender, eye, hair, height; property mask; expression; pose; uncertainty
        try r.skip(8 * landmarks)
        _ = try r.u8()                          // face image type
        let dataType = try r.u8()
        let width = try r.u16(), height = try r.u16()
        try r.skip(1 + 2 + 1 + 1)               // spatial sampling rate, post-acquisition processing, cross reference, colour space
        return try imageData(&r, start: start, length: length, dataType: dataType, width: width, height: height, version: "2011")
    }

    /// The image: what is left of the `length` bytes the image's block began with at `start`.
    static func imageData(_ r: inout Cursor, start: Int, length: Int, dataType: Int, width: Int, height: Int,
                          version: String) throws(DG2Error) -> DG2FaceImage {
        let headers = r.at - start
        guard length > headers, length - headers <= r.remaining else {
            throw DG2Error(offset: start, "a face image block states \(length) bytes; its headers take \(headers) and \(r.remaining) remain")
        }
        let bytes = Array(try r.take(length - headers))
        return DG2FaceImage(format: format(of: bytes, declared: dataType), width: width, height: height, recordVersion: version, bytes: bytes)
    }

    /// The data's own signature first; the record's image data type when it has none.
    static func format(of bytes: [UInt8], declared: Int) -> DG2FaceImage.Format {
        if bytes.starts(with: [0xFF, 0xD8]) { return .jpeg }
        if bytes.starts(with: [0xFF, 0x4F, 0xFF, 0x51]) || bytes.starts(with: [0x00, 0x00, 0x00, 0x0C, 0x6A, 0x50, 0x20, 0x20]) { return .jpeg2000 }
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47]) { return .png }
        switch declared {
        case 0: return .jpeg
        case 1, 2: return .jpeg2000
        default: return .unknown
        }
    }

    static func encode(_ image: DG2FaceImage, version: String) -> [UInt8] {
        var body: [UInt8] = []
        func u16(_ v: Int) -> [UInt8] { [UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        func u32(_ v: Int) -> [UInt8] { [UInt8(v >> 24 & 0xFF), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)] }
        let dataType: UInt8 = image.format == .jpeg2000 ? 1 : 0
        // Face image type 1 (full frontal), colour space 1 (24-bit RGB), source 2 (digital still camera).
        if version == "2011" {
            let header: [UInt8] = [0x07, 0xEA, 12, 3, 12, 0, 0, 0, 0] + [0] + u16(0) + u16(0) + [0]   // capture 2026-12-03, no device, no quality
                + u16(0) + [0, 0, 0, 0] + [0, 0, 0] + u16(0) + [0, 0, 0] + [0, 0, 0]                // no landmarks, unspecified
                + [1, dataType] + u16(image.width) + u16(image.height) + [0] + u16(0) + [0] + [1]
            let representation = u32(4 + header.count + image.bytes.count) + header + image.bytes
            body = Array("FAC\0030\0".utf8) + u32(17 + representation.count) + u16(1) + [0] + u16(0) + representation
        } else {
            let header: [UInt8] = u16(0) + [0, 0, 0] + [0, 0, 0] + u16(0) + [0, 0, 0] + [0, 0, 0]
                + [1, dataType] + u16(image.width) + u16(image.height) + [1, 2] + u16(0) + u16(0)
            let block = u32(4 + header.count + image.bytes.count) + header + image.bytes
            body = Array("FAC\0010\0".utf8) + u32(14 + block.count) + u16(1) + block
        }
        return body
    }
}

/// A bounds-checked big-endian reader over a slice.
struct Cursor {
    let bytes: ArraySlice<UInt8>
    var at: Int

    init(bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        at = bytes.startIndex
    }

    var remaining: Int { bytes.endIndex - at }

    mutating func take(_ n: Int) throws(DG2Error) -> ArraySlice<UInt8> {
        guard n >= 0, n <= remaining else { throw DG2Error(offset: at, "the record ends \(n - remaining) bytes early") }
        defer { at += n }
        return bytes[at..<(at + n)]
    }

    mutating func skip(_ n: Int) throws(DG2Error) { _ = try take(n) }
    mutating func u8() throws(DG2Error) -> Int { Int(try take(1).first!) }
    mutating func u16() throws(DG2Error) -> Int { try take(2).reduce(0) { $0 << 8 | Int($1) } }
    mutating func u32() throws(DG2Error) -> Int { try take(4).reduce(0) { $0 << 8 | Int($1) } }
}
