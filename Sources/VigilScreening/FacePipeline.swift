import VigilMatching
import VigilVision

/// A face box in image pixels (an administrator picking the subject of an enrolment photo).
public typealias FaceBox = DetectedFace.Box

/// The face path shared by enrolment, screening and evaluation: analysis
/// through the engine pool, then the quality policy and the descriptor.
public final class FacePipeline: Sendable {
    /// The shipped recognizer's template length (benchmarks' default).
    public static let shippedDimension = FaceRecognizer.shipped.dimension

    public let policy: FaceQualityPolicy
    public let recognizer: FaceRecognizer
    /// `recognizer.identity`: what every template this pipeline makes records.
    public let model: String
    public var dimension: Int { recognizer.dimension }
    private let analyzer: FaceAnalyzer

    public init(configuration: ServiceConfiguration) throws(VigilError) {
        policy = configuration.quality
        recognizer = configuration.recognizer
        model = recognizer.identity
        if let problem = recognizer.problem { throw VigilError(.invalidField, "recognizer \(recognizer.name): \(problem)") }
        // Before any network is built from a file that is not the one named.
        try ModelDigests.verify(recognizer, modelsDirectory: configuration.modelsDirectory)
        do {
            analyzer = try FaceAnalyzer(modelsDirectory: configuration.modelsDirectory, recognizer: recognizer,
                                        concurrency: configuration.engines, limits: configuration.faceLimits)
        } catch {
            throw VigilError(error, field: "models")
        }
    }

    public func analyze(_ bytes: [UInt8], field: String, maxFaces: Int = 1,
                        priority: FaceAnalyzer.Priority = .interactive) async throws(VigilError) -> FaceAnalysis {
        do {
            return try await analyzer.analyze(bytes, maxFaces: maxFaces, priority: priority)
        } catch {
            throw VigilError(error, field: field)
        }
    }

    /// Analyses images concurrently (the engine pool bounds parallelism); results in input order.
    /// Where `subjects` gives a box for an image, every face in it is described and
    /// the one the box points at becomes the subject (else the largest is).
    public func analyzeAll(_ images: [[UInt8]], field: String, subjects: [FaceBox?] = [],
                           priority: FaceAnalyzer.Priority = .interactive) async throws(VigilError) -> [FaceAnalysis] {
        guard subjects.count <= images.count else {
            throw VigilError(.invalidField, "\(subjects.count) subject boxes for \(images.count) face images")
        }
        let outcomes = await withTaskGroup(of: (Int, Result<FaceAnalysis, VigilError>).self) { group in
            for (number, bytes) in images.enumerated() {
                let box = number < subjects.count ? subjects[number] : nil
                group.addTask { [self] in
                    do throws(VigilError) {
                        let name = "\(field)[\(number)]"
                        let analysis = try await analyze(bytes, field: name, maxFaces: box == nil ? 1 : FaceAnalyzer.maxFaces, priority: priority)
                        guard let box else { return (number, .success(analysis)) }
                        guard let picked = analysis.choosingSubject(inside: box) else {
                            throw VigilError(.noFaceFound, "\(name): no detected face has its centre inside the subject box")
                        }
                        return (number, .success(picked))
                    } catch {
                        return (number, .failure(error))
                    }
                }
            }
            var results = [Result<FaceAnalysis, VigilError>?](repeating: nil, count: images.count)
            for await (number, outcome) in group { results[number] = outcome }
            return results
        }
        return try outcomes.map { outcome throws(VigilError) in try outcome!.get() }
    }

    /// The unit descriptor of a photo fit for the watchlist, or why it is not:
    /// its subject (the largest face) meets every quality minimum.
    public func enrolmentVector(_ analysis: FaceAnalysis, field: String) throws(VigilError) -> [Float] {
        guard let face = analysis.face else { throw VigilError(.noFaceFound, "\(field): no face found") }
        let shortfalls = policy.shortfalls(of: face.measures)
        guard shortfalls.isEmpty else {
            throw VigilError(.qualityInsufficient, "\(field): \(shortfalls.map(\.rawValue).joined(separator: ", "))")
        }
        do {
            return try UnitVector.normalized(face.template, dimension: dimension)
        } catch {
            throw VigilError(.internalError, "\(field): the face descriptor is not usable")
        }
    }
}
