import Model

/// Renders typed BinXML substitution values as text, the way Windows' XML rendering does:
/// decimal integers, "0x…" lower-case hexadecimal for hex and size types, upper-case braced GUIDs,
/// FILETIME/SYSTEMTIME as ISO 8601 with seven fractional digits, "S-1-…" SIDs, "true"/"false",
/// upper-case hexadecimal for binary data.
enum EVTXValueRenderer {
    static let hexUpper: [UInt8] = Array("0123456789ABCDEF".utf8)

    /// The fixed width of a scalar value type, or nil for variable-size types.
    static func width(of type: UInt8) -> Int? {
        switch type {
        case 0x03, 0x04: return 1
        case 0x05, 0x06: return 2
        case 0x07, 0x08, 0x0B, 0x0D, 0x14: return 4
        case 0x09, 0x0A, 0x0C, 0x11, 0x15: return 8
        case 0x0F, 0x12: return 16
        default: return nil
        }
    }

    /// Renders one non-array value of `type` stored at `offset ..< offset + length` (already bounds-checked).
    static func render(_ b: EVTXBytes, type: UInt8, offset o: Int, length n: Int) -> String {
        if let w = width(of: type), w != n {
            return hex(b, o, n)   // a value whose size does not fit its type: show the raw bytes
        }
        switch type {
        case 0x00: return ""
        case 0x01: return EVTXText.utf16(b, o, units: n / 2)
        case 0x02: return EVTXText.ansi(UnsafeRawBufferPointer(rebasing: b.base[o ..< o + n]))
        case 0x03: return String(Int8(bitPattern: b.base[o]))
        case 0x04: return String(b.base[o])
        case 0x05: return String(Int16(bitPattern: b.u16Unchecked(o)))
        case 0x06: return String(b.u16Unchecked(o))
        case 0x07: return String(Int32(bitPattern: b.u32Unchecked(o)))
        case 0x08: return String(b.u32Unchecked(o))
        case 0x09: return String(Int64(bitPattern: b.u64Unchecked(o)))
        case 0x0A: return String(b.u64Unchecked(o))
        case 0x0B: return real(Double(Float(bitPattern: b.u32Unchecked(o))))
        case 0x0C: return real(Double(bitPattern: b.u64Unchecked(o)))
        case 0x0D: return b.u32Unchecked(o) != 0 ? "true" : "false"
        case 0x0F: return guid(b, o)
        case 0x10:
            if n == 4 { return "0x" + String(b.u32Unchecked(o), radix: 16) }
            if n == 8 { return "0x" + String(b.u64Unchecked(o), radix: 16) }
            return hex(b, o, n)
        case 0x11: return EVTXTime.format(fileTime: b.u64Unchecked(o))
        case 0x12: return EVTXTime.format(systemTime: (0..<8).map { b.u16Unchecked(o + 2 * $0) })
        case 0x13: return sid(b, o, n)?.text ?? hex(b, o, n)
        case 0x14: return "0x" + String(b.u32Unchecked(o), radix: 16)
        case 0x15: return "0x" + String(b.u64Unchecked(o), radix: 16)
        default: return hex(b, o, n)   // binary (0x0E), handles, EvtXml and unknown types
        }
    }

    /// Renders an array value (type with the 0x80 flag) as its items, in order.
    static func renderArray(_ b: EVTXBytes, type: UInt8, offset o: Int, length n: Int) -> [String] {
        let item = type & 0x7F
        var out: [String] = []
        switch item {
        case 0x01:
            // NUL-terminated UTF-16 strings, one after another.
            var start = 0
            let units = n / 2
            for i in 0 ..< units where b.u16Unchecked(o + 2 * i) == 0 {
                out.append(EVTXText.utf16(b, o + 2 * start, units: i - start))
                start = i + 1
            }
            if start < units { out.append(EVTXText.utf16(b, o + 2 * start, units: units - start)) }
        case 0x02:
            var start = 0
            for i in 0 ..< n where b.base[o + i] == 0 {
                out.append(EVTXText.ansi(UnsafeRawBufferPointer(rebasing: b.base[o + start ..< o + i])))
                start = i + 1
            }
            if start < n { out.append(EVTXText.ansi(UnsafeRawBufferPointer(rebasing: b.base[o + start ..< o + n]))) }
        case 0x13:
            var p = 0
            while p < n, let s = sid(b, o + p, n - p) {
                out.append(s.text)
                p += s.size
            }
        case 0x10:
            // Size-type arrays carry 64-bit items when the length allows it, else 32-bit items.
            let w = n % 8 == 0 ? 8 : 4
            var p = 0
            while p + w <= n { out.append(render(b, type: item, offset: o + p, length: w)); p += w }
        default:
            guard let w = width(of: item) else { return [hex(b, o, n)] }
            var p = 0
            while p + w <= n { out.append(render(b, type: item, offset: o + p, length: w)); p += w }
        }
        return out
    }

    static func real(_ v: Double) -> String {
        if v.isNaN { return "-1.#IND" }
        if v.isInfinite { return v < 0 ? "-1.#INF" : "1.#INF" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return String(v)
    }

    /// Upper-case hexadecimal digits of the bytes, no separators.
    static func hex(_ b: EVTXBytes, _ o: Int, _ n: Int) -> String {
        String(unsafeUninitializedCapacity: 2 * n) { out in
            for i in 0 ..< n {
                let v = b.base[o + i]
                out[2 * i] = hexUpper[Int(v >> 4)]
                out[2 * i + 1] = hexUpper[Int(v & 0xF)]
            }
            return 2 * n
        }
    }

    /// "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}" from a little-endian GUID.
    static func guid(_ b: EVTXBytes, _ o: Int) -> String {
        String(unsafeUninitializedCapacity: 38) { out in
            var i = 0
            func put(_ v: UInt64, digits: Int) {
                var shift = (digits - 1) * 4
                while shift >= 0 { out[i] = hexUpper[Int((v >> UInt64(shift)) & 0xF)]; i += 1; shift -= 4 }
            }
            func sep(_ c: UInt8) { out[i] = c; i += 1 }
            sep(123)
            put(UInt64(b.u32Unchecked(o)), digits: 8); sep(45)
            put(UInt64(b.u16Unchecked(o + 4)), digits: 4); sep(45)
            put(UInt64(b.u16Unchecked(o + 6)), digits: 4); sep(45)
            put(UInt64(b.base[o + 8]) << 8 | UInt64(b.base[o + 9]), digits: 4); sep(45)
            for k in 10 ..< 16 { put(UInt64(b.base[o + k]), digits: 2) }
            sep(125)
            return i
        }
    }

    /// A SID at `o` (revision, sub-authority count, 48-bit big-endian authority, 32-bit
    /// little-endian sub-authorities) as "S-1-5-21-…", with its size; nil when it does not fit in `n`.
    static func sid(_ b: EVTXBytes, _ o: Int, _ n: Int) -> (text: String, size: Int)? {
        guard n >= 8 else { return nil }
        let count = Int(b.base[o + 1])
        let size = 8 + 4 * count
        guard size <= n else { return nil }
        var authority: UInt64 = 0
        for k in 2 ..< 8 { authority = authority << 8 | UInt64(b.base[o + k]) }
        var text = "S-" + String(b.base[o]) + "-"
        text += authority >= 1 << 32 ? "0x" + String(authority, radix: 16, uppercase: true) : String(authority)
        for k in 0 ..< count { text += "-" + String(b.u32Unchecked(o + 8 + 4 * k)) }
        return (text, size)
    }
}
