import Foundation
import Model

/// Frames Windows event XML: every `<Event …>…</Event>` element, whether inside an `<Events>`
/// root (`wevtutil qe /f:xml` with /e) or concatenated. Everything between events (the XML
/// declaration, the root element, white space, a DOCTYPE) is passed over and never interpreted.
struct XMLEventFramer: RecordFramer {
    let buffer: StreamBuffer
    private var number: Int64 = 0
    /// Line number at `buffer.start`.
    private var line: Int64 = 1

    init(buffer: StreamBuffer) {
        self.buffer = buffer
    }

    private static let open = Array("<Event".utf8)
    private static let close = Array("</Event>".utf8)

    mutating func next() throws -> FrameItem? {
        // Find the next start tag.
        guard let tagStart = try find(Self.open, from: 0, requireBoundary: true) else {
            advance(to: buffer.end)
            return nil
        }
        advance(to: buffer.start + tagStart)
        number += 1
        let startLine = line
        let offset = buffer.offset(of: buffer.start)
        do {
            guard let closeAt = try find(Self.close, from: Self.open.count, requireBoundary: false) else {
                let head = excerpt(buffer.bytes(buffer.start, buffer.end))
                advance(to: buffer.end)
                return .damaged(number: number, line: startLine, offset: offset,
                                reason: "the <Event> element is not closed (truncated file?)", excerpt: head)
            }
            let end = buffer.start + closeAt + Self.close.count
            let bytes = buffer.bytes(buffer.start, end)
            advance(to: end)
            return .record(FramedRecord(bytes: bytes, number: number, line: startLine, offset: offset))
        } catch is StreamBuffer.WindowFull {
            // Skip the oversized event: drop bytes until its end tag.
            while true {
                buffer.discardAll()
                guard try buffer.fill() else { break }
                if let at = try? find(Self.close, from: 0, requireBoundary: false) {
                    advance(to: buffer.start + at + Self.close.count)
                    break
                }
            }
            return .damaged(number: number, line: startLine, offset: offset,
                            reason: "the <Event> element is larger than \(buffer.maxWindow >> 20) MiB; skipped", excerpt: "")
        }
    }

    /// Moves `start` to `index`, counting the lines passed.
    private mutating func advance(to index: Int) {
        line += countNewlines(buffer.bytes(buffer.start, index))
        buffer.start = index
    }

    /// Offset (relative to `start`) of `pattern` at or after `from`, reading more input as needed.
    /// With `requireBoundary`, the byte after the pattern must be white space, `>` or `/`.
    private func find(_ pattern: [UInt8], from: Int, requireBoundary: Bool) throws -> Int? {
        var searchFrom = from
        while true {
            let base = buffer.storage.baseAddress! + buffer.start
            let available = buffer.end - buffer.start
            var i = searchFrom
            while i + pattern.count <= available {
                guard let hit = memchr(base + i, Int32(pattern[0]), available - i) else { i = available; break }
                let at = UnsafeRawPointer(hit) - UnsafeRawPointer(base)
                if at + pattern.count + (requireBoundary ? 1 : 0) > available { i = at; break }
                if memcmp(base + at, pattern, pattern.count) == 0 {
                    if !requireBoundary { return at }
                    let after = buffer.storage[buffer.start + at + pattern.count]
                    if after == 0x20 || after == 0x09 || after == 0x0A || after == 0x0D || after == UInt8(ascii: ">") || after == UInt8(ascii: "/") {
                        return at
                    }
                }
                i = at + 1
            }
            searchFrom = max(from, i)
            guard try buffer.fill() else { return nil }
        }
    }
}
