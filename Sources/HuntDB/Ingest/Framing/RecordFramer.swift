import Foundation
import Model

/// One record cut from a stream; `bytes` stay valid until the framer's next call.
struct FramedRecord {
    var bytes: UnsafeRawBufferPointer
    /// Line number (line-based input) or 1-based record ordinal (all other framings).
    var number: Int64
    /// Line where the record starts.
    var line: Int64
    /// Byte offset in the decompressed stream.
    var offset: Int64
}

/// What a framer yields: a record, or a stretch of input it could not make a record of.
enum FrameItem {
    case record(FramedRecord)
    case damaged(number: Int64, line: Int64, offset: Int64, reason: String, excerpt: String)
}

/// Cuts a byte stream into records.
protocol RecordFramer {
    /// The next record, or nil at the end of the input.
    mutating func next() throws -> FrameItem?
}

/// A short, printable start of a record for reject messages.
func excerpt(_ bytes: UnsafeRawBufferPointer, limit: Int = 160) -> String {
    let cut = UnsafeRawBufferPointer(rebasing: bytes[0..<min(bytes.count, limit)])
    var text = String(decoding: cut, as: UTF8.self)
    text = String(text.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) })
    return bytes.count > limit ? text + "…" : text
}

/// Counts `\n` bytes.
func countNewlines(_ bytes: UnsafeRawBufferPointer) -> Int64 {
    guard var p = bytes.baseAddress else { return 0 }
    var remaining = bytes.count
    var count: Int64 = 0
    while remaining > 0, let hit = memchr(p, 0x0A, remaining) {
        count += 1
        let advance = UnsafeRawPointer(hit) - p + 1
        p += advance
        remaining -= advance
    }
    return count
}
