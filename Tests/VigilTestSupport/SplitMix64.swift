import VigilMetrics

/// Deterministic pseudo-random numbers (SplitMix64) so a failing test
/// reproduces from its seed.
public typealias SplitMix64 = SeededGenerator
