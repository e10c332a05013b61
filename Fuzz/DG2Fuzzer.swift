// libFuzzer harness for the ePassport data group 2 reader (BER-TLV, the
// biometric templates, ISO/IEC 19794-5 records of 2005 and 2011): any input
// is parsed; the face images of one that reads must lie inside it and, written
// again, read back the same, or the harness traps. Compiled together with
// Sources/VigilInterchange and Sources/VigilTemplates by scripts/fuzz.sh.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzDataGroup2(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let faces = try? DG2.faces(bytes) else { return 0 }
    guard faces.allSatisfy({ $0.bytes.count < size && $0.width <= 0xFFFF && $0.height <= 0xFFFF }) else {
        fatalError("a face image larger than the data group it came from")
    }
    for version in ["2005", "2011"] {
        guard let again = try? DG2.faces(DG2.encode(faces, version: version)),
              again.map(\.bytes) == faces.map(\.bytes), again.map(\.width) == faces.map(\.width) else {
            fatalError("data group 2 written as a \(version) record does not read back")
        }
    }
    return 0
}
