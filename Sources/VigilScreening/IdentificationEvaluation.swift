import Foundation
import VigilMatching
import VigilMetrics
import VigilStorage
import VigilVision

/// `vigil eval identification`: open-set 1:N identification on labelled
/// folders (ISO/IEC 19795-1; NIST FRTE 1:N style).
///
/// The split is deterministic and documented: identities are ordered by the
/// SHA-256 of their name (so the split does not follow the alphabet). Among
/// identities with more than K images, every other one in that order is
/// enrolled: its first K images (in name order) go to the gallery and the
/// rest are mated probes; the others are not enrolled and all their images
/// are non-mated probes. Identities with K images or fewer are enrolled with
/// what they have (they enlarge the gallery, as most watchlist entries
/// would). Distractor folders add gallery identities only.
///
/// An identity's score is the best of its gallery photos' scores. Images that
/// fail to enrol stay in the count: a mated probe or a mate without a usable
/// photo is a miss at every threshold; a failed non-mated probe returns
/// nothing.
public struct IdentificationReport: Sendable, Codable {
    public let gallery: Int
    public let galleryTemplates: Int
    public let matedProbes: Int
    public let nonmatedProbes: Int
    public let fte: Double
    public let fnirAtFpir: [String: Double]
    public let thresholdAtFpir: [String: Float]
    public let rank1: Double
    public let rank10: Double
    public let galleryPerIdentity: Int
    public let msPerImage: Double
    public let score: String
}

public enum IdentificationEvaluation {
    public static func run(directories: [String], distractors: [String], galleryPerIdentity k: Int,
                           pipeline: FacePipeline, plotPath: String? = nil) async throws(VigilError) -> IdentificationReport {
        guard k >= 1 else { throw VigilError(.invalidField, "--gallery-per-identity must be at least 1") }
        let files = try FaceEvaluation.listImages(directories)
        let distractorFiles = distractors.isEmpty ? [] : try FaceEvaluation.listImages(distractors)
        let started = ContinuousClock.now
        let faces = try await FaceEvaluation.enrolAll((files + distractorFiles).map(\.path), pipeline: pipeline)
        let elapsed = ContinuousClock.now - started

        var byIdentity: [String: [Int]] = [:]
        for (n, file) in files.enumerated() { byIdentity[file.identity, default: []].append(n) }
        var gallery: [(identity: String, templates: [[Float]])] = []
        var mated: [(identity: String, probe: Int)] = []
        var nonMated: [Int] = []
        var eligible = 0
        let order = Dictionary(uniqueKeysWithValues: byIdentity.keys.map { ($0, TemplateDigest.hex(Data($0.utf8))) })
        for identity in byIdentity.keys.sorted(by: { order[$0]! < order[$1]! }) {
            let images = byIdentity[identity]!
            if images.count <= k {
                gallery.append((identity, images.compactMap { faces[$0]?.template }))
            } else {
                defer { eligible += 1 }
                if eligible % 2 == 0 {
                    gallery.append((identity, images.prefix(k).compactMap { faces[$0]?.template }))
                    mated += images.dropFirst(k).map { (identity, $0) }
                } else {
                    nonMated += images
                }
            }
        }
        var distractorIdentities: [String: [[Float]]] = [:]
        var distractorImages: [String: Int] = [:]
        for (n, file) in distractorFiles.enumerated() {
            let name = "distractor/" + file.identity
            // The first K images of each distractor identity, whether or not they enrol.
            guard distractorImages[name, default: 0] < k else { continue }
            distractorImages[name, default: 0] += 1
            distractorIdentities[name, default: []] += faces[files.count + n].map { [$0.template] } ?? []
        }
        gallery += distractorIdentities.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }

        let searchable = gallery.filter { !$0.templates.isEmpty }
        let matrix = GalleryMatrix(searchable.map(\.templates))
        let matedSearches = mated.map { identity, probe -> OpenSetIdentification.MatedSearch in
            guard let template = faces[probe]?.template,
                  let mateIndex = searchable.firstIndex(where: { $0.identity == identity }) else { return .init(mate: nil) }
            let scores = matrix.identityScores(template)
            let mate = scores[mateIndex]
            return .init(mate: (mate, 1 + scores.filter { $0 > mate }.count))
        }
        let nonMatedTop = nonMated.map { probe -> Float? in
            faces[probe].map { matrix.identityScores($0.template).max() ?? -.infinity }
        }
        let result = OpenSetIdentification(mated: matedSearches, nonMatedTop: nonMatedTop)
        var fnir: [String: Double] = [:], thresholds: [String: Float] = [:]
        for target in OpenSetIdentification.fpirTargets {
            let t = result.threshold(atFPIR: target.rate)
            thresholds[target.key] = t
            fnir[target.key] = result.fnir(at: t)
        }
        if let plotPath {
            try DETPlot.write(DETPlot.svg(result, title: "Open-set identification: \(directories.joined(separator: ", "))"), to: plotPath)
        }
        let total = files.count + distractorFiles.count
        return IdentificationReport(
            gallery: gallery.count, galleryTemplates: searchable.reduce(0) { $0 + $1.templates.count },
            matedProbes: mated.count, nonmatedProbes: nonMated.count,
            fte: total == 0 ? 0 : Double(faces.filter { $0 == nil }.count) / Double(total),
            fnirAtFpir: fnir, thresholdAtFpir: thresholds, rank1: result.rankRate(1), rank10: result.rankRate(10),
            galleryPerIdentity: k, msPerImage: total == 0 ? 0 : ScreeningService.ms(elapsed) / Double(total),
            score: "best over an identity's gallery photos of \(pipeline.model)")
    }
}

/// Gallery templates in one contiguous row-major buffer, with the identity
/// each row belongs to: a probe's score against every identity in one pass.
struct GalleryMatrix {
    private let rows: [Float]
    private let owner: [Int]
    private let identities: Int
    private let dimension: Int

    init(_ templates: [[[Float]]]) {
        dimension = templates.first?.first?.count ?? 0
        identities = templates.count
        var rows: [Float] = [], owner: [Int] = []
        for (identity, list) in templates.enumerated() {
            for template in list {
                rows += template
                owner.append(identity)
            }
        }
        self.rows = rows
        self.owner = owner
    }

    /// Each identity's best score against `probe`.
    func identityScores(_ probe: [Float]) -> [Float] {
        var best = [Float](repeating: -.infinity, count: identities)
        rows.withUnsafeBufferPointer { r in
            probe.withUnsafeBufferPointer { p in
                for (row, identity) in owner.enumerated() {
                    let score = FloatKernel.dot(r.baseAddress! + row * dimension, p.baseAddress!, dimension)
                    best[identity] = max(best[identity], score)
                }
            }
        }
        return best
    }
}
