extension PairCountNormalisation {
    /// Fitted on FVC2000 DB1_B–DB4_B, 4,000,000 impostor pairs per n_P (windows of each print against whole
    /// prints of the database's other fingers): `vigil calibrate fingers ../shared/data/fingerprints/FVC2000/DB{1,2,3,4}_B
    /// --pairs 4000000`. Rows n_P 4 to 12, columns `rates`.
    public static let shipped = PairCountNormalisation(firstPairs: 4, floor: 0.01702, quantiles: [
        [0.03273, 0.04977, 0.07363, 0.10703],
        [0.02698, 0.03888, 0.05478, 0.07602],
        [0.02513, 0.03572, 0.04977, 0.06841],
        [0.02386, 0.03408, 0.04871, 0.06964],
        [0.02294, 0.03198, 0.04204, 0.05325],
        [0.02227, 0.03104, 0.04299, 0.05927],
        [0.02177, 0.03036, 0.04186, 0.05726],
        [0.02139, 0.02967, 0.03916, 0.05003],
        [0.02068, 0.02647, 0.03490, 0.04721],
    ])!
}
