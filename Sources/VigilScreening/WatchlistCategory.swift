import VigilStorage

public typealias WatchlistCategory = VigilStorage.WatchlistCategory
public typealias EntryDetails = VigilStorage.EntryDetails
public typealias IdentityDocument = VigilStorage.IdentityDocument
public typealias EntryQuery = VigilStorage.EntryQuery
public typealias TemplateReference = VigilStorage.TemplateReference
public typealias WatchlistEvent = VigilStorage.WatchlistEvent
public typealias KeyRing = VigilStorage.KeyRing
public typealias Hex = VigilStorage.Hex
public typealias AuditActor = VigilStorage.AuditActor
public typealias AuditRecord = VigilStorage.AuditRecord
public typealias AuditVerification = VigilStorage.AuditVerification

extension WatchlistCategory {
    /// The categories a new database starts with, modelled on border
    /// watchlists. Administrators may change them (`vigil watchlist
    /// categories set`); the database then keeps their settings.
    /// Each sets a target FPIR per search (docs/faces.md): 1% for most (at
    /// most one traveller in a hundred not on the list is shown a candidate
    /// of the category), where a missed person costs more than an officer's
    /// review; 0.1% for discreet checks, where a false hit exposes an
    /// innocent traveller to covert recording. Arrest needs two officers.
    /// The raw thresholds apply only if an administrator removes the target.
    public static func defaults(threshold: Float = ServiceConfiguration.defaultMatchThreshold) -> [WatchlistCategory] {
        let strict = ServiceConfiguration.strictMatchThreshold
        return withTargets([
            WatchlistCategory(name: "wanted_trafficking", description: "Suspected trafficker sought for arrest", protective: false,
                              matchThreshold: threshold, confirmations: 2,
                              action: "Possible match with a person sought for trafficking. Verify identity; if two officers confirm, follow the arrest procedure."),
            WatchlistCategory(name: "wanted_other", description: "Person sought for another offence", protective: false,
                              matchThreshold: threshold, confirmations: 2,
                              action: "Possible match with a wanted person. Verify identity; if two officers confirm, follow the procedure in the alert."),
            WatchlistCategory(name: "refuse_entry", description: "Person subject to refusal of entry", protective: false,
                              matchThreshold: threshold, confirmations: 1,
                              action: "Possible match with a person subject to refusal of entry. Verify identity before any decision."),
            WatchlistCategory(name: "missing_person", description: "Missing person (protective)", protective: true,
                              matchThreshold: threshold, confirmations: 1,
                              action: "Possible match with a missing person. Protect the person: refer to the protection desk; do not detain."),
            WatchlistCategory(name: "potential_victim", description: "Person at concrete risk of being trafficked (protective)", protective: true,
                              matchThreshold: threshold, confirmations: 1,
                              action: "Possible match with a person at risk of trafficking. Protect the person: refer to the protection desk, separate from companions if safe; do not detain."),
            WatchlistCategory(name: "discreet_check", description: "Discreet check: record the encounter without alerting the traveller", protective: false,
                              matchThreshold: max(threshold, strict), confirmations: 1,
                              action: "Possible match with a discreet-check alert. Do not alert the traveller; record the encounter and inform the issuing authority."),
        ])
    }

    private static func withTargets(_ categories: [WatchlistCategory]) -> [WatchlistCategory] {
        categories.map { category in
            var targeted = category
            targeted.targetFpir = category.name == "discreet_check" ? 0.001 : 0.01
            return targeted
        }
    }
}
