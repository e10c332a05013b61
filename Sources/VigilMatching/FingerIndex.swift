/// Enrolled fingers for 1:N search: cylinder templates with their subject
/// (entry key), template id and finger position. A value type like
/// `FaceIndex`: a screening copies it and searches without a lock.
public struct FingerIndex: Sendable {
    public struct Finger: Sendable {
        public let subject: Int64
        public let template: Int64
        /// ISO/IEC 19794-2 position code (1...10); 0 = unknown.
        public let position: Int
        public let cylinders: CylinderTemplate

        public init(subject: Int64, template: Int64, position: Int, cylinders: CylinderTemplate) {
            self.subject = subject
            self.template = template
            self.position = position
            self.cylinders = cylinders
        }
    }

    public private(set) var fingers: [Finger] = []
    public var count: Int { fingers.count }

    public init() {}

    public mutating func add(_ new: [Finger]) { fingers += new }

    public mutating func remove(subject: Int64) { fingers.removeAll { $0.subject == subject } }

    public mutating func remove(templates ids: Set<Int64>) {
        guard !ids.isEmpty else { return }
        fingers.removeAll { ids.contains($0.template) }
    }

    /// The best `limit` subjects for one probe finger, compared with every
    /// enrolled finger at the same position (all of them when either
    /// position is unknown), partitions scanned on `pool`'s threads.
    public func search(_ probe: CylinderTemplate, position: Int, limit: Int, threshold: Float, pool: ScanPool) -> [GalleryCandidate] {
        let enrolled = fingers
        let candidates = enrolled.indices.filter { position == 0 || enrolled[$0].position == 0 || enrolled[$0].position == position }
        let results = PartitionTops(count: pool.threads)
        pool.run { partition in
            let lo = candidates.count * partition / pool.threads, hi = candidates.count * (partition + 1) / pool.threads
            let matcher = CylinderMatcher(), workspace = CylinderMatcher.Workspace()
            var top = TopCandidates(limit: limit)
            for index in candidates[lo..<hi] {
                let finger = enrolled[index]
                let score = matcher.score(probe, finger.cylinders, using: workspace)
                if score >= threshold { top.offer(GalleryCandidate(subject: finger.subject, template: finger.template, score: score)) }
            }
            results.store(top, at: partition)
        }
        return results.merged(limit: limit).sorted()
    }
}
