/// A growable buffer of plain values for one thread's matching scratch:
/// raw memory, so hot loops read it through a pointer instead of nested
/// `withUnsafe…` closures (which kept the compiler from specialising them).
/// Contents are undefined after growing; users write before they read.
final class ScratchBuffer<Element: BitwiseCopyable> {
    private(set) var pointer: UnsafeMutablePointer<Element>
    private(set) var capacity: Int

    init(capacity: Int = 16) {
        self.capacity = max(1, capacity)
        pointer = .allocate(capacity: self.capacity)
    }

    /// Room for at least `count` elements.
    @inline(__always)
    func reserve(_ count: Int) {
        guard count > capacity else { return }
        pointer.deallocate()
        capacity = max(count, 2 * capacity)
        pointer = .allocate(capacity: capacity)
    }

    deinit { pointer.deallocate() }
}
