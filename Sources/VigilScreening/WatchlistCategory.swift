/// Why a person is on the watchlist. Protective categories exist to help the
/// person found (missing persons, likely trafficking victims): a hit on them
/// must lead to protection, never to treating them as a suspect.
public enum WatchlistCategory: String, Sendable, Codable, CaseIterable {
    case wantedTrafficking = "wanted_trafficking"
    case wantedOther = "wanted_other"
    case refuseEntry = "refuse_entry"
    case missingPerson = "missing_person"
    case potentialVictim = "potential_victim"
    case discreetCheck = "discreet_check"

    public var isProtective: Bool { self == .missingPerson || self == .potentialVictim }

    /// What the officer is asked to do once a human has confirmed the match.
    public var action: String {
        switch self {
        case .wantedTrafficking: return "Possible match with a person sought for trafficking. Verify identity; if confirmed, follow the arrest procedure."
        case .wantedOther: return "Possible match with a wanted person. Verify identity; if confirmed, follow the procedure in the alert."
        case .refuseEntry: return "Possible match with a person subject to refusal of entry. Verify identity before any decision."
        case .missingPerson: return "Possible match with a missing person. Protect the person: refer to the protection desk; do not detain."
        case .potentialVictim: return "Possible match with a person at risk of trafficking. Protect the person: refer to the protection desk, separate from companions if safe; do not detain."
        case .discreetCheck: return "Possible match with a discreet-check alert. Do not alert the traveller; record the encounter and inform the issuing authority."
        }
    }
}
