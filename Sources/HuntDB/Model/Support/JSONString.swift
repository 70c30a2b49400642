#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
/// Decoding of JSON string escapes (`JSONText` writes them): the loader unescapes keys and
/// values with it, detection the `args` arrays the store keeps.
package enum JSONString {
    /// Unescapes the bytes between a string's quotes.
    package static func unescape(_ raw: UnsafeRawBufferPointer) -> String {
        // Written straight into the string's storage (no intermediate array): unescaping never
        // needs more than 3 bytes per 2 escaped ones (`\x` → U+FFFD).
        String(unsafeUninitializedCapacity: raw.count + raw.count / 2 + 4) { storage in
            var count = 0
            unescape(raw, run: { run in
                UnsafeMutableRawPointer(storage.baseAddress! + count).copyMemory(from: run.baseAddress!, byteCount: run.count)
                count += run.count
            }, byte: { byte in storage[count] = byte; count += 1 })
            return count
        }
    }

    /// The UTF-8 bytes a string's escaped text stands for. The tape refuses invalid escapes and
    /// lone surrogates before anything is unescaped; should one reach here, it becomes U+FFFD.
    package static func unescapedBytes(_ raw: UnsafeRawBufferPointer) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        unescape(raw, run: { out.append(contentsOf: $0) }, byte: { out.append($0) })
        return out
    }

    /// Unescapes `raw`, handing the runs without escapes to `run` whole (each found by `memchr`:
    /// a PowerShell ContextInfo is kilobytes with a few escapes) and each unescaped byte to `byte`.
    @inline(__always)
    private static func unescape(_ raw: UnsafeRawBufferPointer, run: (UnsafeRawBufferPointer) -> Void,
                                 byte append: (UInt8) -> Void) {
        guard let base = raw.baseAddress else { return }
        var i = 0
        while i < raw.count {
            let backslash = memchr(base + i, Int32(UInt8(ascii: "\\")), raw.count - i).map { $0 - UnsafeMutableRawPointer(mutating: base) } ?? raw.count
            if backslash > i { run(UnsafeRawBufferPointer(rebasing: raw[i..<backslash])) }
            i = backslash
            guard i + 1 < raw.count else {
                if i < raw.count { append(raw[i]) }  // a trailing lone backslash, as it is
                return
            }
            let e = raw[i + 1]
            i += 2
            switch e {
            case UInt8(ascii: "n"): append(0x0A)
            case UInt8(ascii: "t"): append(0x09)
            case UInt8(ascii: "r"): append(0x0D)
            case UInt8(ascii: "b"): append(0x08)
            case UInt8(ascii: "f"): append(0x0C)
            case UInt8(ascii: "u"):
                guard let unit = hex4(raw, i) else { appendScalar(0xFFFD, append); continue }
                i += 4
                var scalar = UInt32(unit)
                if (0xD800...0xDBFF).contains(unit) {
                    if i + 6 <= raw.count, raw[i] == UInt8(ascii: "\\"), raw[i + 1] == UInt8(ascii: "u"),
                       let low = hex4(raw, i + 2), (0xDC00...0xDFFF).contains(low) {
                        scalar = 0x10000 + ((UInt32(unit) - 0xD800) << 10) + (UInt32(low) - 0xDC00)
                        i += 6
                    } else {
                        scalar = 0xFFFD
                    }
                } else if (0xDC00...0xDFFF).contains(unit) {
                    scalar = 0xFFFD
                }
                appendScalar(scalar, append)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): append(e)
            default: appendScalar(0xFFFD, append)
            }
        }
    }

    private static func hex4(_ raw: UnsafeRawBufferPointer, _ at: Int) -> UInt16? {
        guard at + 4 <= raw.count else { return nil }
        var value: UInt16 = 0
        for k in at..<at + 4 {
            let c = raw[k]
            let d: UInt8
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): d = c - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): d = c - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): d = c - UInt8(ascii: "A") + 10
            default: return nil
            }
            value = value << 4 | UInt16(d)
        }
        return value
    }

    private static func appendScalar(_ value: UInt32, _ append: (UInt8) -> Void) {
        let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
        for byte in String(Character(scalar)).utf8 { append(byte) }
    }
}
