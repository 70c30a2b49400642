import Model

/// Frames JSON that is not one record per line: pretty-printed objects one after another, a
/// top-level array (each element is a record, streamed, never the whole array in memory), and
/// evtx_dump's `Record N` header lines between objects.
struct JSONValueFramer: RecordFramer {
    let buffer: StreamBuffer
    private var number: Int64 = 0
    /// Line number at `buffer.start`.
    private var line: Int64 = 1
    private var inArray = false

    init(buffer: StreamBuffer) {
        self.buffer = buffer
    }

    mutating func next() throws -> FrameItem? {
        while true {
            guard try ensureByte(at: 0) else {
                if inArray {
                    inArray = false
                    number += 1
                    return .damaged(number: number, line: line, offset: buffer.offset(of: buffer.start),
                                    reason: "the JSON array is not closed (truncated file?)", excerpt: "")
                }
                return nil
            }
            let c = buffer.storage[buffer.start]
            switch c {
            case 0x20, 0x09, 0x0D: buffer.start += 1
            case 0x0A: buffer.start += 1; line += 1
            case UInt8(ascii: ",") where inArray:
                buffer.start += 1
            case UInt8(ascii: "]") where inArray:
                inArray = false
                buffer.start += 1
            case UInt8(ascii: "[") where !inArray:
                inArray = true
                buffer.start += 1
            case UInt8(ascii: "R") where !inArray:
                // evtx_dump writes `Record 12` before each pretty-printed object.
                let header = try takeLine()
                if !header.hasPrefix("Record ") {
                    number += 1
                    return .damaged(number: number, line: line - 1, offset: buffer.offset(of: buffer.start),
                                    reason: "unexpected text between JSON records", excerpt: header)
                }
            case UInt8(ascii: "{"), UInt8(ascii: "["), UInt8(ascii: "\""), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                 UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                return try frameValue()
            default:
                let offset = buffer.offset(of: buffer.start)
                let text = try takeLine()
                number += 1
                return .damaged(number: number, line: line - 1, offset: offset,
                                reason: "unexpected text between JSON records", excerpt: text)
            }
        }
    }

    /// Makes sure `storage[start + index]` exists; false at end of input.
    private func ensureByte(at index: Int) throws -> Bool {
        while buffer.start + index >= buffer.end {
            guard try buffer.fill() else { return false }
        }
        return true
    }

    /// Consumes up to and including the next newline, returning the line's text.
    private mutating func takeLine() throws -> String {
        var i = 0
        var text: [UInt8] = []
        while try ensureByte(at: i) {
            let c = buffer.storage[buffer.start + i]
            if c == 0x0A { i += 1; line += 1; break }
            if c == 0x0D, try ensureByte(at: i + 1), buffer.storage[buffer.start + i + 1] != 0x0A {
                i += 1  // a carriage return alone ends the line too
                break
            }
            if text.count < 160 { text.append(c) }
            i += 1
            if i > 1 << 16 { buffer.start += i; i = 0 }
        }
        buffer.start += i
        return String(decoding: text, as: UTF8.self)
    }

    private mutating func frameValue() throws -> FrameItem? {
        number += 1
        let startLine = line
        var depth = 0
        var inString = false
        var escape = false
        var i = 0  // relative to buffer.start
        var newlines: Int64 = 0
        var discarded = false
        let first = buffer.storage[buffer.start]
        let scalarAtTop = first != UInt8(ascii: "{") && first != UInt8(ascii: "[")
        let offset = buffer.offset(of: buffer.start)
        while true {
            let more: Bool
            do {
                more = try ensureByte(at: i)
            } catch is StreamBuffer.WindowFull {
                // Too large to hold: keep scanning for its end but forget the bytes.
                discarded = true
                buffer.discardAll()
                i = 0
                continue
            }
            guard more else {
                let bytes = buffer.bytes(buffer.start, buffer.end)
                let head = excerpt(bytes)
                buffer.start = buffer.end
                line += newlines
                if scalarAtTop, !inString, !discarded {
                    return .record(FramedRecord(bytes: bytes, number: number, line: startLine, offset: offset))
                }
                return .damaged(number: number, line: startLine, offset: offset,
                                reason: "the JSON record is truncated at the end of the input", excerpt: head)
            }
            let c = buffer.storage[buffer.start + i]
            if c == 0x0A { newlines += 1 }
            if inString {
                if escape { escape = false }
                else if c == UInt8(ascii: "\\") { escape = true }
                else if c == UInt8(ascii: "\"") { inString = false; if scalarAtTop && depth == 0 { i += 1; break } }
            } else if c == UInt8(ascii: "\"") {
                inString = true
            } else if c == UInt8(ascii: "{") || c == UInt8(ascii: "[") {
                depth += 1
            } else if c == UInt8(ascii: "}") || c == UInt8(ascii: "]") {
                if scalarAtTop && depth == 0 { break }
                depth -= 1
                if depth == 0 { i += 1; break }
            } else if scalarAtTop, depth == 0, c == UInt8(ascii: ",") || c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 {
                if c == 0x0A { newlines -= 1 }
                break
            }
            i += 1
        }
        let bytes = buffer.bytes(buffer.start, buffer.start + i)
        buffer.start += i
        line += newlines
        if discarded {
            return .damaged(number: number, line: startLine, offset: offset,
                            reason: "the JSON record is larger than \(buffer.maxWindow >> 20) MiB; skipped", excerpt: "")
        }
        return .record(FramedRecord(bytes: bytes, number: number, line: startLine, offset: offset))
    }
}
