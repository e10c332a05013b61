import Crypto
import Foundation

/// SHA-256 of a template's stored bytes, hex-encoded: what an event keeps
/// of a template after the template itself has been erased.
public enum TemplateDigest {
    public static func hex(_ bytes: some DataProtocol) -> String {
        Hex.encode(SHA256.hash(data: bytes))
    }
}
