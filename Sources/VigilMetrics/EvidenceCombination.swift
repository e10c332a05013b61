import Foundation

/// Combines the evidence (−log10 of the estimated false-match rate p) of
/// independent modalities by Fisher's method: for an impostor, −2 Σ ln p
/// over k modalities follows χ² with 2k degrees of freedom, so the chance
/// that an impostor's product of rates is at most T = Π p is
/// T · Σ_{j<k} (−ln T)^j / j!, and the combined evidence is −log10 of that.
/// One modality keeps its own evidence. Adding the evidences instead (T
/// alone) overstates it: two modalities each matching an impostor weakly,
/// at 10% apiece, would add up to the evidence of a 1% match, and at that
/// threshold about 5.6% of two-modality impostors would pass.
public enum EvidenceCombination {
    public static func fisher(_ evidences: [Double]) -> Double {
        let total = evidences.reduce(0, +)
        guard evidences.count > 1 else { return total }
        let x = total * log(10.0)   // −ln T
        var term = 1.0, sum = 1.0
        for j in 1..<evidences.count {
            term *= x / Double(j)
            sum += term
        }
        return max(0, total - log10(sum))
    }
}
