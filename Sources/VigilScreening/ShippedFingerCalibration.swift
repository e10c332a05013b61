import Foundation
import VigilMatching
import VigilMetrics

/// The finger calibration Vigil ships: the false-match rates of the scale
/// every finger score is put on (`PairCountNormalisation`), read from the
/// impostor quantiles fitted for it (`vigil calibrate fingers`, FVC2000
/// DB1_B–DB4_B, 4,000,000 impostor pairs per n_P, generalised Pareto tails):
/// its floor at FMR 10% and its reference row at 1% … 0.001%.
///
/// Beyond the rarest fitted rate the tail is taken as exponential (the last
/// decade's score step repeated per decade), as the normalisation itself
/// assumes there. Identification over a million fingers needs FMR 1e-8 per
/// comparison, three decades past any measurement; a Gaussian through the
/// FMR 1% and 0.1% points, used before, fell off far faster than impostor
/// scores do: at 100,000 fingers its threshold for FPIR 1% let 4.2% of
/// searches show a stranger (`vigil bench fingers --indexed`,
/// docs/fingerprints.md).
enum ShippedFingerCalibration {
    static let population = "FVC2000 windows against whole prints (normalised scale)"

    static let pooled = table(PairCountNormalisation.shipped, population: population)

    /// The rates of the scale any normalisation defines (the shipped one, or
    /// a deployment's: `FingerCalibrationFile`), from 10% down to 1e-12 (the
    /// evidence cap) in 1-2-5 steps.
    static func table(_ normalisation: PairCountNormalisation, population: String) -> PooledCalibration {
        let known = [(PairCountNormalisation.floorRate, Double(normalisation.floor))]
            + zip(PairCountNormalisation.rates, normalisation.quantiles[normalisation.quantiles.count - 1].map(Double.init))
        let decades = known.map { -log10($0.0) }
        return PooledCalibration(points: PooledCalibration.rates(downTo: 12).map { rate in
            let decade = -log10(rate)
            // The segment holding this rate; past the last, the last segment runs on.
            let k = min(known.count - 2, max(0, decades.lastIndex { $0 <= decade } ?? 0))
            let t = (decade - decades[k]) / (decades[k + 1] - decades[k])
            return .init(rate: rate, score: known[k].1 + t * (known[k + 1].1 - known[k].1), population: population)
        })
    }
}
