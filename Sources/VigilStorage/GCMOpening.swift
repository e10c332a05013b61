import CLibcrypto

/// AES-256-GCM opening with the key schedule kept between calls, for
/// opening many values under one data key on one thread (a start-up opens a
/// million). swift-crypto rebuilds the AES key schedule and the GHASH tables
/// on every call, which was most of a start-up's time; OpenSSL's context
/// keeps them. The format is swift-crypto's `combined` one (12-byte nonce,
/// ciphertext, 16-byte tag), and what is sealed is still sealed by
/// swift-crypto: `SealingTests` and `FaceTemplateOpenerTests` open its
/// output here, altered values included.
///
/// Not `Sendable`: one thread's context.
final class GCMOpening {
    private static let nonceBytes = 12, tagBytes = 16
    private let context: OpaquePointer
    /// Where the final call may write (GCM writes nothing there).
    private let tail = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)

    /// OpenSSL frees its global state in an exit handler by default; a
    /// process that exits while another thread still opens templates (a
    /// command ending while its node catches up) then crashed inside
    /// OpenSSL. Initialised once, without that handler.
    private static let initialised: Bool = OPENSSL_init_crypto(UInt64(OPENSSL_INIT_NO_ATEXIT), nil) == 1

    init?(key: [UInt8]) {
        guard Self.initialised, key.count == 32, let context = EVP_CIPHER_CTX_new() else { return nil }
        guard EVP_DecryptInit_ex(context, EVP_aes_256_gcm(), nil, key, nil) == 1 else {
            EVP_CIPHER_CTX_free(context)
            tail.deallocate()
            return nil
        }
        self.context = context
    }

    deinit {
        EVP_CIPHER_CTX_free(context)
        tail.deallocate()
    }

    /// The plaintext of `combined` (nonce, ciphertext, tag) authenticated
    /// with `associated`; nil when it does not open.
    func open(_ combined: UnsafeRawBufferPointer, associated: UnsafeRawBufferPointer) -> [UInt8]? {
        guard combined.count >= Self.nonceBytes + Self.tagBytes, let base = combined.baseAddress else { return nil }
        let nonce = base.assumingMemoryBound(to: UInt8.self)
        let ciphertext = nonce + Self.nonceBytes
        let length = combined.count - Self.nonceBytes - Self.tagBytes
        let tag = UnsafeMutableRawPointer(mutating: ciphertext + length)
        var written: Int32 = 0
        // A new nonce on the kept key schedule.
        guard EVP_DecryptInit_ex(context, nil, nil, nil, nonce) == 1 else { return nil }
        if associated.count > 0 {
            guard EVP_DecryptUpdate(context, nil, &written, associated.baseAddress?.assumingMemoryBound(to: UInt8.self),
                                    Int32(associated.count)) == 1 else { return nil }
        }
        var opened = true
        let plaintext = [UInt8](unsafeUninitializedCapacity: max(length, 1)) { buffer, count in
            count = 0
            if length > 0 {
                opened = EVP_DecryptUpdate(context, buffer.baseAddress, &written, ciphertext, Int32(length)) == 1
                count = opened ? Int(written) : 0
            }
        }
        guard opened, EVP_CIPHER_CTX_ctrl(context, EVP_CTRL_GCM_SET_TAG, Int32(Self.tagBytes), tag) == 1 else { return nil }
        // The tag is checked here.
        guard EVP_DecryptFinal_ex(context, tail, &written) == 1, plaintext.count == length else { return nil }
        return plaintext
    }
}
