/// The 64-bit hash of a text's UTF-8 bytes that `texts.hash` stores (m0017): the writer finds a
/// command line or an `args` array by it instead of by an index over the whole text.
///
/// Stored, so fixed: changing it would need a migration that hashes every text again. Eight
/// bytes at a time, read little-endian, then the tail, then a final mix. Equal hashes do not
/// mean equal texts: a look-up always compares the text too.
enum TextHash {
    static func of(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        var h: UInt64 = 0x2545_F491_4F6C_DD1D ^ UInt64(bytes.count)
        var i = 0
        let n = bytes.count
        while i + 8 <= n {
            let word = UInt64(littleEndian: bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            h = (h ^ word) &* 0x9FB2_1C65_1E98_DF25
            h ^= h >> 29
            i += 8
        }
        if i < n {
            var tail: UInt64 = 0
            var shift: UInt64 = 0
            while i < n { tail |= UInt64(bytes[i]) << shift; shift += 8; i += 1 }
            h = (h ^ tail) &* 0x9FB2_1C65_1E98_DF25
        }
        h ^= h >> 32
        h = h &* 0xD6E8_FEB8_6659_FD93
        h ^= h >> 32
        return Int64(bitPattern: h)
    }

    static func of(_ text: String) -> Int64 {
        var text = text
        return text.withUTF8 { of(UnsafeRawBufferPointer($0)) }
    }
}
