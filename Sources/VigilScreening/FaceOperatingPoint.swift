import Foundation

/// A category's face operating point at the watchlist's current size: what
/// a screening applies and what an officer may expect of it.
public struct FaceOperatingPoint: Sendable, Codable, Equatable {
    public let category: String
    /// The per-comparison face threshold in force.
    public let threshold: Float
    public let targetFpir: Double?
    /// The share of travellers not on the watchlist expected to be shown a
    /// candidate of this category per search, from the calibration.
    public let expectedFpir: Double
    /// The highest false non-match rate any calibration population has at
    /// this threshold (the share of listed people face alone would miss).
    public let worstFnmr: Double?
    /// Set when face alone misses too many listed people at this FPIR.
    public let recommendation: String?

    /// Above this, face alone is not a useful search for the category: the
    /// issue's bound for open-set identification (FNIR 20% at FPIR 1%).
    public static let usefulFnmr = 0.2
}

extension MatchSettings {
    /// Every category's operating point, by name.
    func faceOperatingPoints() -> [FaceOperatingPoint] {
        categories.values.sorted { $0.name < $1.name }.map { category in
            let threshold = threshold(of: category)
            let fnmr = faceCalibration.measured?.worstFalseNonMatchRate(at: Double(threshold))
            let advice = fnmr.flatMap { miss in
                miss > FaceOperatingPoint.usefulFnmr
                    ? String(format: "face alone misses about %.0f%% of listed people at this FPIR with %d face templates; enrol fingerprints for this category",
                             miss * 100, faceTemplates ?? 0)
                    : nil
            }
            return FaceOperatingPoint(category: category.name, threshold: threshold, targetFpir: thresholdOverride == nil ? category.targetFpir : nil,
                                      expectedFpir: expectedFpir(at: threshold), worstFnmr: fnmr, recommendation: advice)
        }
    }
}

extension ScreeningService {
    /// The operating points screenings apply now.
    public func faceOperatingPoints() -> [FaceOperatingPoint] {
        settings(index.withLock { $0 }).faceOperatingPoints()
    }
}
