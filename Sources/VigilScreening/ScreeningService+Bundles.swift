import Foundation
import VigilMatching
import VigilStorage

/// Sharing between agencies: a category's entries out as a signed bundle,
/// and a trusted agency's bundle in. An imported entry keeps its source
/// agency and id as its reference (`AGENCY:ID`), which makes a second import
/// of the same bundle change nothing and lets the source's removals remove it.
extension ScreeningService {
    /// The entries of `category` added or changed after `since`, and every
    /// removal after it, signed with this deployment's audit key.
    public func exportBundle(category: String, since: Int64 = 0, agency: String) async throws(VigilError) -> Data {
        guard categoryNames.contains(category) else { throw VigilError(.unknownCategory, "no category '\(category.prefix(40))'") }
        let agency = try Self.agencyName(agency)
        let feed: FeedPage
        // One snapshot, as headquarters reads it for its posts: every entry touched and every removal after `since`.
        do { feed = try await store.feedPage(after: since, limit: .max) } catch { throw storageFailure(error, "bundle export") }
        // The feed also re-sends a changed category's entries; a bundle holds the entries changed after `since` only,
        // and only those with a template to share.
        let shared = feed.entries.filter {
            $0.entry.category == category && $0.entry.updatedVersion > since && !($0.faces.isEmpty && $0.fingers.isEmpty)
        }
        let bundle = WatchlistBundle(agency: agency, category: category, since: since, version: feed.head, generatedAt: configuration.clock(),
                                     entries: shared.map(WatchlistBundle.Entry.init(feed:)), removed: feed.removed)
        return try SignedEnvelope.seal(bundle, format: WatchlistBundle.format, keys: keys, pretty: true)
    }

    /// Verifies `file` against the trusted agencies' keys (hex Ed25519 public
    /// keys, as `vigil audit public-key` prints them) and applies it: new
    /// entries in one transaction, then the source's removals.
    public func importBundle(_ file: Data, trusting trusted: [[UInt8]]) async throws(VigilError) -> BundleImportReport {
        try requireLocalWatchlist()
        let bundle = try Self.verifiedBundle(file, trusting: trusted)
        guard categoryNames.contains(bundle.category) else {
            throw VigilError(.unknownCategory, "the bundle's category '\(bundle.category.prefix(40))' does not exist here")
        }
        let agency = try Self.agencyName(bundle.agency)
        var report = BundleImportReport(agency: agency)
        let references = bundle.entries.map { WatchlistBundle.reference(agency: agency, sourceId: $0.sourceId) }
            + bundle.removed.map { WatchlistBundle.reference(agency: agency, sourceId: $0) }
        do {
            let present = try await store.entryIDs(externalRefs: references)
            var fresh: [NewEntry] = []
            for entry in bundle.entries {
                let reference = WatchlistBundle.reference(agency: agency, sourceId: entry.sourceId)
                guard present[reference] == nil else { report.alreadyPresent += 1; continue }
                do {
                    fresh.append(try newEntry(entry, reference: reference, category: bundle.category, agency: agency))
                } catch {
                    report.rejected[entry.sourceId.uuidString] = error.message
                }
            }
            if !fresh.isEmpty {
                let enrolled = try await store.enroll(fresh, afterCommit: follow)
                await followWrites()
                report.imported = enrolled.count
                report.version = enrolled.map(\.version).max() ?? 0
            }
            for source in bundle.removed {
                guard let id = present[WatchlistBundle.reference(agency: agency, sourceId: source)] else { continue }
                report.version = try await store.remove(id: id, afterCommit: follow)
                await followWrites()
                report.removed += 1
            }
        } catch {
            throw storageFailure(error, "bundle import")
        }
        ServiceMetrics.enrolled(report.imported, via: "bundle")
        logger.info("bundle imported", metadata: ["imported": "\(report.imported)", "present": "\(report.alreadyPresent)",
                                                  "removed": "\(report.removed)", "rejected": "\(report.rejected.count)"])
        return report
    }

    /// The bundle inside `file` when its signature verifies with one of `trusted`.
    static func verifiedBundle(_ file: Data, trusting trusted: [[UInt8]]) throws(VigilError) -> WatchlistBundle {
        try SignedEnvelope.open(file, as: WatchlistBundle.self, format: WatchlistBundle.format, trusting: trusted,
                                untrusted: "the bundle's signature does not verify with a trusted agency key: it was altered, or its signer is not trusted")
    }

    /// An entry to store from a bundled one: checked like any enrolment, with
    /// only the templates this deployment can search.
    private func newEntry(_ entry: WatchlistBundle.Entry, reference: String, category: String,
                          agency: String) throws(VigilError) -> NewEntry {
        var details = entry.details
        details.category = category
        details.externalRef = reference
        if details.issuingAuthority?.isEmpty ?? true { details.issuingAuthority = agency }
        details = try EntryValidation.validated(details, categories: categoryNames, now: configuration.clock())
        let templates = try searchableTemplates(entry)
        return NewEntry(details: details, faces: templates.faces, fingers: templates.fingers)
    }

    /// A shared entry's templates as this deployment stores them: faces of
    /// its own recognizer only (others cannot be compared), every finger;
    /// each checked, and (unless `requireOne` is false) at least one left.
    func searchableTemplates(_ entry: WatchlistBundle.Entry, requireOne: Bool = true) throws(VigilError) -> (faces: [NewFaceTemplate], fingers: [NewFingerTemplate]) {
        let faces = try entry.faces.filter { $0.model == pipeline.model }.map { face throws(VigilError) in
            guard let bytes = Data(base64Encoded: face.vector), let raw = VectorBlob.decode(bytes),
                  let vector = try? UnitVector.normalized(raw, dimension: pipeline.dimension) else {
                throw VigilError(.invalidTemplate, "a face template is not a \(pipeline.dimension)-dimension vector")
            }
            return NewFaceTemplate(vector: vector, quantized: QuantizedVector(vector).serialized, model: pipeline.model)
        }
        let fingers = try entry.fingers.map { finger throws(VigilError) in
            guard let record = Data(base64Encoded: finger.record), let cylinders = Data(base64Encoded: finger.cylinders),
                  FingerPosition(code: finger.position) != nil, (try? FingerTemplates.minutiae(from: [UInt8](record))) != nil else {
                throw VigilError(.invalidTemplate, "a finger template is not a valid ISO/IEC 19794-2 record")
            }
            // Index keys are never taken from another deployment: they are this
            // one's hashing of the cylinders (none when they do not decode, as
            // start-up then rebuilds the cylinders from the record).
            let keys = CylinderTemplate(serialized: [UInt8](cylinders)).map { CylinderHashing.standard.serializedKeys(of: $0) }
            return NewFingerTemplate(position: finger.position, record: [UInt8](record), cylinders: [UInt8](cylinders), indexKeys: keys)
        }
        guard !requireOne || !faces.isEmpty || !fingers.isEmpty else {
            throw VigilError(.invalidTemplate, "no template this deployment can search (its recognizer is \(pipeline.model))")
        }
        return (faces, fingers)
    }

    private static func agencyName(_ raw: String) throws(VigilError) -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 64, !name.contains(":"),
              !name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
            throw VigilError(.invalidField, "an agency name holds 1 to 64 characters, without ':'")
        }
        return name
    }
}
