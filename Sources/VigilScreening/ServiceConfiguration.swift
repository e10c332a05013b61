import Foundation
import VigilMatching
import VigilMetrics
import VigilStorage
import VigilStores
import VigilVision

/// Settings of one Vigil instance, shared by the daemon and the CLI.
public struct ServiceConfiguration: Sendable {
    public var modelsDirectory = "Models"
    /// The face recognizer; a deployment's own comes from a recognizer file
    /// (`--recognizer FILE`) with a calibration fitted for it.
    public var recognizer = FaceRecognizer.shipped
    public var databasePath = "var/vigil.sqlite"
    /// A PostgreSQL database (`postgres://USER@HOST:PORT/DB`) shared with
    /// other nodes, instead of the SQLite file at `databasePath`.
    public var databaseURL: String?
    /// Where the data and audit key files are (`PATH.data-key`,
    /// `PATH.audit-key`); nil: beside the SQLite file, or `var/central` for PostgreSQL.
    public var keyPath: String?

    /// How often a node sharing its database polls for changes when no
    /// notification wakes it: the bound on a lost notification's cost.
    public var followPollInterval: Duration = .seconds(1)
    /// A post: its watchlist is a copy of headquarters' (`vigil serve
    /// --upstream`), changed only by signed sync pages, never locally.
    public var followsUpstream = false
    /// How old a post's last sync may be before its screenings carry
    /// `stale_watchlist: true`.
    public var upstreamStaleAfter: TimeInterval = 24 * 3600

    /// The store this configuration names.
    public var storeLocation: StoreLocation { databaseURL.map { .postgres(url: $0) } ?? .sqlite(path: databasePath) }

    /// Where the key files are: `keyPath`, or the store's default place.
    public var resolvedKeyPath: String { keyPath ?? storeLocation.defaultKeyPath }

    /// The keys given, or those at `resolvedKeyPath` (created when absent).
    public func loadKeys() throws(StorageError) -> KeyRing {
        if let keys { return keys }
        return try KeyRing.load(besideDatabase: resolvedKeyPath)
    }
    /// Face threshold every category starts with in a new database.
    public var matchThreshold: Float = ServiceConfiguration.defaultMatchThreshold
    /// When set, replaces every category's own threshold (experiments, evaluation).
    public var thresholdOverride: Float?
    /// 1:1 verification at the counter (a live photo against the document's):
    /// the false-match rate its threshold is set at on the shipped calibration,
    /// unless `verificationThresholdOverride` sets the score directly. Its own
    /// setting: one comparison, not a search of the whole watchlist.
    public var verificationFalseMatchRate = 0.001
    public var verificationThresholdOverride: Float?
    public var maxCandidates = 10
    public var maxFacesPerEnrollment = 10
    public var faceLimits = FaceAnalyzer.Limits()
    public var quality = FaceQualityPolicy()
    public var engines = ProcessInfo.processInfo.activeProcessorCount
    /// Faces described and searched in one screening capture, the subject
    /// included (a child carried or led by a traveller is searched too).
    public var maxFacesPerCapture = 8
    /// Threads of the 1:N scan (one query uses all of them).
    public var scanThreads = ProcessInfo.processInfo.activeProcessorCount

    /// The fused face score at a false-match rate of 1% per comparison in
    /// the shipped calibration, conservative across populations (the highest
    /// threshold any measured population needs; docs/faces.md). A threshold
    /// fitted on Western faces alone lets South Asian faces through at
    /// several times the stated rate. Categories normally set a target FPIR
    /// per search instead; this raw threshold serves experiments.
    public static let defaultMatchThreshold = Float(ShippedFaceCalibration.pooled.score(atFalseMatchRate: 0.01))
    /// The FMR 0.1% point of the same calibration.
    public static let strictMatchThreshold = Float(ShippedFaceCalibration.pooled.score(atFalseMatchRate: 0.001))
    /// Screening records older than this are deleted (nil keeps them).
    public var screeningRetentionDays: Int? = 365
    /// Where `POST /v1/watchlist/imports` may read manifests and samples; nil disables it.
    public var importRoot: String?
    /// Keep each sample's source image beside its template (off by default:
    /// templates are enough to match; images are the most sensitive data).
    public var keepSourceImages = false
    /// Keep each face sample's photo, sealed (AES-GCM) and erased with its
    /// template: on by default, because it is what re-enrols the watchlist
    /// when the recognizer changes (templates of different models are not
    /// comparable) and what an officer compares a candidate with.
    public var keepFaceReferencePhotos = true
    /// The time expiry and retention are judged by (a fixed clock in tests).
    public var clock: @Sendable () -> Date = { Date() }
    /// Data and audit keys; nil loads (or creates) them beside the database.
    public var keys: KeyRing?
    /// Audit records between automatic signed checkpoints.
    public var checkpointEvery = 100
    /// Sealed probes of no-hit screenings are erased from the audit log after this.
    public var noHitProbeRetentionDays: Int? = 30
    /// Entries per import transaction.
    public var importBatchSize = 50

    /// Score → evidence (−log10 FMR) per modality, from measured operating
    /// points. Face: the shipped calibration, fitted per population by
    /// `vigil calibrate faces` (`--face-calibration FILE` loads another). Fingers: the rates of the normalised
    /// finger scale, from the quantiles `vigil calibrate fingers` fitted for it (`ShippedFingerCalibration`;
    /// `use(fingerCalibrationPath:)` loads a deployment's own).
    public var faceCalibration = ScoreCalibration(measured: ShippedFaceCalibration.pooled)
    /// The recognizer identity `faceCalibration` was fitted for; the service
    /// refuses to screen with a calibration of another recognizer.
    public var faceCalibrationModel = ShippedFaceCalibration.model
    /// The recognizer the watchlist was made with before `recognizer`, kept
    /// searching its own templates while `vigil watchlist reembed` rebuilds
    /// them (`--previous-recognizer`), with the calibration fitted for it.
    public var previousRecognizer: (recognizer: FaceRecognizer, calibration: ScoreCalibration)?
    public private(set) var fingerCalibration = ScoreCalibration(measured: ShippedFingerCalibration.pooled)
    /// Puts finger scores resting on different numbers of pairs on one
    /// scale, the scale `fingerCalibration` reads rates from: the shipped
    /// normalisation (fitted on FVC2000's sensors), or one fitted on a
    /// deployment's own sensor's prints. It and `fingerCalibration` are set
    /// together by `use(fingerNormalisation:)`, never one alone.
    public private(set) var fingerNormalisation = PairCountNormalisation.shipped
    /// Comparisons weaker than this (FMR 10%) add no evidence and are not collected.
    public var evidenceFloorRate = 0.1
    public var maxFingersPerSample = 10
    /// When finger search goes through the fingerprint index, and how much
    /// of the gallery it hands to the full matcher.
    public var fingerSearch = FingerSearchPolicy()

    public init() {}

    /// Runs the recognizer a file describes (the shipped one when nil), with
    /// a calibration file (the recognizer file's own when nil).
    public mutating func use(recognizerFile: String?, calibrationPath: String?) throws(VigilError) {
        let recognizer = try recognizerFile.map { path throws(VigilError) in try FaceRecognizer.load(path: path) } ?? .shipped
        try use(recognizer, calibrationPath: calibrationPath)
    }

    /// Runs `recognizer` with the calibration file written for it by
    /// `vigil calibrate faces` (the file's own `calibration` when `path` is nil).
    public mutating func use(_ recognizer: FaceRecognizer, calibrationPath path: String?) throws(VigilError) {
        self.recognizer = recognizer
        guard let path = path ?? recognizer.calibration else {
            // Kept for evaluation and calibration, which need none; a service refuses it.
            faceCalibrationModel = recognizer == .shipped ? ShippedFaceCalibration.model : ""
            return
        }
        faceCalibration = try FaceCalibration.load(path: path, model: recognizer.identity)
        faceCalibrationModel = recognizer.identity
    }

    /// Scores fingers on the scale a report of `vigil calibrate fingers`
    /// (`--out FILE`) fitted on a sensor's own prints: another sensor's
    /// impostors score differently from FVC2000's (FVC2002 DB1_B's sit
    /// lower, docs/fingerprints.md), so the shipped rates misstate the
    /// evidence of its scores.
    public mutating func use(fingerCalibrationPath path: String) throws(VigilError) {
        use(fingerNormalisation: try FingerCalibrationFile.load(path: path))
    }

    /// Scores fingers on `normalisation`'s scale, and reads their rates from it.
    public mutating func use(fingerNormalisation normalisation: PairCountNormalisation) {
        fingerNormalisation = normalisation
        fingerCalibration = ScoreCalibration(measured: ShippedFingerCalibration.table(normalisation, population: FingerCalibrationFile.population))
    }

    /// Keeps the recognizer a file describes (`shipped`: the shipped one)
    /// searching its templates beside the running one until they are
    /// re-embedded. Its calibration is required: it is what puts its scores
    /// on the running recognizer's scale.
    public mutating func keepSearching(previousRecognizerFile path: String) throws(VigilError) {
        let previous: FaceRecognizer
        let calibration: ScoreCalibration
        if path == "shipped" {
            previous = .shipped
            calibration = ScoreCalibration(measured: ShippedFaceCalibration.pooled)
        } else {
            previous = try FaceRecognizer.load(path: path)
            guard let calibrationPath = previous.calibration else {
                throw VigilError(.invalidField, "previous recognizer \(previous.name): its file names no calibration "
                    + "(needed to put its scores on the running recognizer's scale)")
            }
            calibration = try FaceCalibration.load(path: calibrationPath, model: previous.identity)
        }
        guard previous.identity != recognizer.identity else {
            throw VigilError(.invalidField, "the previous recognizer is the running one (\(previous.identity))")
        }
        previousRecognizer = (previous, calibration)
    }
}
