import VigilVisionC

/// Typed failures of the vision layer, one per `vv_status` the shim returns.
public enum VisionError: Error, Sendable, Equatable {
    case emptyInput
    case unsupportedFormat
    case truncated
    case decodeFailed
    case tooManyPixels(limit: UInt64)
    /// A fingerprint image whose stated resolution is outside 300...600 ppi.
    case resolutionUnsupported(ppi: Int)
    case modelLoad(String)
    case internalFailure(String)

    init(status: vv_status, message: String, pixelLimit: UInt64) {
        switch status {
        case VV_ERR_EMPTY_INPUT: self = .emptyInput
        case VV_ERR_UNSUPPORTED_FORMAT: self = .unsupportedFormat
        case VV_ERR_TRUNCATED: self = .truncated
        case VV_ERR_DECODE_FAILED: self = .decodeFailed
        case VV_ERR_TOO_MANY_PIXELS: self = .tooManyPixels(limit: pixelLimit)
        case VV_ERR_RESOLUTION: self = .resolutionUnsupported(ppi: 0)
        case VV_ERR_MODEL_LOAD: self = .modelLoad(message)
        default: self = .internalFailure(message.isEmpty ? String(cString: vv_status_name(status)) : message)
        }
    }
}
