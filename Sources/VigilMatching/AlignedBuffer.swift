/// A 64-byte-aligned, zero-filled byte buffer that is written only while
/// its owner is being built and read-only afterwards. `@unchecked Sendable`
/// because that discipline, not the type system, makes sharing safe: every
/// writer in this module finishes before the owning segment is published.
final class AlignedBuffer: @unchecked Sendable {
    static let alignment = 64
    let count: Int
    let raw: UnsafeMutableRawPointer

    init(count: Int) {
        self.count = count
        raw = UnsafeMutableRawPointer.allocate(byteCount: max(count, 1), alignment: Self.alignment)
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: max(count, 1))
    }

    deinit { raw.deallocate() }
}
