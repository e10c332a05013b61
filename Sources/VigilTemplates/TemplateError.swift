/// Why a template record was refused.
public enum TemplateError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The record ends before a field it declares (offset of the missing byte).
    case truncated(offset: Int)
    case unknownFormat
    /// The declared record length disagrees with the data.
    case lengthMismatch(declared: Int, actual: Int)
    /// Bytes after the last field the record declares.
    case trailingData(offset: Int)
    case invalidField(String)

    public var description: String {
        switch self {
        case .truncated(let offset): return "the record is truncated at byte \(offset)"
        case .unknownFormat: return "not an ISO/IEC 19794-2 or ANSI INCITS 378 minutiae record"
        case .lengthMismatch(let declared, let actual): return "the record declares \(declared) bytes but holds \(actual)"
        case .trailingData(let offset): return "unexpected data after byte \(offset)"
        case .invalidField(let what): return "invalid field: \(what)"
        }
    }
}
