import CCrypto

/// SHA-256, streaming, through OpenSSL's libcrypto (which uses the CPU's SHA instructions: about
/// 1.3 GB/s here, four times a portable Swift implementation). Used for source file hashes and
/// the content keys of records without a record id.
package struct SHA256 {
    private let context: Context

    package init() {
        context = Context()
    }

    /// The digest of `bytes` in one call.
    package static func hash(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var h = SHA256()
        h.update(bytes)
        return h.finalize()
    }

    package static func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { hash($0) }
    }

    package mutating func update(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return }
        EVP_DigestUpdate(context.pointer, base, bytes.count)
    }

    /// The digest; the hasher must not be used afterwards.
    package mutating func finalize() -> [UInt8] {
        var digest = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        digest.withUnsafeMutableBufferPointer { _ = EVP_DigestFinal_ex(context.pointer, $0.baseAddress, &length) }
        return digest
    }

    /// Owns one EVP_MD_CTX.
    private final class Context {
        let pointer: OpaquePointer

        init() {
            // Allocation failure means the process is out of memory; nothing sensible remains.
            guard let context = EVP_MD_CTX_new() else { fatalError("OpenSSL could not allocate a digest context") }
            pointer = context
            EVP_DigestInit_ex(pointer, EVP_sha256(), nil)
        }

        deinit {
            EVP_MD_CTX_free(pointer)
        }
    }
}

extension Array where Element == UInt8 {
    /// Lower-case hex.
    package var hexString: String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count * 2)
        for b in self { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
