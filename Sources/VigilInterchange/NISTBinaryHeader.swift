/// The fixed headers of the binary records (Types 3 to 8), as fields
/// numbered like the standard's tables, so every record reads the same way.
enum NISTBinaryHeader {
    /// Header bytes: Types 3 to 6, LEN(4) IDC IMP FGP(6) ISR HLL(2) VLL(2)
    /// GCA; Type-8 (signatures), LEN(4) IDC SIG SRT ISR HLL(2) VLL(2);
    /// Type-7 (user-defined), LEN(4) IDC.
    static func size(of type: Int) -> Int {
        switch type {
        case 7: return 5
        case 8: return 12
        default: return 18
        }
    }

    static func fields(of type: Int, _ header: ArraySlice<UInt8>) -> [NISTField] {
        let bytes = Array(header)
        let length = Int(bytes[0]) << 24 | Int(bytes[1]) << 16 | Int(bytes[2]) << 8 | Int(bytes[3])
        func number(_ n: Int, _ value: Int) -> NISTField { NISTField(number: n, value: String(value)) }
        func word(_ at: Int) -> Int { Int(bytes[at]) << 8 | Int(bytes[at + 1]) }
        var fields = [number(1, length), number(2, Int(bytes[4]))]
        switch type {
        case 7:
            break
        case 8:
            fields += [number(3, Int(bytes[5])), number(4, Int(bytes[6])), number(5, Int(bytes[7])), number(6, word(8)), number(7, word(10))]
        default:
            // Finger positions: six bytes, 255 where unused.
            let positions = bytes[6..<12].filter { $0 != 255 }.map { String($0) }
            fields += [number(3, Int(bytes[5])), NISTField(number: 4, subfields: [positions.isEmpty ? ["255"] : positions]),
                       number(5, Int(bytes[12])), number(6, word(13)), number(7, word(15)), number(8, Int(bytes[17]))]
        }
        return fields
    }
}
