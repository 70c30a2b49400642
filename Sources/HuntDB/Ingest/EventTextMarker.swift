import Model

/// Text that shows an input holds events, wherever it starts: a JSON object with a key
/// (`{"EventID":`) or an event start tag (`<Event`, `<e:Event`).
enum EventTextMarker {
    /// The format a line clearly starts, if it does: the second line of an input whose first line
    /// is a header, or the rest of a record cut by `split -b`.
    static func format(ofLine line: ArraySlice<UInt8>) -> InputFormat? {
        let bytes = line.drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        guard let first = bytes.first else { return nil }
        let rest = bytes.dropFirst().drop { $0 == 0x20 || $0 == 0x09 || $0 == 0x0A || $0 == 0x0D }
        switch first {
        case UInt8(ascii: "{") where rest.first == UInt8(ascii: "\""): return .json
        case UInt8(ascii: "[") where rest.first == UInt8(ascii: "{"): return .json
        case UInt8(ascii: "R") where bytes.starts(with: Array("Record ".utf8)): return .json
        case UInt8(ascii: "<"):
            if bytes.starts(with: Array("<?xml".utf8)) || bytes.starts(with: Array("<Events".utf8)) { return .xml }
            return isEventStartTag(Array(bytes.prefix(80)), at: 0) ? .xml : nil
        default: return nil
        }
    }

    /// The offset and text of the first marker in `bytes`, if any.
    static func first(in bytes: [UInt8]) -> (offset: Int, text: String)? {
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{") where isKeyStart(bytes, at: i + 1): return (i, "{\"")
            case UInt8(ascii: "<") where isEventStartTag(bytes, at: i): return (i, "<Event")
            default: i += 1
            }
        }
        return nil
    }

    /// Whether `"name":` (a JSON key) starts at `at`.
    private static func isKeyStart(_ bytes: [UInt8], at start: Int) -> Bool {
        guard start < bytes.count, bytes[start] == UInt8(ascii: "\"") else { return false }
        var i = start + 1
        while i < bytes.count, i - start <= 128, bytes[i] != UInt8(ascii: "\""), bytes[i] >= 0x20 { i += 1 }
        guard i < bytes.count, i > start + 1, bytes[i] == UInt8(ascii: "\"") else { return false }
        i += 1
        while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 { i += 1 }
        return i < bytes.count && bytes[i] == UInt8(ascii: ":")
    }

    private static func isEventStartTag(_ bytes: [UInt8], at start: Int) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            if case .yes = XMLEventTag.match(buffer.baseAddress! + start, available: buffer.count - start, closing: false) { return true }
            return false
        }
    }
}
