/// An ANSI/NIST-ITL 1-2011 (Update 2015) transaction in the traditional
/// encoding, as read: the Type-1 record, then every record its content
/// list (field 1.003) names, in order, each with the byte offset it starts at.
///
/// Tagged records (every type but 3 to 8) hold ASCII fields `T.NNN:value`
/// separated by GS and ended by FS; a value's subfields are separated by
/// RS and their items by US; field 999 holds binary data to the record's
/// end. Binary records (Types 3 to 8) start with a 4-byte big-endian length
/// and a fixed header. Pure Swift, no I/O: the parser of outside bytes is
/// fuzzed on its own (Fuzz/NISTFuzzer.swift).
public struct NISTTransaction: Sendable, Equatable {
    public var records: [NISTRecord]

    public init(records: [NISTRecord]) {
        self.records = records
    }

    /// The Type-1 record (the first).
    public var header: NISTRecord? { records.first { $0.type == 1 } }

    /// The standard's version (1.002), e.g. "0502".
    public var version: String? { header?.field(2)?.value }

    /// The native scanning resolution (1.011, pixels per millimetre), which
    /// binary fingerprint records with ISR 1 refer to.
    public var nativeScanningResolution: Double? { header?.field(11)?.value.flatMap(Double.init) }
}

/// One record: its type, its fields in order, and its binary data (field
/// 999 of a tagged record, the body after the header of a binary one).
public struct NISTRecord: Sendable, Equatable {
    public let type: Int
    /// Where the record starts in the file.
    public let offset: Int
    /// Its length in bytes (field 1, or the binary length).
    public let length: Int
    /// Tagged records: every field but 999, in file order. Binary records:
    /// the header's values as fields 1 (LEN), 2 (IDC), 3 (IMP), 4 (FGP),
    /// 5 (ISR), 6 (HLL), 7 (VLL), 8 (GCA) for Types 3 to 6, as numbered
    /// in the standard's tables.
    public var fields: [NISTField]
    public var data: [UInt8]?

    public init(type: Int, offset: Int = 0, length: Int = 0, fields: [NISTField], data: [UInt8]? = nil) {
        self.type = type
        self.offset = offset
        self.length = length
        self.fields = fields
        self.data = data
    }

    public func field(_ number: Int) -> NISTField? { fields.first { $0.number == number } }

    /// The information designation character (field 2).
    public var idc: Int? { field(2)?.value.flatMap { Int($0) } }

    /// Whether the standard defines this type in the binary encoding.
    public static func isBinary(_ type: Int) -> Bool { (3...8).contains(type) }
}

/// A field: its number and its subfields, each a list of items.
public struct NISTField: Sendable, Equatable {
    public let number: Int
    public var subfields: [[String]]

    public init(number: Int, subfields: [[String]]) {
        self.number = number
        self.subfields = subfields
    }

    public init(number: Int, value: String) {
        self.init(number: number, subfields: [[value]])
    }

    /// The first item of the first subfield (most fields hold one value).
    public var value: String? { subfields.first?.first }
}

/// Exchanged bytes refused (a transaction, an ePassport data group): where, and why.
public struct InterchangeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The byte offset where the problem was found.
    public let offset: Int
    public let reason: String

    public init(offset: Int, _ reason: String) {
        self.offset = offset
        self.reason = reason
    }

    public var description: String { "at byte \(offset): \(reason)" }
}

/// An ANSI/NIST-ITL transaction refused.
public typealias NISTError = InterchangeError
