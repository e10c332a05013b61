/// The one error type Vigil's service layer throws, with a stable
/// snake_case code (part of the public API: clients branch on it) and a
/// human-readable message. The daemon maps `kind` to an HTTP status.
public struct VigilError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Code: String, Sendable, CaseIterable {
        case emptyBody = "empty_body"
        case malformedJSON = "malformed_json"
        case malformedMultipart = "malformed_multipart"
        case missingField = "missing_field"
        case invalidField = "invalid_field"
        case unknownCategory = "unknown_category"
        case unsupportedMediaType = "unsupported_media_type"
        case payloadTooLarge = "payload_too_large"
        case rateLimited = "rate_limited"
        case serviceBusy = "service_busy"
        case imageEmpty = "image_empty"
        case unsupportedImageFormat = "unsupported_image_format"
        case imageTruncated = "image_truncated"
        case imageCorrupt = "image_corrupt"
        case imageTooLarge = "image_too_large"
        case noFaceFound = "no_face_found"
        case invalidTemplate = "invalid_template"
        /// An ANSI/NIST-ITL transaction that is truncated or inconsistent (the message names the byte offset).
        case invalidTransaction = "invalid_transaction"
        case invalidDocument = "invalid_document"
        case resolutionUnsupported = "resolution_unsupported"
        case qualityInsufficient = "quality_insufficient"
        case notFound = "not_found"
        case unauthorized = "unauthorized"
        case forbidden = "forbidden"
        case duplicateEntry = "duplicate_entry"
        case alreadyAdjudicated = "already_adjudicated"
        /// A sync page that does not start where the post stands (replayed, skipped or reordered).
        case syncOutOfSequence = "sync_out_of_sequence"
        /// An uploaded audit chain that does not verify: the message names the first bad record.
        case chainBroken = "chain_broken"
        case methodNotAllowed = "method_not_allowed"
        case modelsUnavailable = "models_unavailable"
        /// The database server cannot be reached (restarting, link cut): retry later.
        case storageUnavailable = "storage_unavailable"
        case internalError = "internal_error"
    }

    public enum Kind: Sendable, Equatable {
        case badRequest, unauthorized, forbidden, unprocessable, conflict, tooManyRequests, payloadTooLarge, unsupportedMediaType, notFound, methodNotAllowed, unavailable, internalFailure
    }

    public let code: Code
    public let message: String

    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var kind: Kind {
        switch code {
        case .emptyBody, .malformedJSON, .malformedMultipart, .missingField, .invalidField,
             .imageEmpty, .imageTruncated, .imageCorrupt, .invalidTemplate, .invalidTransaction, .invalidDocument:
            return .badRequest
        case .unknownCategory, .noFaceFound, .qualityInsufficient, .resolutionUnsupported, .chainBroken:
            return .unprocessable
        case .payloadTooLarge, .imageTooLarge: return .payloadTooLarge
        case .unsupportedMediaType, .unsupportedImageFormat: return .unsupportedMediaType
        case .notFound: return .notFound
        case .unauthorized: return .unauthorized
        case .forbidden: return .forbidden
        case .duplicateEntry, .alreadyAdjudicated, .syncOutOfSequence: return .conflict
        case .methodNotAllowed: return .methodNotAllowed
        case .modelsUnavailable, .serviceBusy, .storageUnavailable: return .unavailable
        case .rateLimited: return .tooManyRequests
        case .internalError: return .internalFailure
        }
    }

    public var description: String { "\(code.rawValue): \(message)" }
}
