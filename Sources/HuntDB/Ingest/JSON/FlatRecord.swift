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
        case .escapedString: return JSONString.unescape(raw(span))
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
