import Foundation
import VigilVision

/// Settings of one Vigil instance, shared by the daemon and the CLI.
public struct ServiceConfiguration: Sendable {
    public var modelsDirectory = "Models"
    public var databasePath = "var/vigil.sqlite"
    /// Minimum cosine similarity for a candidate.
    public var matchThreshold: Float = ServiceConfiguration.defaultMatchThreshold
    public var maxCandidates = 10
    public var maxFacesPerEnrollment = 10
    public var faceLimits = FaceAnalyzer.Limits()
    public var quality = FaceQualityPolicy()
    public var engines = ProcessInfo.processInfo.activeProcessorCount
    /// Threads of the 1:N scan (one query uses all of them).
    public var scanThreads = ProcessInfo.processInfo.activeProcessorCount

    /// The operating point at a false-match rate of 1% per comparison,
    /// measured by `vigil eval faces lfw10 johns` (155 photos, 11,210
    /// impostor pairs; threshold 0.8979, TAR 99.86%). Every candidate goes to
    /// an officer, so a missed person costs more than a review; deployments
    /// with large watchlists should raise it (see README, "Accuracy").
    public static let defaultMatchThreshold: Float = 0.898

    public init() {}
}
