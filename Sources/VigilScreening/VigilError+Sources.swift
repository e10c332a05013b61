import VigilInterchange
import VigilStorage
import VigilVision

extension VigilError {
    /// An image that could not be used; `field` names it for the client (e.g. "face[2]").
    init(_ error: VisionError, field: String) {
        switch error {
        case .emptyInput: self.init(.imageEmpty, "\(field) is empty")
        case .unsupportedFormat: self.init(.unsupportedImageFormat, "\(field) is not a JPEG, JPEG 2000, PNG, BMP, TIFF, WebP or WSQ image")
        case .truncated: self.init(.imageTruncated, "\(field) is truncated")
        case .decodeFailed: self.init(.imageCorrupt, "\(field) could not be decoded")
        case .tooManyPixels(let limit): self.init(.imageTooLarge, "\(field) has more than \(limit) pixels")
        case .resolutionUnsupported(let ppi):
            self.init(.resolutionUnsupported, "\(field) states \(ppi) pixels per inch; fingerprints are read at 300 to 600")
        case .modelLoad(let reason): self.init(.modelsUnavailable, reason)
        case .internalFailure: self.init(.internalError, "face analysis failed")
        }
    }

    /// Storage details stay in the operator's log, not in the client's response.
    public init(_ error: StorageError) {
        if case .unavailable = error {
            self.init(.storageUnavailable, "the database is unavailable; nothing was recorded, try again shortly")
            return
        }
        self.init(.internalError, "the database could not complete the request")
    }
}

extension VigilError {
    /// A transaction refused, with where in the file.
    public init(_ error: NISTError) {
        self.init(.invalidTransaction, "not a readable ANSI/NIST-ITL transaction: \(error)")
    }
}
