import NIOCore

/// MultipartKit 4.7.1 looks up each byte of a part's header name in a
/// 128-entry table: a byte of 0x80 or more there indexes past its end and
/// kills the process (schemathesis found it with one request; a remote
/// denial of service). This guard refuses such bodies before the parser
/// sees them.
///
/// It checks a superset of what the parser reads as header names: after
/// every occurrence of the boundary delimiter (the parser only enters a
/// header section after one), each line up to the first empty line, from
/// its start to its first colon. Header values (a UTF-8 file name, say)
/// are left alone: the parser reads them safely.
enum MultipartGuard {
    static func headerNamesAreASCII(_ body: ByteBuffer, boundary: String) -> Bool {
        let delimiter = Array(("--" + boundary).utf8)
        return body.readableBytesView.withContiguousStorageIfAvailable { bytes in
            check(bytes, delimiter: delimiter)
        } ?? check(Array(body.readableBytesView), delimiter: delimiter)
    }

    private static func check<Bytes: RandomAccessCollection>(_ bytes: Bytes, delimiter: [UInt8]) -> Bool
        where Bytes.Element == UInt8, Bytes.Index == Int {
        let (cr, lf, colon) = (UInt8(ascii: "\r"), UInt8(ascii: "\n"), UInt8(ascii: ":"))
        let end = bytes.endIndex
        func lineEnd(from start: Int) -> Int {
            var i = start
            while i + 1 < end, !(bytes[i] == cr && bytes[i + 1] == lf) { i += 1 }
            return i + 1 < end ? i : end
        }
        var i = bytes.startIndex
        while i + delimiter.count <= end {
            guard bytes[i] == delimiter[0], bytes[(i + 1)...].starts(with: delimiter.dropFirst()) else {
                i += 1
                continue
            }
            // The rest of the delimiter's line, then header lines until an empty one.
            var line = lineEnd(from: i + delimiter.count) + 2
            while line < end, bytes[line] != cr {
                let stop = lineEnd(from: line)
                var j = line
                while j < stop, bytes[j] != colon {
                    if bytes[j] >= 0x80 { return false }
                    j += 1
                }
                line = stop + 2
            }
            i += delimiter.count
        }
        return true
    }
}
