import Foundation
import VigilStorage
import VigilStores
import VigilVision

/// Start-up loading of the watchlist index, exposed for the benchmark: the
/// same path `ScreeningService.init` takes (open, read entries and int8
/// templates, build the segments), without loading the face models.
public enum WatchlistLoading {
    public static func measure(location: StoreLocation, keyPath: String? = nil) async throws(VigilError) -> (seconds: Double, templates: Int) {
        let start = ContinuousClock.now
        do {
            let store = try await location.open(keys: try KeyRing.load(besideDatabase: keyPath ?? location.defaultKeyPath))
            let contents = try await store.loadWatchlist()
            let index = try WatchlistIndex(contents, model: FaceRecognizer.shipped.identity, dimension: FacePipeline.shippedDimension)
            let seconds = ScreeningService.ms(ContinuousClock.now - start) / 1000
            await store.close()
            return (seconds, index.faces.count)
        } catch let error as StorageError {
            throw VigilError(error)
        } catch {
            throw VigilError(.internalError, "the watchlist could not be indexed")
        }
    }

    /// Fills a database with `count` synthetic single-template entries (for
    /// the load benchmark), in transactions of 10,000.
    public static func populate(location: StoreLocation, keyPath: String? = nil, model: String = FaceRecognizer.shipped.identity, vectors: (Int) -> (vector: [Float], quantized: [UInt8]), count: Int,
                                progress: (Int) -> Void) async throws(VigilError) {
        do {
            let store = try await location.open(keys: try KeyRing.load(besideDatabase: keyPath ?? location.defaultKeyPath))
            try await store.seedCategories(WatchlistCategory.defaults())
            var done = try await store.counts().faceTemplates
            while done < count {
                let batch = (done..<min(count, done + 10_000)).map { i in
                    let v = vectors(i)
                    return NewEntry(name: "synthetic \(i)", category: "discreet_check",
                                    faces: [NewFaceTemplate(vector: v.vector, quantized: v.quantized, model: model)])
                }
                _ = try await store.enroll(batch)
                done += batch.count
                progress(done)
            }
            await store.close()
        } catch {
            throw VigilError(error)
        }
    }
}
