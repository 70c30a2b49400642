import Foundation
import Model

/// Frames newline-delimited records (NDJSON): one record per non-blank line. Lines end with
/// `\n` (a `\r` before it is dropped), or with `\r` alone in files written that way.
///
/// A line longer than the buffer's window is reported as damaged and skipped without holding it
/// in memory.
struct LineFramer: RecordFramer {
    let buffer: StreamBuffer
    private var line: Int64 = 0
    /// Bytes after `buffer.start` already searched for a newline.
    private var scanned = 0

    /// The byte that ends a line: `\n`, or `\r` for input with carriage returns alone.
    private let lineEnd: UInt8

    init(buffer: StreamBuffer, lineEnd: UInt8 = 0x0A) {
        self.buffer = buffer
        self.lineEnd = lineEnd
    }

    mutating func next() throws -> FrameItem? {
        while true {
            let searchFrom = buffer.start + scanned
            let available = buffer.end - searchFrom
            if available > 0, let hit = memchr(buffer.storage.baseAddress! + searchFrom, Int32(lineEnd), available) {
                let newline = UnsafeRawPointer(hit) - UnsafeRawPointer(buffer.storage.baseAddress!)
                let recordStart = buffer.start
                buffer.start = newline + 1
                scanned = 0
                line += 1
                if let item = item(from: recordStart, to: newline) { return item }
                continue
            }
            scanned = buffer.end - buffer.start
            let grew: Bool
            do {
                grew = try buffer.fill()
            } catch is StreamBuffer.WindowFull {
                return try skipOversizedLine()
            }
            if !grew {
                guard buffer.end > buffer.start else { return nil }
                let recordStart = buffer.start
                buffer.start = buffer.end
                scanned = 0
                line += 1
                if let item = item(from: recordStart, to: buffer.end) { return item }
                return nil
            }
        }
    }

    private func item(from: Int, to: Int) -> FrameItem? {
        var end = to
        if end > from, buffer.storage[end - 1] == 0x0D, lineEnd == 0x0A { end -= 1 }
        var first = from
        while first < end, buffer.storage[first] == 0x20 || buffer.storage[first] == 0x09 || buffer.storage[first] == 0x0A { first += 1 }
        guard first < end else { return nil }
        return .record(FramedRecord(bytes: buffer.bytes(from, end), number: line, line: line, offset: buffer.offset(of: from)))
    }

    private mutating func skipOversizedLine() throws -> FrameItem? {
        line += 1
        let offset = buffer.offset(of: buffer.start)
        let head = excerpt(buffer.bytes(buffer.start, buffer.end))
        let limit = buffer.maxWindow
        while true {
            buffer.discardAll()
            guard try buffer.fill() else { break }
            if let hit = memchr(buffer.storage.baseAddress! + buffer.start, Int32(lineEnd), buffer.end - buffer.start) {
                buffer.start = UnsafeRawPointer(hit) - UnsafeRawPointer(buffer.storage.baseAddress!) + 1
                break
            }
        }
        scanned = 0
        return .damaged(number: line, line: line, offset: offset,
                        reason: "the line is longer than \(limit >> 20) MiB; skipped", excerpt: head)
    }
}
