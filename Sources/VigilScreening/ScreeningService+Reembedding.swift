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
    /// reference photo, one template per transaction (a `reembed` event), at
    /// bulk priority so screenings go first. Each rebuilt template is
    /// searchable at once; templates still of the old model are not searched.
    public func reembedFaces(progress: @Sendable (_ done: Int, _ total: Int) -> Void = { _, _ in }) async throws(VigilError) -> ReembedReport {
        let model = pipeline.model
        let stale: [OtherModelFace]
        do { stale = try await store.faceTemplates(notOfModel: model) } catch { throw storageFailure(error, "re-embedding") }
        var rebuilt = 0, failed: [ReembedReport.Failure] = []
        let withPhoto = stale.filter(\.hasPhoto)
        for (done, template) in withPhoto.enumerated() {
            progress(done, withPhoto.count)
            do {
                guard let photo = try await store.faceReferencePhoto(templateID: template.templateID) else { continue }
                let analysis = try await pipeline.analyze(photo, field: "reference photo", priority: .bulk)
                let vector = try pipeline.enrolmentVector(analysis, field: "reference photo")
                let replacement = NewFaceTemplate(vector: vector, quantized: QuantizedVector(vector).serialized, model: model, sourceImage: photo)
                if try await store.reembedFace(templateID: template.templateID, with: replacement, afterCommit: follow) != nil { rebuilt += 1 }
            } catch let error as VigilError {
                failed.append(.init(entryId: template.entryID, reason: "\(error.code.rawValue): \(error.message)"))
            } catch let error as StorageError {
                throw storageFailure(error, "re-embedding")
            } catch {
                throw VigilError(.internalError, "re-embedding failed")
            }
        }
        progress(withPhoto.count, withPhoto.count)
        let orphans = Array(Set(stale.filter { !$0.hasPhoto }.map(\.entryID))).sorted { $0.uuidString < $1.uuidString }
        return ReembedReport(model: model, rebuilt: rebuilt, needReenrolment: orphans, failed: failed)
    }
}
