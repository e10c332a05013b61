// libFuzzer harness for the ANSI/NIST-ITL transaction reader: any input is
// parsed; a transaction that reads must describe only bytes it was given
// (every record inside the file, in order, each image summary consistent
// with its data; Type-9 minutiae that convert write an ISO/IEC 19794-2
// record that reads back the same), or the harness traps. Compiled together
// with Sources/VigilInterchange and Sources/VigilTemplates by scripts/fuzz.sh.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTransaction(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let transaction = try? NISTTransaction.parse(bytes) else { return 0 }
    var end = 0
    for record in transaction.records {
        guard record.offset == end, record.length > 0, record.offset + record.length <= bytes.count else {
            fatalError("record of Type-\(record.type) at \(record.offset) is outside the file or out of order")
        }
        end = record.offset + record.length
        if let image = record.image(nativeResolution: transaction.nativeScanningResolution), image.bytes != record.data?.count {
            fatalError("image summary disagrees with its data")
        }
        if let template = try? NISTMinutiae.template(of: record, in: transaction) {
            guard let written = try? TemplateCodec.write(template, as: .iso19794p2v2005),
                  let back = try? TemplateCodec.parse(written), back.template == template else {
                fatalError("converted minutiae do not make an ISO/IEC 19794-2 record that reads back")
            }
        }
    }
    return 0
}
