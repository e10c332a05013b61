/// Failures of the SQLite store. The underlying message is kept for the
/// operator's log; callers map these to a generic internal error.
public enum StorageError: Error, Sendable, Equatable {
    case cannotOpen(path: String, reason: String)
    case database(String)
    case corruptTemplate(id: Int64)
}
