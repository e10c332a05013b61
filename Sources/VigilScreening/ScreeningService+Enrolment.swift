import Foundation
import VigilMatching
import VigilStorage
import VigilVision

/// Enrolment: samples become templates; the entry, its templates and its
/// event are written in one transaction and the index follows on commit.
extension ScreeningService {
    public func enroll(name: String, category: String, faces: [[UInt8]],
                       fingers: [FingerSample] = []) async throws(VigilError) -> EnrollmentResult {
        try await enroll(EntryDetails(name: name, category: category), faces: faces, fingers: fingers)
    }

    /// `subjects` picks, per face image, the face to enrol by a box around it
    /// (nil, or a shorter list: the largest face).
    public func enroll(_ submitted: EntryDetails, faces: [[UInt8]], fingers: [FingerSample] = [],
                       subjects: [FaceBox?] = []) async throws(VigilError) -> EnrollmentResult {
        try requireLocalWatchlist()
        let details = try EntryValidation.validated(submitted, categories: categoryNames, now: configuration.clock())
        guard !faces.isEmpty || !fingers.isEmpty else {
            throw VigilError(.missingField, "at least one face image or finger template is required")
        }
        let samples = try await templates(faces: faces, subjects: subjects, fingers: fingers)
        let enrolled: EnrolledEntry
        do {
            let new = NewEntry(details: details, faces: samples.faces, fingers: samples.fingers)
            enrolled = try await store.enroll([new], afterCommit: follow)[0]
            await followWrites()
        } catch {
            throw storageFailure(error, "enrolment")
        }
        ServiceMetrics.enrolled(1, via: "request")
        logger.info("entry enrolled", metadata: ["version": "\(enrolled.version)", "faces": "\(samples.faces.count)",
                                                 "fingers": "\(samples.fingers.count)"])
        return EnrollmentResult(id: enrolled.entry.id, version: enrolled.version, name: details.name, category: details.category,
                                faces: samples.reports, fingers: fingers.map(\.position))
    }

    /// Face images and finger samples as templates to store, all or nothing.
    func templates(faces: [[UInt8]], subjects: [FaceBox?] = [], fingers: [FingerSample],
                   priority: FaceAnalyzer.Priority = .interactive) async throws(VigilError)
        -> (faces: [NewFaceTemplate], fingers: [NewFingerTemplate], reports: [FaceReport]) {
        guard faces.count <= configuration.maxFacesPerEnrollment else {
            throw VigilError(.invalidField, "at most \(configuration.maxFacesPerEnrollment) face images per enrolment")
        }
        let keep = configuration.keepSourceImages
        let fingerTemplates = try FingerCapture.captureAll(fingers, limit: configuration.maxFingersPerSample).enumerated().map { n, f in
            NewFingerTemplate(position: f.position.code, record: f.record, cylinders: f.cylinders.serialized,
                              indexKeys: CylinderHashing.standard.serializedKeys(of: f.cylinders), sourceImage: keep ? fingers[n].bytes : nil)
        }
        let analyses = try await pipeline.analyzeAll(faces, field: "face", subjects: subjects, priority: priority)
        var templates: [NewFaceTemplate] = []
        for (number, analysis) in analyses.enumerated() {
            let vector = try pipeline.enrolmentVector(analysis, field: "face[\(number)]")
            let box = number < subjects.count ? subjects[number] : nil
            templates.append(NewFaceTemplate(vector: vector, quantized: QuantizedVector(vector).serialized, model: pipeline.model,
                                             sourceImage: keep || configuration.keepFaceReferencePhotos ? faces[number] : nil,
                                             subjectBox: box.map { [$0.x, $0.y, $0.width, $0.height] }))
        }
        return (templates, fingerTemplates, analyses.map { FaceReport($0, policy: pipeline.policy) })
    }


    var categoryNames: Set<String> { index.withLock { Set($0.categories.keys) } }

    /// Storage errors that describe the request become client errors; the
    /// rest are logged for the operator and reported as internal.
    func storageFailure(_ error: StorageError, _ operation: String) -> VigilError {
        switch error {
        case .entryNotFound(let id): return VigilError(.notFound, "no watchlist entry \(id.uuidString)")
        case .sampleNotFound(let sample): return VigilError(.notFound, "the entry has no sample '\(sample.prefix(40))'")
        case .unknownCategory(let name): return VigilError(.unknownCategory, "category '\(name.prefix(64))' does not exist")
        case .duplicateReference(let ref, let existing):
            return VigilError(.duplicateEntry, "external reference '\(ref.prefix(64))' is already used by entry \(existing.uuidString)")
        case .alreadyConfirmed(let officer):
            return VigilError(.alreadyAdjudicated, "officer '\(officer.prefix(64))' has already confirmed this candidate: a second confirmation must come from another officer")
        case .upstreamOutOfSequence(let expected, let got):
            return VigilError(.syncOutOfSequence, "the page starts at version \(got) but this post is at \(expected)")
        case .postChainMoved:
            return VigilError(.syncOutOfSequence, "another upload of this post's records was stored meanwhile: ask for the head again")
        case .unavailable:
            logger.warning("\(operation) failed: the database is unavailable", metadata: ["reason": "\(error)"])
            return VigilError(error)
        case .cannotOpen, .database, .corruptTemplate, .keyUnusable:
            logger.error("\(operation) failed", metadata: ["reason": "\(error)"])
            return VigilError(error)
        }
    }
}
