import Model

/// Fast UTF-8 validation with an ASCII fast path.
enum UTF8Validation {
    /// The offset of the first byte that is not valid UTF-8, or nil when all of it is valid.
    static func firstInvalidOffset(_ bytes: UnsafeRawBufferPointer) -> Int? {
        var i = 0
        let n = bytes.count
        // ASCII fast path, 8 bytes at a time.
        while i + 8 <= n {
            let word = bytes.loadUnaligned(fromByteOffset: i, as: UInt64.self)
            if word & 0x8080_8080_8080_8080 != 0 { break }
            i += 8
        }
        while i < n {
            let c = bytes[i]
            if c < 0x80 { i += 1; continue }
            let length: Int
            let minimum: UInt32
            var scalar: UInt32
            switch c {
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(c & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(c & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(c & 0x07)
            default: return i
            }
            guard i + length <= n else { return i }
            for k in 1..<length {
                let cc = bytes[i + k]
                guard cc & 0xC0 == 0x80 else { return i }
                scalar = scalar << 6 | UInt32(cc & 0x3F)
            }
            if scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar) { return i }
            i += length
        }
        return nil
    }
}
