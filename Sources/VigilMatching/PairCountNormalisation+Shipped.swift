extension PairCountNormalisation {
    /// Fitted on FVC2000 DB1_B–DB4_B, 4,000,000 impostor pairs per n_P (windows of each print against whole
    /// prints of the database's other fingers): `vigil calibrate fingers ../shared/data/fingerprints/FVC2000/DB{1,2,3,4}_B
    /// --pairs 4000000`. Rows n_P 4 to 12, columns `rates`.
    public static let shipped = PairCountNormalisation(firstPairs: 4, floor: 0.01702, quantiles: [
        [0.03273, 0.04994, 0.07310, 0.09891],
        [0.02698, 0.03873, 0.05415, 0.07200],
        [0.02513, 0.03549, 0.05024, 0.06610],
        [0.02386, 0.03418, 0.04792, 0.06292],
        [0.02294, 0.03241, 0.04144, 0.04801],
        [0.02227, 0.03147, 0.04145, 0.05090],
        [0.02177, 0.03075, 0.04051, 0.04859],
        [0.02139, 0.02997, 0.03856, 0.04946],
        [0.02068, 0.02683, 0.03390, 0.04168],
    ])!
}
