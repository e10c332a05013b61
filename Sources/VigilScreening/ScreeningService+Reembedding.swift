import Foundation
import VigilMatching
import VigilStorage
import VigilVision

/// What `vigil watchlist reembed` did.
public struct ReembedReport: Sendable, Codable, Equatable {
    public struct Failure: Sendable, Codable, Equatable {
        public let entryId: UUID
        public let reason: String
    }

    public let model: String
    public let rebuilt: Int
    /// Entries with a template of another model and no reference photo: they need new photos.
    public let needReenrolment: [UUID]
    public let failed: [Failure]
}

extension ScreeningService {
    /// Rebuilds every face template of another recognizer from its sealed
    /// reference photo (the face picked at enrolment, by its box when one was
    /// given), one template per transaction (a `reembed` event), at bulk
    /// priority so screenings go first. Photos are analysed as many at a time
    /// as there are engines. Each rebuilt template is searchable at once;
    /// templates still of the old model are not searched.
    public func reembedFaces(progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }) async throws(VigilError) -> ReembedReport {
        try requireLocalWatchlist()
        let model = pipeline.model
        let stale: [OtherModelFace]
        do { stale = try await store.faceTemplates(notOfModel: model) } catch { throw storageFailure(error, "re-embedding") }
        var rebuilt = 0, failed: [ReembedReport.Failure] = []
        let withPhoto = stale.filter(\.hasPhoto)
        let batch = max(1, configuration.engines)
        for start in stride(from: 0, to: withPhoto.count, by: batch) {
            progress(start, withPhoto.count)
            let chunk = Array(withPhoto[start..<min(start + batch, withPhoto.count)])
            let outcomes = await withTaskGroup(of: (Int, Replacement).self) { group in
                for (number, template) in chunk.enumerated() {
                    group.addTask { [self] in (number, await replacement(for: template, model: model)) }
                }
                var results = [Replacement](repeating: .gone, count: chunk.count)
                for await (number, outcome) in group { results[number] = outcome }
                return results
            }
            for (template, outcome) in zip(chunk, outcomes) {
                switch outcome {
                case .gone:
                    continue
                case .refused(let error):
                    failed.append(.init(entryId: template.entryID, reason: "\(error.code.rawValue): \(error.message)"))
                case .storageFailed(let error):
                    throw storageFailure(error, "re-embedding")
                case .built(let new):
                    do {
                        if try await store.reembedFace(templateID: template.templateID, with: new, afterCommit: follow) != nil { rebuilt += 1 }
                        await followWrites()
                    } catch {
                        throw storageFailure(error, "re-embedding")
                    }
                }
            }
        }
        progress(withPhoto.count, withPhoto.count)
        let orphans = Array(Set(stale.filter { !$0.hasPhoto }.map(\.entryID))).sorted { $0.uuidString < $1.uuidString }
        return ReembedReport(model: model, rebuilt: rebuilt, needReenrolment: orphans, failed: failed)
    }

    private enum Replacement: Sendable {
        case built(NewFaceTemplate)
        /// The photo is gone: the entry was removed meanwhile.
        case gone
        /// The photo no longer gives a usable face with this recognizer.
        case refused(VigilError)
        case storageFailed(StorageError)
    }

    /// The running recognizer's template of a stored face, from its reference photo.
    private func replacement(for template: OtherModelFace, model: String) async -> Replacement {
        let photo: [UInt8]
        do {
            guard let found = try await store.faceReferencePhoto(templateID: template.templateID) else { return .gone }
            photo = found
        } catch {
            return .storageFailed(error)
        }
        let box = template.subjectBox.map { FaceBox(x: $0[0], y: $0[1], width: $0[2], height: $0[3]) }
        do {
            let analysis = try await pipeline.analyzeAll([photo], field: "reference photo", subjects: [box], priority: .bulk)[0]
            let vector = try pipeline.enrolmentVector(analysis, field: "reference photo")
            return .built(NewFaceTemplate(vector: vector, quantized: QuantizedVector(vector).serialized, model: model,
                                          sourceImage: photo, subjectBox: template.subjectBox))
        } catch {
            return .refused(error)
        }
    }
}
