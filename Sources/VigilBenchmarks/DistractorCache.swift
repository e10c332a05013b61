import Foundation
import VigilMatching

/// Distractor templates kept on disk between runs of `vigil bench fingers
/// --indexed`: drawing and extracting a million of them takes twenty
/// minutes of two cores, reading them back seconds, and a change to the
/// search does not change them. A file is named by everything its
/// templates follow from (how many, how many transformed, the seed, the
/// base prints, the cylinder parameters), so a run with other inputs never
/// reads another's; a file that does not read back whole is rebuilt.
///
/// Layout: a header line, then each template as its length (UInt32,
/// little-endian) and `CylinderTemplate.serialized`, in distractor order.
struct DistractorCache {
    let directory: URL

    /// The file for these inputs: FNV-1a over them, in hex.
    func file(count: Int, real: Int, seed: UInt64, bases: [[FingerMinutia]]) -> URL {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ value: UInt64) {
            withUnsafeBytes(of: value.littleEndian) { bytes in
                for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            }
        }
        let parameters = CylinderParameters()
        for value in [UInt64(count), UInt64(real), seed, UInt64(parameters.cells), UInt64(parameters.sections),
                      UInt64(parameters.radius.bitPattern), UInt64(parameters.sigmaS.bitPattern), UInt64(parameters.sigmaD.bitPattern),
                      UInt64(parameters.muPsi.bitPattern), UInt64(parameters.omega.bitPattern),
                      UInt64(parameters.minValidFraction.bitPattern), UInt64(parameters.minContributing)] { mix(value) }
        for print in bases {
            mix(UInt64(print.count))
            for m in print { for f in [m.x, m.y, m.direction] { mix(UInt64(f.bitPattern)) } }
        }
        return directory.appendingPathComponent("distractors-\(count)-" + String(hash, radix: 16) + ".bin")
    }

    static let header = Data("vigil distractor templates 1\n".utf8)
    /// Longer than any serialized template: 65,535 cylinders (its count is
    /// 16 bits) of a few hundred bytes each.
    static let largestTemplate = 1 << 24

    /// The templates stored at `url`, or nil when there is no such file or
    /// it does not read back as `count` whole templates.
    func read(_ url: URL, count: Int) -> [CylinderTemplate]? {
        guard let handle = try? FileHandle(forReadingFrom: url) else { return nil }
        defer { try? handle.close() }
        var buffer = Data(), offset = 0
        // Reads in blocks: the file is as large as the templates it holds.
        func take(_ length: Int) -> Data? {
            while buffer.count - offset < length {
                guard let block = try? handle.read(upToCount: 64 << 20), !block.isEmpty else { return nil }
                buffer = buffer.subdata(in: offset..<buffer.count) + block
                offset = 0
            }
            defer { offset += length }
            return buffer.subdata(in: offset..<offset + length)
        }
        guard take(Self.header.count) == Self.header else { return nil }
        var templates: [CylinderTemplate] = []
        templates.reserveCapacity(count)
        for _ in 0..<count {
            // A damaged length must not have the whole file read in for one template.
            guard let length = take(4).map({ $0.withUnsafeBytes { Int(UInt32(littleEndian: $0.loadUnaligned(as: UInt32.self))) } }),
                  length <= Self.largestTemplate, let bytes = take(length), let template = CylinderTemplate(serialized: [UInt8](bytes)) else { return nil }
            templates.append(template)
        }
        return take(1) == nil ? templates : nil
    }

    /// Stores `templates` at `url` (through a temporary file, so a run
    /// stopped half-way leaves no file that reads back short).
    func write(_ templates: [CylinderTemplate], to url: URL) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let partial = url.appendingPathExtension("partial")
        FileManager.default.createFile(atPath: partial.path, contents: nil)
        let handle = try FileHandle(forWritingTo: partial)
        var block = Self.header
        for template in templates {
            let bytes = template.serialized
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { block.append(contentsOf: $0) }
            block.append(contentsOf: bytes)
            if block.count >= 64 << 20 {
                try handle.write(contentsOf: block)
                block.removeAll(keepingCapacity: true)
            }
        }
        try handle.write(contentsOf: block)
        try handle.close()
        _ = try? FileManager.default.removeItem(at: url)
        try FileManager.default.moveItem(at: partial, to: url)
    }
}
