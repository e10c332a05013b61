/// Writing the traditional encoding: the reader's inverse. Every record's
/// length (field T.001, or a binary record's 4-byte length) is computed
/// here, and the Type-1 content list (1.003) is made to name the records
/// that follow, so a transaction built or changed in memory is always
/// consistent on the wire.
extension NISTTransaction {
    public func encoded() throws(NISTError) -> [UInt8] {
        guard let header = records.first, header.type == 1 else {
            throw NISTError(offset: 0, "a transaction starts with its Type-1 record")
        }
        var out: [UInt8] = []
        var first = header
        first.setField(NISTField(number: 3, subfields: contentList(keeping: header.field(3))))
        out += try first.encodedTagged()
        for record in records.dropFirst() {
            guard record.type != 1 else { throw NISTError(offset: out.count, "a second Type-1 record") }
            out += try NISTRecord.isBinary(record.type) ? record.encodedBinary() : record.encodedTagged()
        }
        return out
    }

    /// The content list naming every record after the Type-1 one: the
    /// existing one when it already does (its spelling kept), else a new one.
    func contentList(keeping existing: NISTField?) -> [[String]] {
        let entries = records.dropFirst().map { [String($0.type), $0.field(2)?.value ?? "0"] }
        if let existing, existing.subfields.count == entries.count + 1,
           existing.subfields.first.map({ $0.count >= 2 && $0[0].trimmed == "1" && Int($0[1].trimmed) == entries.count }) == true,
           zip(existing.subfields.dropFirst(), entries).allSatisfy({ $0.count >= 2 && Int($0[0].trimmed) == Int($1[0]) && Self.sameIDC($0[1], $1[1]) }) {
            return existing.subfields
        }
        return [["1", String(entries.count)]] + entries
    }

    /// IDCs agree as numbers ("01" in a list names a binary record's IDC 1), else as text.
    static func sameIDC(_ a: String, _ b: String) -> Bool {
        if let x = Int(a.trimmed), let y = Int(b.trimmed) { return x == y }
        return a.trimmed == b.trimmed
    }
}

extension NISTRecord {
    /// Sets (or adds, in field-number order) one field.
    public mutating func setField(_ field: NISTField) {
        if let at = fields.firstIndex(where: { $0.number == field.number }) {
            fields[at] = field
        } else {
            fields.insert(field, at: fields.firstIndex { $0.number > field.number } ?? fields.endIndex)
        }
    }

    /// `T.001:LEN` GS fields … [`T.999:` data] FS, the length counting itself.
    func encodedTagged() throws(NISTError) -> [UInt8] {
        var body: [UInt8] = []
        for field in fields where field.number != 1 && field.number != 999 {
            body.append(NISTTransaction.groupSeparator)
            body += Array("\(type).\(Self.number(field.number)):".utf8)
            body += try field.encodedValue(in: type)
        }
        if let data {
            body.append(NISTTransaction.groupSeparator)
            body += Array("\(type).999:".utf8) + data
        }
        body.append(NISTTransaction.fileSeparator)
        let prefix = Array("\(type).001:".utf8)
        // The length includes its own digits: grow the guess until it holds.
        var length = prefix.count + body.count + 1
        while prefix.count + String(length).utf8.count + body.count != length { length = prefix.count + String(length).utf8.count + body.count }
        return prefix + Array(String(length).utf8) + body
    }

    static func number(_ n: Int) -> String { n < 10 ? "00\(n)" : n < 100 ? "0\(n)" : String(n) }

    /// The 4-byte length, the fixed header from fields 2…, then the data.
    func encodedBinary() throws(NISTError) -> [UInt8] {
        func value(_ n: Int, max: Int) throws(NISTError) -> Int {
            guard let v = field(n)?.value.flatMap({ Int($0.trimmed) }), (0...max).contains(v) else {
                throw NISTError(offset: 0, "binary Type-\(type) field \(n) is missing or above \(max)")
            }
            return v
        }
        var header: [UInt8] = [try UInt8(value(2, max: 255))]
        func word(_ v: Int) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
        switch type {
        case 7:
            break
        case 8:
            header += [UInt8(try value(3, max: 255)), UInt8(try value(4, max: 255)), UInt8(try value(5, max: 255))]
            header += word(try value(6, max: 0xFFFF)) + word(try value(7, max: 0xFFFF))
        default:
            let positions = (field(4)?.subfields.first ?? []).compactMap { Int($0.trimmed) }.filter { $0 != 255 }
            guard positions.count <= 6, positions.allSatisfy({ (0...254).contains($0) }) else {
                throw NISTError(offset: 0, "binary Type-\(type) has more than six finger positions or one above 254")
            }
            header += [UInt8(try value(3, max: 255))] + positions.map(UInt8.init) + Array(repeating: 255, count: 6 - positions.count)
            header += [UInt8(try value(5, max: 255))] + word(try value(6, max: 0xFFFF)) + word(try value(7, max: 0xFFFF))
            header += [UInt8(try value(8, max: 255))]
        }
        let length = 4 + header.count + (data?.count ?? 0)
        guard length <= Int(UInt32.max) else { throw NISTError(offset: 0, "a Type-\(type) record over 4 GB") }
        return [UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + header + (data ?? [])
    }
}

extension NISTField {
    /// Subfields joined by RS, items by US. A value holding a separator would
    /// change the record's structure: refused, never written.
    func encodedValue(in type: Int) throws(NISTError) -> [UInt8] {
        var out: [UInt8] = []
        for (s, subfield) in subfields.enumerated() {
            if s > 0 { out.append(NISTTransaction.recordSeparator) }
            for (i, item) in subfield.enumerated() {
                if i > 0 { out.append(NISTTransaction.unitSeparator) }
                let bytes = Array(item.utf8)
                guard !bytes.contains(where: { (0x1C...0x1F).contains($0) }) else {
                    throw NISTError(offset: 0, "field \(type).\(NISTRecord.number(number)) holds a separator character")
                }
                out += bytes
            }
        }
        return out
    }
}
