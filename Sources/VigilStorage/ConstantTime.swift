/// Comparison of secrets (token hashes, CSRF secrets) that takes the same
/// time wherever they differ, so timing reveals nothing of the expected value.
public enum ConstantTime {
    /// Equal length and equal bytes.
    public static func equal(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
