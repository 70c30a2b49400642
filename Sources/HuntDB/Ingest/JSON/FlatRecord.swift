import Foundation
import Model
import Normalize

/// A flat-dialect record as `FlatRecordScanner` found it: the line's bytes and the span of each
/// Sysmon field. Reads exactly as the generic reader's view of the same record: strings
/// unescaped, numbers and booleans as written, nil for absent and null.
struct FlatRecord: SysmonRecord {
    let bytes: UnsafeRawBufferPointer
    let spans: [FlatValueSpan]

    func text(_ field: SysmonField) -> String? {
        let span = spans[field.rawValue]
        switch span.kind {
        case .absent, .null: return nil
        case .string, .text: return String(decoding: raw(span), as: UTF8.self)
        case .escapedString: return Self.unescape(raw(span))
        }
    }

    /// `JSONString.unescape` of a string the scanner checked (every escape valid, every
    /// surrogate paired): the runs between backslashes are copied whole.
    static func unescape(_ raw: UnsafeRawBufferPointer) -> String {
        guard let base = raw.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return "" }
        let n = raw.count
        // Every escape is longer than what it stands for: the text never grows.
        return String(unsafeUninitializedCapacity: n) { out in
            let target = out.baseAddress!
            var o = 0
            var i = 0
            while i < n {
                let run = memchr(base + i, 0x5C, n - i).map { UnsafePointer<UInt8>($0.assumingMemoryBound(to: UInt8.self)) - (base + i) } ?? (n - i)
                if run > 0 {
                    (target + o).update(from: base + i, count: run)
                    o += run
                    i += run
                }
                guard i + 1 < n else { break }
                let escape = base[i + 1]
                i += 2
                switch escape {
                case UInt8(ascii: "n"): target[o] = 0x0A; o += 1
                case UInt8(ascii: "t"): target[o] = 0x09; o += 1
                case UInt8(ascii: "r"): target[o] = 0x0D; o += 1
                case UInt8(ascii: "b"): target[o] = 0x08; o += 1
                case UInt8(ascii: "f"): target[o] = 0x0C; o += 1
                case UInt8(ascii: "u"):
                    var scalar = hex4(base + i)
                    i += 4
                    if scalar >= 0xD800, scalar <= 0xDBFF, i + 6 <= n {
                        scalar = 0x10000 + ((scalar - 0xD800) << 10) + (hex4(base + i + 2) - 0xDC00)
                        i += 6
                    }
                    o += encodeUTF8(scalar, into: target + o)
                default: target[o] = escape; o += 1  // `"`, `\\`, `/`
                }
            }
            return o
        }
    }

    private static func hex4(_ p: UnsafePointer<UInt8>) -> UInt32 {
        var value: UInt32 = 0
        for k in 0..<4 {
            let c = UInt32(p[k])
            let digit = c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x61 + 10
            value = value << 4 | digit
        }
        return value
    }

    private static func encodeUTF8(_ scalar: UInt32, into p: UnsafeMutablePointer<UInt8>) -> Int {
        switch scalar {
        case 0..<0x80:
            p[0] = UInt8(scalar)
            return 1
        case 0x80..<0x800:
            p[0] = UInt8(0xC0 | scalar >> 6)
            p[1] = UInt8(0x80 | scalar & 0x3F)
            return 2
        case 0x800..<0x10000:
            p[0] = UInt8(0xE0 | scalar >> 12)
            p[1] = UInt8(0x80 | scalar >> 6 & 0x3F)
            p[2] = UInt8(0x80 | scalar & 0x3F)
            return 3
        default:
            p[0] = UInt8(0xF0 | scalar >> 18)
            p[1] = UInt8(0x80 | scalar >> 12 & 0x3F)
            p[2] = UInt8(0x80 | scalar >> 6 & 0x3F)
            p[3] = UInt8(0x80 | scalar & 0x3F)
            return 4
        }
    }

    /// The span's bytes as written (inside the quotes for strings).
    @inline(__always)
    func raw(_ span: FlatValueSpan) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: bytes[Int(span.start)..<Int(span.end)])
    }

    /// The field's bytes when they are its text as is (no escapes to undo); nil otherwise.
    @inline(__always)
    func plainBytes(_ field: SysmonField) -> UnsafeRawBufferPointer? {
        let span = spans[field.rawValue]
        switch span.kind {
        case .string, .text: return raw(span)
        case .absent, .null, .escapedString: return nil
        }
    }

    /// The object from its `{` to its `}`, as the generic reader hashes a record without an id.
    func rawBytes() -> [UInt8] {
        var start = 0
        var end = bytes.count
        while start < end, bytes[start] != UInt8(ascii: "{") { start += 1 }
        while end > start, bytes[end - 1] != UInt8(ascii: "}") { end -= 1 }
        return Array(bytes[start..<end])
    }
}
