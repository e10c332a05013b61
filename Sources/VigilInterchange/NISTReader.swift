/// Reading the traditional encoding. Lenient where real files are (two-digit
/// field numbers such as `1.01:`, optional fields absent, trailing bytes
/// after the last record); strict where safety needs it: every length must
/// fit what is left of the file and end where the record's separator is,
/// every count must match what follows, and nothing is read past the end.
extension NISTTransaction {
    /// Separators of the traditional encoding.
    static let fileSeparator: UInt8 = 0x1C, groupSeparator: UInt8 = 0x1D, recordSeparator: UInt8 = 0x1E, unitSeparator: UInt8 = 0x1F

    /// Records a transaction may list: far more than any real one holds, few
    /// enough that a forged count cannot make the reader work for long.
    public static let maximumRecords = 10_000

    public static func parse(_ bytes: [UInt8]) throws(NISTError) -> NISTTransaction {
        guard !bytes.isEmpty else { throw NISTError(offset: 0, "the file is empty") }
        var reader = NISTReader(bytes: bytes)
        let header = try reader.taggedRecord(expecting: 1)
        guard let content = header.field(3), let first = content.subfields.first, first.count >= 2, first[0].trimmed == "1",
              let listed = Int(first[1].trimmed) else {
            throw NISTError(offset: 0, "the Type-1 record has no content list (field 1.003)")
        }
        let entries = content.subfields.dropFirst()
        guard listed == entries.count, listed <= maximumRecords else {
            throw NISTError(offset: 0, "the content list announces \(listed) records but lists \(entries.count)")
        }
        var records = [header]
        for entry in entries {
            guard let type = entry.first.flatMap({ Int($0.trimmed) }), (2...99).contains(type) else {
                throw NISTError(offset: reader.position, "the content list names a record type that does not exist: \(entry.first ?? "")")
            }
            guard reader.position < bytes.count else {
                throw NISTError(offset: reader.position, "the file ends before the Type-\(type) record the content list announces")
            }
            records.append(NISTRecord.isBinary(type) ? try reader.binaryRecord(type) : try reader.taggedRecord(expecting: type))
        }
        return NISTTransaction(records: records)
    }
}

extension String {
    var trimmed: String {
        var scalars = Substring(self)
        while scalars.first == " " { scalars.removeFirst() }
        while scalars.last == " " { scalars.removeLast() }
        return String(scalars)
    }
}

/// A cursor over the file's bytes.
struct NISTReader {
    let bytes: [UInt8]
    var position = 0

    /// A tagged record at the cursor: its length field first, then every field to its FS.
    mutating func taggedRecord(expecting type: Int) throws(NISTError) -> NISTRecord {
        let start = position
        // The first field is the record's length: read it before trusting anything else.
        let (firstTag, firstValueStart) = try tag(at: start, end: bytes.count)
        guard firstTag.type == type, firstTag.field == 1 else {
            throw NISTError(offset: start, "expected field \(type).001 (the record's length), found \(firstTag.type).\(firstTag.field)")
        }
        var cursor = firstValueStart
        while cursor < bytes.count, bytes[cursor] != NISTTransaction.groupSeparator, bytes[cursor] != NISTTransaction.fileSeparator {
            guard cursor - firstValueStart < 12 else { throw NISTError(offset: firstValueStart, "the record length is not a number") }
            cursor += 1
        }
        guard let length = Int(String(decoding: bytes[firstValueStart..<cursor], as: UTF8.self).trimmed), length > cursor - start,
              length <= bytes.count - start else {
            throw NISTError(offset: firstValueStart, "the Type-\(type) record's length is missing, too short or past the end of the file")
        }
        let end = start + length
        guard bytes[end - 1] == NISTTransaction.fileSeparator else {
            throw NISTError(offset: end - 1, "the Type-\(type) record does not end where its length says (no FS separator)")
        }
        var fields = [NISTField(number: 1, value: String(length))]
        var data: [UInt8]?
        var fieldStart = cursor + 1
        while fieldStart < end, bytes[cursor] != NISTTransaction.fileSeparator {
            let (fieldTag, valueStart) = try tag(at: fieldStart, end: end)
            guard fieldTag.type == type else {
                throw NISTError(offset: fieldStart, "a field of Type-\(fieldTag.type) inside a Type-\(type) record")
            }
            if fieldTag.field == 999 {
                // Binary data runs to the record's FS.
                data = Array(bytes[valueStart..<(end - 1)])
                cursor = end - 1
                break
            }
            cursor = valueStart
            while cursor < end - 1, bytes[cursor] != NISTTransaction.groupSeparator, bytes[cursor] != NISTTransaction.fileSeparator {
                cursor += 1
            }
            fields.append(NISTField(number: fieldTag.field, subfields: Self.subfields(bytes[valueStart..<cursor])))
            fieldStart = cursor + 1
        }
        guard cursor == end - 1 else {
            throw NISTError(offset: cursor, "the Type-\(type) record's fields end before its length says")
        }
        position = end
        return NISTRecord(type: type, offset: start, length: length, fields: fields, data: data)
    }

    /// `T.NNN:` at `start`: the record type, the field number and where the value starts.
    private func tag(at start: Int, end: Int) throws(NISTError) -> (tag: (type: Int, field: Int), valueStart: Int) {
        var cursor = start
        var numbers: [Int] = []
        var digits = 0
        var current = 0
        while cursor < end, cursor - start < 16 {
            let byte = bytes[cursor]
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                current = current * 10 + Int(byte - UInt8(ascii: "0"))
                digits += 1
            case UInt8(ascii: "."), UInt8(ascii: ":"):
                guard digits > 0, digits <= 9 else { throw NISTError(offset: cursor, "a field tag has an empty or over-long number") }
                numbers.append(current)
                current = 0
                digits = 0
                if byte == UInt8(ascii: ":") {
                    // Dotted subfield tags (e.g. 9.126.1) are not traditional encoding.
                    guard numbers.count == 2 else { throw NISTError(offset: start, "a field tag is not of the form T.NNN:") }
                    return ((numbers[0], numbers[1]), cursor + 1)
                }
            case UInt8(ascii: " ") where digits == 0 && numbers.isEmpty:
                break  // leading spaces, seen in some files
            default:
                throw NISTError(offset: cursor, "a field tag is not of the form T.NNN:")
            }
            cursor += 1
        }
        throw NISTError(offset: start, cursor >= end ? "the record ends inside a field tag" : "a field tag is not of the form T.NNN:")
    }

    private static func subfields(_ value: ArraySlice<UInt8>) -> [[String]] {
        value.split(separator: NISTTransaction.recordSeparator, omittingEmptySubsequences: false).map { subfield in
            subfield.split(separator: NISTTransaction.unitSeparator, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        }
    }

    /// A binary record at the cursor: its length, its fixed header, its data.
    mutating func binaryRecord(_ type: Int) throws(NISTError) -> NISTRecord {
        let start = position
        let header = NISTBinaryHeader.size(of: type)
        guard bytes.count - start >= 5 else { throw NISTError(offset: start, "the file ends inside the Type-\(type) record's length") }
        let length = Int(bytes[start]) << 24 | Int(bytes[start + 1]) << 16 | Int(bytes[start + 2]) << 8 | Int(bytes[start + 3])
        guard length >= header, length <= bytes.count - start else {
            throw NISTError(offset: start, "the Type-\(type) record's length (\(length)) is shorter than its header or past the end of the file")
        }
        let fields = NISTBinaryHeader.fields(of: type, bytes[start..<(start + header)])
        position = start + length
        return NISTRecord(type: type, offset: start, length: length, fields: fields, data: Array(bytes[(start + header)..<(start + length)]))
    }
}
