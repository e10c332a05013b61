// libFuzzer harness for the ISO/IEC 19794-2 and ANSI INCITS 378 parsers:
// any input is parsed; what parses must write and re-parse to the same
// model (the round trip the tests promise), or the harness traps.
// Compiled together with Sources/VigilTemplates by scripts/fuzz.sh.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTemplate(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let (format, template) = try? TemplateCodec.parse(bytes) else { return 0 }
    guard let written = try? TemplateCodec.write(template, as: format) else { return 0 }
    guard let again = try? TemplateCodec.parse(written), again.template == template else {
        fatalError("round trip changed a \(format) template")
    }
    return 0
}
