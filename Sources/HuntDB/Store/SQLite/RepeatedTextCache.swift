import CSQLite
#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif

/// Long texts a reader meets again and again (a source process's executable and command line),
/// each made into a `String` once and then shared: a long string costs an allocation, a UTF-8
/// check and a free, far more than hashing its bytes. (Texts of up to 15 bytes are kept inside
/// the `String` itself and cost little: read them directly.)
///
/// A direct-mapped table of `slots` entries keyed by the bytes' hash (`InternCache.hash`); a
/// hit is checked byte for byte, a miss replaces the slot, so memory stays bounded.
struct RepeatedTextCache {
    private var hashes: [UInt64]
    private var texts: [String]
    private let mask: Int

    /// - Parameter slots: rounded up to a power of two.
    init(slots: Int = 1_024) {
        var size = 16
        while size < slots { size <<= 1 }
        hashes = Array(repeating: 0, count: size)
        texts = Array(repeating: "", count: size)
        mask = size - 1
    }

    /// The text of `bytes` (valid UTF-8, as SQLite returns a TEXT column).
    mutating func text(_ bytes: UnsafeRawBufferPointer) -> String {
        let hash = InternCache.hash(bytes)
        let slot = Int(truncatingIfNeeded: hash >> 32) & mask
        if hashes[slot] == hash {
            var candidate = texts[slot]
            let same = candidate.withUTF8 { held in
                held.count == bytes.count && (held.count == 0 || memcmp(held.baseAddress!, bytes.baseAddress!, held.count) == 0)
            }
            if same { return candidate }
        }
        let text = String(decoding: bytes, as: UTF8.self)
        hashes[slot] = hash
        texts[slot] = text
        return text
    }
}

extension Statement {
    /// The column's text, made through `cache` (nil for NULL).
    func text(_ index: Int32, cache: inout RepeatedTextCache) -> String? {
        guard sqlite3_column_type(handle, index) != SQLITE_NULL else { return nil }
        return cache.text(bytes(index))
    }
}
