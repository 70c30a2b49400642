import Foundation
import Model

/// Frames Windows event XML: every `<Event …>…</Event>` element (`<e:Event>` with a namespace
/// prefix too), whether inside an `<Events>` root (`wevtutil qe /f:xml` with /e) or concatenated.
/// Everything between events (the XML declaration, the root element, white space, a DOCTYPE) is
/// passed over and never interpreted, except an event end tag: the tail of an event cut off
/// (`split -b`) is reported as a damaged record, not dropped.
struct XMLEventFramer: RecordFramer {
    let buffer: StreamBuffer
    private var number: Int64 = 0
    /// Line number at `buffer.start`.
    private var line: Int64 = 1

    init(buffer: StreamBuffer) {
        self.buffer = buffer
    }

    private static let strayEndTag = "text ending in </Event> without its <Event> start tag: the tail of an event cut off (a file split mid-event?)"

    mutating func next() throws -> FrameItem? {
        // Find the next start tag; what lies before it is passed over unless it ends an event.
        guard let open = try find(closing: false, from: 0) else {
            if let stray = strayEnd(before: buffer.end - buffer.start) { return stray }
            advance(to: buffer.end)
            return nil
        }
        if let stray = strayEnd(before: open.at) { return stray }
        advance(to: buffer.start + open.at)
        number += 1
        let startLine = line
        let offset = buffer.offset(of: buffer.start)
        do {
            guard let close = try find(closing: true, from: open.length) else {
                let head = excerpt(buffer.bytes(buffer.start, buffer.end))
                advance(to: buffer.end)
                return .damaged(number: number, line: startLine, offset: offset,
                                reason: "the <Event> element is not closed (truncated file?)", excerpt: head)
            }
            let end = buffer.start + close.at + close.length
            let bytes = buffer.bytes(buffer.start, end)
            advance(to: end)
            return .record(FramedRecord(bytes: bytes, number: number, line: startLine, offset: offset))
        } catch is StreamBuffer.WindowFull {
            // Skip the oversized event: drop bytes until its end tag.
            while true {
                buffer.discardAll()
                guard try buffer.fill() else { break }
                if let close = try? find(closing: true, from: 0) {
                    advance(to: buffer.start + close.at + close.length)
                    break
                }
            }
            return .damaged(number: number, line: startLine, offset: offset,
                            reason: "the <Event> element is larger than \(buffer.maxWindow >> 20) MiB; skipped", excerpt: "")
        }
    }

    /// The bytes before `limit` (relative to `start`) as one damaged item when they hold an event
    /// end tag: the tail of an event whose start is not in this input, counted and not passed over.
    private mutating func strayEnd(before limit: Int) -> FrameItem? {
        let base = UnsafePointer<UInt8>(buffer.storage.baseAddress!.assumingMemoryBound(to: UInt8.self)) + buffer.start
        guard case .found(let closeAt, let closeLength) = Self.scanOrStop(base, available: limit, closing: true, from: 0) else { return nil }
        var first = 0
        while first < closeAt, base[first] == 0x20 || base[first] == 0x09 || base[first] == 0x0A || base[first] == 0x0D { first += 1 }
        advance(to: buffer.start + first)
        number += 1
        let startLine = line
        let offset = buffer.offset(of: buffer.start)
        let end = closeAt + closeLength - first
        let head = excerpt(buffer.bytes(buffer.start, buffer.start + end))
        advance(to: buffer.start + end)
        return .damaged(number: number, line: startLine, offset: offset, reason: Self.strayEndTag, excerpt: head)
    }

    /// Moves `start` to `index`, counting the lines passed.
    private mutating func advance(to index: Int) {
        line += countNewlines(buffer.bytes(buffer.start, index))
        buffer.start = index
    }

    /// Offset (relative to `start`) and length of the next event start or end tag at or after
    /// `from`, reading more input as needed; nil at the end of the input.
    private func find(closing: Bool, from: Int) throws -> (at: Int, length: Int)? {
        var searchFrom = from
        while true {
            let base = UnsafePointer<UInt8>(buffer.storage.baseAddress!.assumingMemoryBound(to: UInt8.self)) + buffer.start
            let available = buffer.end - buffer.start
            switch Self.scanOrStop(base, available: available, closing: closing, from: searchFrom) {
            case .found(let at, let length): return (at, length)
            case .needMore(let resumeAt): searchFrom = max(from, resumeAt)
            }
            guard try buffer.fill() else { return nil }
        }
    }

    private enum ScanResult {
        case found(at: Int, length: Int)
        /// Nothing found in the bytes available; search again from `resumeAt` with more.
        case needMore(resumeAt: Int)
    }

    private static func scanOrStop(_ base: UnsafePointer<UInt8>, available: Int, closing: Bool, from: Int) -> ScanResult {
        var i = from
        while i < available {
            guard let hit = memchr(base + i, Int32(UInt8(ascii: "<")), available - i) else { break }
            let at = UnsafePointer<UInt8>(hit.assumingMemoryBound(to: UInt8.self)) - base
            switch XMLEventTag.match(base + at, available: available - at, closing: closing) {
            case .yes(let length): return .found(at: at, length: length)
            case .needMore: return .needMore(resumeAt: at)
            case .no: i = at + 1
            }
        }
        return .needMore(resumeAt: available)
    }
}
