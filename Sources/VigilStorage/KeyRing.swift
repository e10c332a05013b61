import Crypto
import Foundation
import Synchronization

/// The keys a Vigil database is used with: data keys (AES-256-GCM, for
/// templates, kept images and the audit log's probes) and the audit signing
/// key (Ed25519, for checkpoints). Files beside the database, created on
/// first start with owner-only permissions:
/// - `<db>.data-key`: 36-byte records (key id, big-endian UInt32, then the
///   key); the first is current, the others still open what they sealed.
///   `VIGIL_DATA_KEY` (base64, 32 bytes) may supply a single key instead.
/// - `<db>.audit-key`: the 32-byte Ed25519 private key.
public final class KeyRing: Sendable {
    private struct DataKeys {
        var current: UInt32
        var keys: [UInt32: [UInt8]]
        /// The key file's identity (inode, size, time) when last read.
        var fileDate: String?
    }

    // Raw bytes: swift-crypto's key types are not Sendable; keys are rebuilt per use (cheap).
    private let data: Mutex<DataKeys>
    private let signingKeyBytes: [UInt8]
    /// Where the data keys live, for reloading after a rotation by another process.
    private let dataKeyPath: String?

    package var signingKey: Curve25519.Signing.PrivateKey {
        // Validated in init.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: signingKeyBytes)
    }

    /// The Ed25519 public key that verifies checkpoints (32 bytes).
    public var publicKey: [UInt8] { [UInt8](signingKey.publicKey.rawRepresentation) }

    /// An Ed25519 signature of `message` with the audit key (checkpoints, watchlist bundles).
    package func sign(_ message: [UInt8]) throws(StorageError) -> [UInt8] {
        do { return [UInt8](try signingKey.signature(for: message)) } catch { throw .keyUnusable("signing failed") }
    }

    /// Whether `signature` is `publicKey`'s Ed25519 signature of `message`.
    package static func verify(_ signature: [UInt8], of message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: publicKey) else { return false }
        return key.isValidSignature(signature, for: message)
    }

    public var currentDataKeyID: UInt32 {
        refreshIfRotated()
        return data.withLock { $0.current }
    }

    init(dataKeys: [(UInt32, [UInt8])], signingKey: [UInt8], dataKeyPath: String?) throws(StorageError) {
        guard let first = dataKeys.first, dataKeys.allSatisfy({ $0.1.count == 32 }) else {
            throw .keyUnusable("a data key must be 32 bytes")
        }
        guard (try? Curve25519.Signing.PrivateKey(rawRepresentation: signingKey)) != nil else {
            throw .keyUnusable("the audit key is not an Ed25519 private key")
        }
        data = Mutex(DataKeys(current: first.0, keys: Dictionary(dataKeys) { a, _ in a },
                              fileDate: dataKeyPath.flatMap(Self.modificationDate)))
        signingKeyBytes = signingKey
        self.dataKeyPath = dataKeyPath
    }

    /// Keys that exist only in memory (tests, benchmarks).
    public static func ephemeral() -> KeyRing {
        try! KeyRing(dataKeys: [(1, randomKey())], signingKey: [UInt8](Curve25519.Signing.PrivateKey().rawRepresentation), dataKeyPath: nil)
    }

    package static func randomKey() -> [UInt8] { SymmetricKey(size: .bits256).withUnsafeBytes { [UInt8]($0) } }

    /// The keys beside a database, created when absent.
    public static func load(besideDatabase path: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(StorageError) -> KeyRing {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .keyUnusable("cannot create \(folder.path)")
        }
        let signing = try secret(at: path + ".audit-key") { Data(Curve25519.Signing.PrivateKey().rawRepresentation) }
        if let encoded = environment["VIGIL_DATA_KEY"] {
            guard let decoded = Data(base64Encoded: encoded), decoded.count == 32 else {
                throw .keyUnusable("VIGIL_DATA_KEY must be 32 bytes in base64")
            }
            return try KeyRing(dataKeys: [(0, [UInt8](decoded))], signingKey: [UInt8](signing), dataKeyPath: nil)
        }
        let file = path + ".data-key"
        _ = try secret(at: file) { record(id: 1, key: randomKey()) }
        return try KeyRing(dataKeys: try readDataKeys(file), signingKey: [UInt8](signing), dataKeyPath: file)
    }

    private static func record(id: UInt32, key: [UInt8]) -> Data {
        Data(withUnsafeBytes(of: id.bigEndian) { [UInt8]($0) } + key)
    }

    private static func readDataKeys(_ file: String) throws(StorageError) -> [(UInt32, [UInt8])] {
        guard let bytes = FileManager.default.contents(atPath: file).map([UInt8].init) else { throw .keyUnusable("cannot read \(file)") }
        guard !bytes.isEmpty, bytes.count % 36 == 0 else { throw .keyUnusable("\(file) must hold 36-byte key records") }
        return stride(from: 0, to: bytes.count, by: 36).map { offset in
            let id = bytes[offset..<offset + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            return (id, Array(bytes[offset + 4..<offset + 36]))
        }
    }

    /// Reads (creating, mode 0600) a secret file.
    private static func secret(at path: String, create: () -> Data) throws(StorageError) -> Data {
        let files = FileManager.default
        if let existing = files.contents(atPath: path) { return existing }
        guard files.createFile(atPath: path, contents: create(), attributes: [.posixPermissions: 0o600]),
              let written = files.contents(atPath: path) else {
            throw .keyUnusable("cannot create \(path)")
        }
        return written
    }

    /// Adds a fresh data key and makes it current (written to the key file
    /// first, so a crash never loses a key in use). Returns its id.
    public func addDataKey() throws(StorageError) -> UInt32 {
        guard let file = dataKeyPath else { throw .keyUnusable("keys from VIGIL_DATA_KEY or memory cannot be rotated here") }
        let existing = try Self.readDataKeys(file)
        let id = (existing.map(\.0).max() ?? 0) + 1
        let fresh = Self.randomKey()
        let contents = ([(id, fresh)] + existing).reduce(into: Data()) { $0 += Self.record(id: $1.0, key: $1.1) }
        let temporary = file + ".new"
        guard FileManager.default.createFile(atPath: temporary, contents: contents, attributes: [.posixPermissions: 0o600]),
              rename(temporary, file) == 0 else {
            throw .keyUnusable("cannot write \(file)")
        }
        data.withLock {
            $0.keys[id] = fresh
            $0.current = id
            $0.fileDate = Self.modificationDate(file)
        }
        return id
    }

    // MARK: Sealing

    /// `[1][key id: 4 bytes BE][AES-GCM nonce | ciphertext | tag]`. `context`
    /// is authenticated, so a sealed value moved elsewhere does not open.
    public func seal(_ plaintext: some DataProtocol, context: String) throws(StorageError) -> Data {
        refreshIfRotated()
        let (id, key) = data.withLock { ($0.current, $0.keys[$0.current] ?? []) }
        return try Self.seal(plaintext, context: context, id: id, key: key)
    }

    /// Seals under data key `id` rather than the current one: a value
    /// replaced in a row keeps the key the row's other values name.
    package func seal(_ plaintext: some DataProtocol, context: String, keyID id: UInt32) throws(StorageError) -> Data {
        try Self.seal(plaintext, context: context, id: id, key: try dataKey(id))
    }

    private static func seal(_ plaintext: some DataProtocol, context: String, id: UInt32, key: [UInt8]) throws(StorageError) -> Data {
        do {
            guard let combined = try AES.GCM.seal(plaintext, using: SymmetricKey(data: key), authenticating: Data(context.utf8)).combined else {
                throw StorageError.keyUnusable("sealing produced no output")
            }
            return Data([1]) + withUnsafeBytes(of: id.bigEndian) { Data($0) } + combined
        } catch {
            throw .keyUnusable("sealing failed")
        }
    }

    /// After `vigil keys rotate` in another process, seal under its new key at once.
    private func refreshIfRotated() {
        guard let file = dataKeyPath, let date = Self.modificationDate(file),
              data.withLock({ $0.fileDate != date }), let reloaded = try? Self.readDataKeys(file), let first = reloaded.first else { return }
        data.withLock { state in
            for (k, v) in reloaded where state.keys[k] == nil { state.keys[k] = v }
            state.current = first.0
            state.fileDate = date
        }
    }

    /// Inode, size and modification time: a rotation replaces the file (new
    /// inode) and grows it by one key, whatever the clock's granularity.
    private static func modificationDate(_ path: String) -> String? {
        guard let a = try? FileManager.default.attributesOfItem(atPath: path) else { return nil }
        return "\(a[.systemFileNumber] ?? 0)/\(a[.size] ?? 0)/\((a[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0)"
    }

    public func open(_ sealed: Data, context: String) throws(StorageError) -> [UInt8] {
        try open(sealed, context: Data(context.utf8))
    }

    /// Reads the sealed bytes in place: no copy of the input, one of the output.
    package func open(_ sealed: some DataProtocol, context: some DataProtocol) throws(StorageError) -> [UInt8] {
        guard let id = Self.keyID(of: sealed) else { throw .keyUnusable("not a sealed value") }
        return try Self.open(sealed, id: id, with: SymmetricKey(data: try dataKey(id)), context: context)
    }

    /// Opens many values on one thread, each data key's AES context built
    /// once (`GCMOpening`): a start-up opens a million.
    package struct BulkOpener {
        let ring: KeyRing
        private var contexts: [UInt32: GCMOpening] = [:]

        init(ring: KeyRing) { self.ring = ring }

        package mutating func open(_ sealed: UnsafeRawBufferPointer, context: UnsafeRawBufferPointer) throws(StorageError) -> [UInt8] {
            guard let id = KeyRing.keyID(of: sealed) else { throw .keyUnusable("not a sealed value") }
            let opening: GCMOpening
            if let known = contexts[id] {
                opening = known
            } else {
                guard let built = GCMOpening(key: try ring.dataKey(id)) else { throw .keyUnusable("data key \(id) cannot be used") }
                contexts[id] = built
                opening = built
            }
            guard let plaintext = opening.open(UnsafeRawBufferPointer(rebasing: sealed.dropFirst(5)), associated: context) else {
                throw .keyUnusable("a sealed value does not open with data key \(id)")
            }
            return plaintext
        }
    }

    package func bulkOpener() -> BulkOpener { BulkOpener(ring: self) }

    private static func open(_ sealed: some DataProtocol, id: UInt32, with key: SymmetricKey,
                             context: some DataProtocol) throws(StorageError) -> [UInt8] {
        do {
            let box = try AES.GCM.SealedBox(combined: sealed.dropFirst(5))
            return [UInt8](try AES.GCM.open(box, using: key, authenticating: context))
        } catch {
            throw .keyUnusable("a sealed value does not open with data key \(id)")
        }
    }

    /// Data key `id`, re-reading the key file when another process (`vigil
    /// keys rotate`) may have added it.
    private func dataKey(_ id: UInt32) throws(StorageError) -> [UInt8] {
        if let key = data.withLock({ $0.keys[id] }) { return key }
        if let file = dataKeyPath, let reloaded = try? Self.readDataKeys(file) {
            let key = data.withLock { state in
                for (k, v) in reloaded where state.keys[k] == nil { state.keys[k] = v }
                return state.keys[id]
            }
            if let key { return key }
        }
        throw .keyUnusable("data key \(id) is not in the key file")
    }

    /// The key id a sealed value was sealed with.
    static func keyID(of sealed: some DataProtocol) -> UInt32? {
        var bytes = sealed.makeIterator()
        guard bytes.next() == 1 else { return nil }
        var id: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = bytes.next() else { return nil }
            id = id << 8 | UInt32(byte)
        }
        return id
    }
}
