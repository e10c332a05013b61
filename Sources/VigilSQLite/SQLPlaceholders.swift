extension SQLiteStore {
    /// Slices of at most 500 values: what one statement binds comfortably.
    static func chunks<T>(_ values: [T]) -> [[T]] {
        stride(from: 0, to: values.count, by: 500).map { Array(values[$0..<min(values.count, $0 + 500)]) }
    }

    /// `?,?,…` for an `IN (…)` list of `count` values.
    static func placeholders(_ count: Int) -> String { Array(repeating: "?", count: count).joined(separator: ",") }
}
