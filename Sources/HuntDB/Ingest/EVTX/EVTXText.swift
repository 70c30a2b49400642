import Model

/// Text decoding helpers for EVTX strings: UTF-16 little-endian (with repair of unpaired
/// surrogates) and single-byte "ANSI" strings.
enum EVTXText {
    /// Decodes `units` UTF-16LE code units starting at `offset`, dropping trailing NUL characters.
    /// The caller has checked that the range lies inside `bytes`.
    static func utf16(_ bytes: EVTXBytes, _ offset: Int, units: Int) -> String {
        var n = units
        while n > 0 && bytes.u16Unchecked(offset + 2 * (n - 1)) == 0 { n -= 1 }
        if n == 0 { return "" }
        // ASCII-only text (the common case) needs one byte per unit.
        var ascii = true
        var k = 0
        while k + 4 <= n {
            if bytes.u64Unchecked(offset + 2 * k) & 0xFF80_FF80_FF80_FF80 != 0 { ascii = false; break }
            k += 4
        }
        while ascii && k < n {
            if bytes.u16Unchecked(offset + 2 * k) >= 0x80 { ascii = false }
            k += 1
        }
        if ascii {
            return String(unsafeUninitializedCapacity: n) { out in
                for j in 0 ..< n { out[j] = UInt8(truncatingIfNeeded: bytes.u16Unchecked(offset + 2 * j)) }
                return n
            }
        }
        return String(unsafeUninitializedCapacity: n * 3) { out in
            var o = 0
            var i = 0
            while i < n {
                let u = UInt32(bytes.u16Unchecked(offset + 2 * i))
                i += 1
                var scalar = u
                if u >= 0xD800 && u <= 0xDBFF {
                    if i < n {
                        let low = UInt32(bytes.u16Unchecked(offset + 2 * i))
                        if low >= 0xDC00 && low <= 0xDFFF {
                            scalar = 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00)
                            i += 1
                        } else {
                            scalar = 0xFFFD
                        }
                    } else {
                        scalar = 0xFFFD
                    }
                } else if u >= 0xDC00 && u <= 0xDFFF {
                    scalar = 0xFFFD
                }
                o = appendUTF8(scalar, out, o)
            }
            return o
        }
    }

    /// Writes the UTF-8 form of `scalar` at `o` in `out` and returns the new end; `out` has room.
    @inline(__always)
    static func appendUTF8(_ scalar: UInt32, _ out: UnsafeMutableBufferPointer<UInt8>, _ o: Int) -> Int {
        if scalar < 0x80 {
            out[o] = UInt8(scalar)
            return o + 1
        } else if scalar < 0x800 {
            out[o] = UInt8(0xC0 | (scalar >> 6))
            out[o + 1] = UInt8(0x80 | (scalar & 0x3F))
            return o + 2
        } else if scalar < 0x10000 {
            out[o] = UInt8(0xE0 | (scalar >> 12))
            out[o + 1] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            out[o + 2] = UInt8(0x80 | (scalar & 0x3F))
            return o + 3
        } else {
            // Supplementary scalars come from two UTF-16 units, so 4 bytes fit in the 6 reserved.
            out[o] = UInt8(0xF0 | (scalar >> 18))
            out[o + 1] = UInt8(0x80 | ((scalar >> 12) & 0x3F))
            out[o + 2] = UInt8(0x80 | ((scalar >> 6) & 0x3F))
            out[o + 3] = UInt8(0x80 | (scalar & 0x3F))
            return o + 4
        }
    }

    /// Decodes a single-byte string: UTF-8 when it is valid UTF-8, else Latin-1; trailing NULs dropped.
    static func ansi(_ raw: UnsafeRawBufferPointer) -> String {
        var n = raw.count
        while n > 0 && raw[n - 1] == 0 { n -= 1 }
        let bytes = UnsafeRawBufferPointer(rebasing: raw[0 ..< n])
        let decoded = String(decoding: bytes, as: UTF8.self)
        if decoded.utf8.elementsEqual(bytes) { return decoded }
        return String(unsafeUninitializedCapacity: n * 2) { out in
            var o = 0
            for b in bytes { o = appendUTF8(UInt32(b), out, o) }
            return o
        }
    }
}
