import Foundation

/// Failures of a store. The underlying message is kept for the
/// operator's log; callers map these to a generic internal error, except
/// the ones that describe the request (unknown ids, duplicates).
public enum StorageError: Error, Sendable, Equatable {
    case cannotOpen(path: String, reason: String)
    case database(String)
    /// The database server cannot be reached (down, restarting, link cut):
    /// the request may succeed when retried.
    case unavailable(String)
    case corruptTemplate(id: Int64)
    case entryNotFound(UUID)
    case sampleNotFound(String)
    case unknownCategory(String)
    /// A live entry already carries this external reference.
    case duplicateReference(String, existing: UUID)
    case keyUnusable(String)
    /// The officer has already confirmed this candidate: a second confirmation
    /// by the same officer must not count as a second officer's.
    case alreadyConfirmed(officer: String)
    /// A headquarters page that does not start where the post's copy stands
    /// (replayed, skipped or reordered).
    case upstreamOutOfSequence(expected: Int64, got: Int64)
    /// A post's uploaded chain moved on while an upload was being checked.
    case postChainMoved(post: String)
}
