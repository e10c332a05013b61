/// Recorded with every screening (`MatchSettings`) so a replay scores with
/// the normalisation that was in force. Decoding checks what the memberwise
/// initialiser checks: a record or file that does not describe a valid
/// normalisation is refused, never half-applied.
extension PairCountNormalisation: Codable {
    private enum CodingKeys: String, CodingKey { case firstPairs, floor, quantiles }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        guard let valid = PairCountNormalisation(firstPairs: try container.decode(Int.self, forKey: .firstPairs),
                                                 floor: try container.decode(Float.self, forKey: .floor),
                                                 quantiles: try container.decode([[Float]].self, forKey: .quantiles)) else {
            throw DecodingError.dataCorruptedError(forKey: .quantiles, in: container,
                                                   debugDescription: "each n_P needs one finite score per rate, above the floor and rising")
        }
        self = valid
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(firstPairs, forKey: .firstPairs)
        try container.encode(floor, forKey: .floor)
        try container.encode(quantiles, forKey: .quantiles)
    }
}
