/// The minutia and extension-area encodings shared by the formats.
enum MinutiaCoding {
    /// Type (2 bits) + x (14 bits), reserved (2 bits) + y (14 bits), angle, and quality when present.
    static func read(_ r: inout ByteReader, withQuality: Bool,
                     types: [Int: String] = CodeTables.minutiaType) throws(TemplateError) -> Minutia {
        let first = try r.u16(), second = try r.u16()
        let angle = try r.u8()
        let quality = withQuality ? try r.u8() : nil
        return Minutia(type: CodedName(first >> 14, in: types), positionX: first & 0x3FFF,
                       positionY: second & 0x3FFF, angle: angle, quality: quality)
    }

    static func write(_ m: Minutia, _ w: inout ByteWriter, withQuality: Bool) throws(TemplateError) {
        guard (0...3).contains(m.type.code), (0...0x3FFF).contains(m.positionX), (0...0x3FFF).contains(m.positionY) else {
            throw .invalidField("minutia type or position out of range")
        }
        try w.u16(m.type.code << 14 | m.positionX)
        try w.u16(m.positionY)
        try w.u8(m.angle)
        if withQuality { try w.u8(m.quality ?? 0) }
    }

    /// How an extension block's length field is counted in a format.
    enum BlockLength { case dataOnly, includingHeader }

    static let ridgeCountType = 0x0001

    /// The extension area: total length (2 bytes), then blocks of type (2),
    /// length (2) and data. Ridge counts are decoded; other blocks kept raw.
    static func readExtensions(_ r: inout ByteReader, length: BlockLength) throws(TemplateError) -> (RidgeCounts?, [Extension]) {
        let total = try r.u16()
        var area = ByteReader(try r.take(total))
        var counts: RidgeCounts?
        var extensions: [Extension] = []
        while area.remaining > 0 {
            let type = try area.u16()
            let declared = try area.u16()
            let size = length == .includingHeader ? declared - 4 : declared
            guard size >= 0 else { throw .invalidField("extension block length \(declared)") }
            let data = try area.take(size)
            if type == ridgeCountType, counts == nil, let method = data.first {
                var edges: [RidgeCounts.Edge] = []
                var i = 1
                while i + 3 <= data.count {
                    edges.append(.init(from: Int(data[i]), to: Int(data[i + 1]), count: Int(data[i + 2])))
                    i += 3
                }
                counts = RidgeCounts(type: CodedName(Int(method), in: CodeTables.countType), edges: edges)
            } else {
                extensions.append(Extension(type: type, data: .init(data)))
            }
        }
        return (counts, extensions)
    }

    static func writeExtensions(_ counts: RidgeCounts?, _ extensions: [Extension], _ w: inout ByteWriter,
                                length: BlockLength) throws(TemplateError) {
        var blocks: [(Int, [UInt8])] = []
        if let counts {
            var data = [UInt8(truncatingIfNeeded: counts.type.code)]
            for edge in counts.edges {
                guard [edge.from, edge.to, edge.count].allSatisfy({ (0...0xFF).contains($0) }) else {
                    throw .invalidField("ridge count edge out of range")
                }
                data += [UInt8(edge.from), UInt8(edge.to), UInt8(edge.count)]
            }
            blocks.append((ridgeCountType, data))
        }
        blocks += extensions.map { ($0.type, [UInt8]($0.data)) }
        var area = ByteWriter()
        for (type, data) in blocks {
            try area.u16(type)
            try area.u16(length == .includingHeader ? data.count + 4 : data.count)
            area.append(data)
        }
        try w.u16(area.bytes.count)
        w.append(area.bytes)
    }
}
