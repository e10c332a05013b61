import Logging
import VigilMatching
import VigilStorage

/// Index keys stored again for fingers whose stored keys the running
/// release cannot open (written under an earlier hashing, or never): the
/// index hashed those fingers at start-up, and without this would at every
/// start-up (at a million fingers, 22 s instead of 5).
extension ScreeningService {
    /// Fingers hashed and stored per transaction: small enough that a
    /// screening's write never waits long behind one.
    static let fingerKeyBatch = 500

    /// Starts storing the keys of the fingers the index loaded without
    /// usable ones, batch by batch at background priority (the index
    /// already files them: this changes only the next start-up). They are
    /// hashed again here rather than kept from the index's build: a full
    /// segment drops its fingers' keys, and holding a million fingers'
    /// serialised keys until they are written would take about a gigabyte.
    func startStoringStaleFingerKeys() {
        let (stale, hashing) = index.withLock { ($0.takeStaleFingerKeys(), $0.fingers.hashing) }
        guard !stale.isEmpty else { return }
        let task = Task(priority: .background) { [store, logger] in
            await Self.storeFingerKeys(of: stale, hashing: hashing, store: store, logger: logger)
        }
        fingerKeyStorage.withLock { $0 = task }
    }

    /// Waits until the keys started at start-up are stored (tests; shutdown).
    func fingerKeysStored() async {
        await fingerKeyStorage.withLock { $0 }?.value
    }

    private static func storeFingerKeys(of stale: [(template: Int64, cylinders: CylinderTemplate)], hashing: CylinderHashing,
                                        store: any VigilStore, logger: Logger) async {
        var stored = 0
        for start in stride(from: 0, to: stale.count, by: fingerKeyBatch) where !Task.isCancelled {
            var keys: [Int64: [UInt8]] = [:]
            for finger in stale[start..<min(stale.count, start + fingerKeyBatch)] {
                keys[finger.template] = hashing.serializedKeys(of: finger.cylinders)
            }
            do {
                stored += try await store.replaceFingerIndexKeys(keys)
            } catch {
                // The next start-up hashes the rest and tries again.
                logger.warning("fingerprint index keys could not be stored", metadata: ["reason": "\(error)", "stored": "\(stored)"])
                return
            }
        }
        logger.info("fingerprint index keys stored for fingers loaded without usable ones",
                    metadata: ["fingers": "\(stale.count)", "stored": "\(stored)"])
    }
}
