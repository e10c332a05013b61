extension PairCountNormalisation {
    /// Fitted on FVC2000 DB1_B–DB4_B, 1,000,000 impostor pairs per n_P (windows of each print against whole
    /// prints of the database's other fingers): `vigil calibrate fingers ../shared/data/fingerprints/FVC2000/DB{1,2,3,4}_B
    /// --pairs 1000000`. Rows n_P 4 to 12, columns `rates`.
    public static let shipped = PairCountNormalisation(firstPairs: 4, floor: 0.01808, quantiles: [
        [0.03346, 0.05055, 0.07343, 0.10407],
        [0.02774, 0.03860, 0.05348, 0.07386],
        [0.02564, 0.03510, 0.04670, 0.06094],
        [0.02433, 0.03263, 0.04318, 0.05657],
        [0.02327, 0.03049, 0.03853, 0.04751],
        [0.02252, 0.02974, 0.03781, 0.04682],
        [0.02232, 0.02890, 0.03554, 0.04225],
        [0.02170, 0.02780, 0.03426, 0.04108],
        [0.02190, 0.02626, 0.03117, 0.03668],
    ])!
}
