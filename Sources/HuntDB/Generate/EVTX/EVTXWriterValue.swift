import Model

/// A typed substitution value the writer can store, with its BinXML type code and encoding.
/// The public writer stores text as `.string`; the other cases let tests (and callers that know
/// their types) produce every value type the reader renders.
enum EVTXWriterValue {
    case null
    case string(String)
    case ansi(String)
    case int8(Int8), uint8(UInt8), int16(Int16), uint16(UInt16)
    case int32(Int32), uint32(UInt32), int64(Int64), uint64(UInt64)
    case real32(Float), real64(Double)
    case bool(Bool)
    case binary([UInt8])
    /// The 16 bytes of a GUID as stored (little-endian first three fields).
    case guid([UInt8])
    case sizeT(UInt64)
    case fileTime(UInt64)
    /// Year, month, day of week, day, hour, minute, second, milliseconds.
    case systemTime([UInt16])
    /// Revision, 48-bit identifier authority and sub-authorities.
    case sid(revision: UInt8, authority: UInt64, subAuthorities: [UInt32])
    case hex32(UInt32), hex64(UInt64)
    case stringArray([String])
    case uint16Array([UInt16])
    case hex64Array([UInt64])

    /// The BinXML value type code.
    var type: UInt8 {
        switch self {
        case .null: return 0x00
        case .string: return 0x01
        case .ansi: return 0x02
        case .int8: return 0x03
        case .uint8: return 0x04
        case .int16: return 0x05
        case .uint16: return 0x06
        case .int32: return 0x07
        case .uint32: return 0x08
        case .int64: return 0x09
        case .uint64: return 0x0A
        case .real32: return 0x0B
        case .real64: return 0x0C
        case .bool: return 0x0D
        case .binary: return 0x0E
        case .guid: return 0x0F
        case .sizeT: return 0x10
        case .fileTime: return 0x11
        case .systemTime: return 0x12
        case .sid: return 0x13
        case .hex32: return 0x14
        case .hex64: return 0x15
        case .stringArray: return 0x81
        case .uint16Array: return 0x86
        case .hex64Array: return 0x95
        }
    }

    /// Appends the value's bytes to `out`.
    func encode(into out: inout [UInt8]) {
        func le<T: FixedWidthInteger>(_ v: T) {
            for k in 0 ..< MemoryLayout<T>.size { out.append(UInt8(truncatingIfNeeded: v >> (8 * k))) }
        }
        switch self {
        case .null: break
        case .string(let s): Self.appendUTF16(s, to: &out)
        case .ansi(let s): out.append(contentsOf: s.utf8)
        case .int8(let v): le(v)
        case .uint8(let v): le(v)
        case .int16(let v): le(v)
        case .uint16(let v): le(v)
        case .int32(let v): le(v)
        case .uint32(let v): le(v)
        case .int64(let v): le(v)
        case .uint64(let v): le(v)
        case .real32(let v): le(v.bitPattern)
        case .real64(let v): le(v.bitPattern)
        case .bool(let v): le(UInt32(v ? 1 : 0))
        case .binary(let b), .guid(let b): out.append(contentsOf: b)
        case .sizeT(let v), .fileTime(let v), .hex64(let v): le(v)
        case .systemTime(let f): for v in f { le(v) }
        case .sid(let revision, let authority, let subs):
            out.append(revision)
            out.append(UInt8(truncatingIfNeeded: subs.count))
            for shift in stride(from: 40, through: 0, by: -8) { out.append(UInt8(truncatingIfNeeded: authority >> UInt64(shift))) }
            for s in subs { le(s) }
        case .hex32(let v): le(v)
        case .stringArray(let items): for s in items { Self.appendUTF16(s, to: &out); le(UInt16(0)) }
        case .uint16Array(let items): for v in items { le(v) }
        case .hex64Array(let items): for v in items { le(v) }
        }
    }

    /// Appends the UTF-16LE code units of `s`.
    static func appendUTF16(_ s: String, to out: inout [UInt8]) {
        let utf16 = s.utf16
        out.reserveCapacity(out.count + 2 * utf16.count)
        for u in utf16 {
            out.append(UInt8(truncatingIfNeeded: u))
            out.append(UInt8(truncatingIfNeeded: u >> 8))
        }
    }
}
