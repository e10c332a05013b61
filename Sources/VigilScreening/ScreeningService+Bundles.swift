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
        let bundle: WatchlistBundle
        do {
            let contents = try await store.loadWatchlist()
            // Entries first (in chunks a statement can bind), then the Float32 originals of the shared ones only.
            let keys = Array(Set(contents.faceTemplates.map(\.entryKey)).union(contents.fingerTemplates.map(\.entryKey))).sorted()
            var entries: [Int64: StoredEntry] = [:]
            for start in stride(from: 0, to: keys.count, by: 500) {
                entries.merge(try await store.entries(keys: Array(keys[start..<min(keys.count, start + 500)]))) { kept, _ in kept }
            }
            let shared = entries.values.filter { $0.category == category && $0.updatedVersion > since }.sorted { $0.key < $1.key }
            let sharedKeys = Set(shared.map(\.key))
            let faces = Dictionary(grouping: contents.faceTemplates.filter { sharedKeys.contains($0.entryKey) }, by: \.entryKey)
            let fingers = Dictionary(grouping: contents.fingerTemplates.filter { sharedKeys.contains($0.entryKey) }, by: \.entryKey)
            let details = try await store.candidateDetails(templateIDs: faces.values.flatMap { $0.map(\.id) })
            let removed = try await store.events(from: since + 1, limit: Int.max, entry: nil)
                .filter { $0.version <= contents.version && ($0.action == .remove || $0.action == .expire) }
                .compactMap { UUID(uuidString: $0.subject) }
            bundle = WatchlistBundle(
                agency: agency, category: category, since: since, version: contents.version, generatedAt: configuration.clock(),
                entries: shared.map { entry in
                    WatchlistBundle.Entry(
                        sourceId: entry.id, details: entry.details,
                        faces: (faces[entry.key] ?? []).compactMap { template in
                            details.vectors[template.id].map {
                                WatchlistBundle.Face(vector: VectorBlob.encode($0).base64EncodedString(), model: template.model)
                            }
                        },
                        fingers: (fingers[entry.key] ?? []).map {
                            WatchlistBundle.Finger(position: $0.position, record: Data($0.record).base64EncodedString(),
                                                   cylinders: Data($0.cylinders ?? []).base64EncodedString())
                        })
                },
                removed: removed)
        } catch {
            throw storageFailure(error, "bundle export")
        }
        let payload: [UInt8]
        do { payload = [UInt8](try VigilJSON.encoder().encode(bundle)) } catch { throw VigilError(.internalError, "the bundle could not be encoded") }
        let signature: [UInt8]
        do { signature = try keys.sign(BundleEnvelope.message(payload)) } catch { throw VigilError(error) }
        let envelope = BundleEnvelope(format: BundleEnvelope.format, signer: Hex.encode(keys.publicKey),
                                      payload: Data(payload).base64EncodedString(), signature: Data(signature).base64EncodedString())
        do { return try VigilJSON.encoder(pretty: true).encode(envelope) } catch { throw VigilError(.internalError, "the bundle could not be encoded") }
    }

    /// Verifies `file` against the trusted agencies' keys (hex Ed25519 public
    /// keys, as `vigil audit public-key` prints them) and applies it: new
    /// entries in one transaction, then the source's removals.
    public func importBundle(_ file: Data, trusting trusted: [[UInt8]]) async throws(VigilError) -> BundleImportReport {
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
        guard let envelope = try? VigilJSON.decoder().decode(BundleEnvelope.self, from: file), envelope.format == BundleEnvelope.format,
              let payload = Data(base64Encoded: envelope.payload), let signature = Data(base64Encoded: envelope.signature) else {
            throw VigilError(.invalidField, "not a Vigil watchlist bundle (\(BundleEnvelope.format))")
        }
        let message = BundleEnvelope.message([UInt8](payload))
        guard trusted.contains(where: { KeyRing.verify([UInt8](signature), of: message, publicKey: $0) }) else {
            throw VigilError(.forbidden, "the bundle's signature does not verify with a trusted agency key: it was altered, or its signer is not trusted")
        }
        do { return try VigilJSON.decoder().decode(WatchlistBundle.self, from: payload) } catch {
            throw VigilError(.invalidField, "the signed bundle does not hold a watchlist bundle")
        }
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
            return NewFingerTemplate(position: finger.position, record: [UInt8](record), cylinders: [UInt8](cylinders))
        }
        guard !faces.isEmpty || !fingers.isEmpty else {
            throw VigilError(.invalidTemplate, "no template this deployment can search (its recognizer is \(pipeline.model))")
        }
        return NewEntry(details: details, faces: faces, fingers: fingers)
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
