import Dispatch
import Synchronization
import VigilMatching

extension FingerEvaluation {
    /// An FVC-style folder's prints as Vigil enrols them: each image through
    /// the extractor, grouped by finger in file order (impression 1 first).
    /// Images that fail to enrol are left out. Extracted on every core.
    public static func extractedPrints(directory: String) throws(VigilError) -> [(finger: String, impressions: [[FingerMinutia]])] {
        let samples = try listSamples(directory, extensions: imageExtensions)
        let files = try samples.map { sample throws(VigilError) in try ImageFile.read(sample.path) }
        let extracted = Mutex([[FingerMinutia]?](repeating: nil, count: files.count))
        DispatchQueue.concurrentPerform(iterations: files.count) { i in
            guard let minutiae = imageMinutiae(files[i]).minutiae else { return }
            extracted.withLock { $0[i] = minutiae }
        }
        let prints = extracted.withLock { $0 }
        var fingers: [(finger: String, impressions: [[FingerMinutia]])] = []
        for (sample, minutiae) in zip(samples, prints) {
            guard let minutiae else { continue }
            if fingers.last?.finger == sample.finger {
                fingers[fingers.count - 1].impressions.append(minutiae)
            } else {
                fingers.append((sample.finger, [minutiae]))
            }
        }
        return fingers
    }
}
