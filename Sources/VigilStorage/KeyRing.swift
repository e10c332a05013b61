import Crypto
import Foundation

/// The keys a Vigil database is used with: the data key (AES-256-GCM, for
/// probe templates kept for replay) and the audit signing key (Ed25519, for
/// checkpoints of the log's hash chain). Each lives in its own file, created
/// on first start with owner-only permissions; the data key may come from
/// `VIGIL_DATA_KEY` (base64) instead.
public struct KeyRing: Sendable {
    // Raw bytes: swift-crypto's key types are not Sendable; keys are rebuilt per use (cheap).
    private let dataKeyBytes: [UInt8]
    private let signingKeyBytes: [UInt8]

    var dataKey: SymmetricKey { SymmetricKey(data: dataKeyBytes) }
    var signingKey: Curve25519.Signing.PrivateKey {
        // Validated in init.
        try! Curve25519.Signing.PrivateKey(rawRepresentation: signingKeyBytes)
    }

    /// The Ed25519 public key that verifies checkpoints (32 bytes).
    public var publicKey: [UInt8] { [UInt8](signingKey.publicKey.rawRepresentation) }

    public init(dataKey: [UInt8], signingKey: [UInt8]) throws(StorageError) {
        guard dataKey.count == 32 else { throw .keyUnusable("the data key must be 32 bytes") }
        guard (try? Curve25519.Signing.PrivateKey(rawRepresentation: signingKey)) != nil else {
            throw .keyUnusable("the audit key is not an Ed25519 private key")
        }
        dataKeyBytes = dataKey
        signingKeyBytes = signingKey
    }

    /// Keys that exist only in memory (tests, benchmarks).
    public static func ephemeral() -> KeyRing {
        try! KeyRing(dataKey: SymmetricKey(size: .bits256).withUnsafeBytes { [UInt8]($0) },
                     signingKey: [UInt8](Curve25519.Signing.PrivateKey().rawRepresentation))
    }

    /// The keys beside a database: `<db>.data-key` and `<db>.audit-key`.
    public static func load(besideDatabase path: String,
                            environment: [String: String] = ProcessInfo.processInfo.environment) throws(StorageError) -> KeyRing {
        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw .keyUnusable("cannot create \(folder.path)")
        }
        let data: Data
        if let encoded = environment["VIGIL_DATA_KEY"] {
            guard let decoded = Data(base64Encoded: encoded), decoded.count == 32 else {
                throw .keyUnusable("VIGIL_DATA_KEY must be 32 bytes in base64")
            }
            data = decoded
        } else {
            data = try secret(at: path + ".data-key") { SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) } }
        }
        let signing = try secret(at: path + ".audit-key") { Curve25519.Signing.PrivateKey().rawRepresentation }
        return try KeyRing(dataKey: [UInt8](data), signingKey: [UInt8](signing))
    }

    /// Reads a 32-byte secret, creating it (mode 0600) when absent.
    private static func secret(at path: String, create: () -> Data) throws(StorageError) -> Data {
        let files = FileManager.default
        if let existing = files.contents(atPath: path) {
            guard existing.count == 32 else { throw .keyUnusable("\(path) must hold 32 bytes") }
            return existing
        }
        let fresh = create()
        guard files.createFile(atPath: path, contents: fresh, attributes: [.posixPermissions: 0o600]) else {
            throw .keyUnusable("cannot create \(path)")
        }
        return fresh
    }

    // MARK: Sealing

    /// AES-GCM; `context` is authenticated, so a sealed value moved to
    /// another record does not open.
    public func seal(_ plaintext: [UInt8], context: String) throws(StorageError) -> Data {
        do {
            guard let combined = try AES.GCM.seal(plaintext, using: dataKey, authenticating: Data(context.utf8)).combined else {
                throw StorageError.keyUnusable("sealing produced no output")
            }
            return combined
        } catch {
            throw .keyUnusable("sealing failed")
        }
    }

    public func open(_ sealed: Data, context: String) throws(StorageError) -> [UInt8] {
        do {
            return [UInt8](try AES.GCM.open(try AES.GCM.SealedBox(combined: sealed), using: dataKey, authenticating: Data(context.utf8)))
        } catch {
            throw .keyUnusable("the sealed value does not open with this data key")
        }
    }
}
