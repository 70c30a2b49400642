import Model
import Normalize

/// Reads one flat-dialect record (NXLog / Security-Datasets Sysmon JSON: one object per line,
/// the Sysmon names at the top level) straight from its bytes: one pass over the line that checks
/// it as strictly as `JSONTapeParser` does and keeps only where the values of the keys the
/// Sysmon normalizer reads lie (`FlatValueSpan`), without a tape and without a `String`.
///
/// The scanner answers only when it is sure to see exactly what the generic reader
/// (`JSONTape` + `JSONPathMap`) would: anything else — malformed JSON, invalid UTF-8, a key
/// spelled with an escape, a known key given twice, a container where a Sysmon field should be,
/// another dialect's keys (`winlog`, `Event`, `_source`), data after the object — makes `scan`
/// return false, and the record goes the generic way, which gives the same messages as before.
struct FlatRecordScanner {
    /// Per `SysmonField` slot: the value the generic reader would take (`.absent` when none).
    private(set) var spans: [FlatValueSpan]
    private var ranks: [Int32]
    /// Tokens of a nested value (`"tags":["…"]`), checked with the generic parser and dropped.
    private var nested: [JSONTape.Token] = []
    /// The tables below, held here so the per-key loop reads no global (no `swift_once`).
    private let keys = Self.keyTable
    private let entries = Self.keyEntries

    init() {
        spans = Array(repeating: .absent, count: SysmonField.allCases.count)
        ranks = Array(repeating: .max, count: SysmonField.allCases.count)
    }

    /// Scans `bytes`, one JSON object with optional white space around it.
    /// - Returns: true when `spans` holds the record's Sysmon values; false when the record must
    ///   be read by the generic path.
    mutating func scan(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return false }
        for i in spans.indices {
            spans[i] = .absent
            ranks[i] = .max
        }
        let count = bytes.count
        var seen: UInt64 = 0
        var values = 0
        var i = Self.skipWhitespace(base, count, 0)
        guard i < count, base[i] == UInt8(ascii: "{") else { return false }
        i = Self.skipWhitespace(base, count, i + 1)
        guard i < count else { return false }
        if base[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                // The key.
                guard i < count, base[i] == UInt8(ascii: "\"") else { return false }
                let keyStart = i + 1
                var escaped = false
                var high = false
                let keyEnd = Self.scanString(base, count, from: keyStart, escaped: &escaped, high: &high)
                guard keyEnd >= 0, !escaped else { return false }
                if high, !Self.isValidUTF8(base, keyStart, keyEnd) { return false }
                let entry = keys.lookup(UnsafeRawBufferPointer(start: base + keyStart, count: keyEnd - keyStart))
                i = Self.skipWhitespace(base, count, keyEnd + 1)
                guard i < count, base[i] == UInt8(ascii: ":") else { return false }
                i = Self.skipWhitespace(base, count, i + 1)
                guard i < count else { return false }

                // The value.
                let span: FlatValueSpan
                switch base[i] {
                case UInt8(ascii: "\""):
                    escaped = false
                    high = false
                    let end = Self.scanString(base, count, from: i + 1, escaped: &escaped, high: &high)
                    guard end >= 0 else { return false }
                    if high, !Self.isValidUTF8(base, i + 1, end) { return false }
                    span = FlatValueSpan(kind: escaped ? .escapedString : .string, start: Int32(i + 1), end: Int32(end))
                    i = end + 1
                case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    var end = i
                    while end < count, JSONTapeParser.mayContinueNumber(base[end]) { end += 1 }
                    guard JSONTapeParser.isWellFormedNumber(UnsafeRawBufferPointer(start: base + i, count: end - i)) else { return false }
                    span = FlatValueSpan(kind: .text, start: Int32(i), end: Int32(end))
                    i = end
                case UInt8(ascii: "t"):
                    guard Self.hasWord(base, count, i, "true") else { return false }
                    span = FlatValueSpan(kind: .text, start: Int32(i), end: Int32(i + 4))
                    i += 4
                case UInt8(ascii: "f"):
                    guard Self.hasWord(base, count, i, "false") else { return false }
                    span = FlatValueSpan(kind: .text, start: Int32(i), end: Int32(i + 5))
                    i += 5
                case UInt8(ascii: "n"):
                    guard Self.hasWord(base, count, i, "null") else { return false }
                    span = FlatValueSpan(kind: .null, start: Int32(i), end: Int32(i + 4))
                    i += 4
                case UInt8(ascii: "{"), UInt8(ascii: "["):
                    // A Sysmon field holding a container is left to the generic reader.
                    guard entry == nil else { return false }
                    guard let end = skipNested(bytes, from: i, values: &values) else { return false }
                    span = .absent
                    i = end
                default:
                    return false
                }
                values += 2
                guard values < JSONTape.maxValues / 2 else { return false }

                if let entry {
                    guard entry < entries.count else { return false }  // another dialect's key
                    let bit: UInt64 = 1 << UInt64(entry)
                    guard seen & bit == 0 else { return false }  // given twice: the generic reader rejects it
                    seen |= bit
                    let (slot, rank) = entries[entry]
                    if rank < ranks[slot] {
                        ranks[slot] = rank
                        spans[slot] = span
                    }
                }

                i = Self.skipWhitespace(base, count, i)
                guard i < count else { return false }
                let c = base[i]
                i += 1
                if c == UInt8(ascii: ",") {
                    i = Self.skipWhitespace(base, count, i)
                    continue
                }
                guard c == UInt8(ascii: "}") else { return false }
                break
            }
        }
        // Nothing may follow the object but white space (`{…}{…}` is two records).
        return Self.skipWhitespace(base, count, i) == count
    }

    /// Checks the array or object at `start` with the generic parser (nested values are rare
    /// in this dialect: NXLog's `tags`); the offset after it, or nil when it is not valid JSON.
    private mutating func skipNested(_ bytes: UnsafeRawBufferPointer, from start: Int, values: inout Int) -> Int? {
        var parser = JSONTapeParser(bytes: bytes)
        parser.position = start
        parser.depth = 1  // inside the record's object, as for the generic reader
        nested.removeAll(keepingCapacity: true)
        do {
            try parser.parseValue(into: &nested)
        } catch {
            return nil
        }
        values += nested.count
        let base = bytes.baseAddress!.assumingMemoryBound(to: UInt8.self)
        guard Self.isValidUTF8(base, start, parser.position) else { return nil }
        return parser.position
    }

    // MARK: Keys

    /// Key bytes → entry: the Sysmon keys first (`entries`), then the keys that make a record
    /// another dialect's or a wrapper (`winlog`, `Event`, `_source`).
    private static let keyTable: KeyTable = {
        var table = KeyTable(capacity: keyEntries.count + otherDialectKeys.count)
        for (index, (key, _)) in JSONDialect.flatPaths.enumerated() { table.insert(key, index) }
        for (offset, key) in otherDialectKeys.enumerated() { table.insert(key, keyEntries.count + offset) }
        return table
    }()

    /// Per Sysmon key (in `JSONDialect.flatPaths` order): its slot and rank (lower wins).
    private static let keyEntries: [(slot: Int, rank: Int32)] = {
        precondition(JSONDialect.flatPaths.count <= 64, "FlatRecordScanner marks the keys it has seen in 64 bits")
        return JSONDialect.flatPaths.enumerated().map { rank, path in (path.1, Int32(rank)) }
    }()

    private static let otherDialectKeys = ["winlog", "Event", "_source"]

    // MARK: Bytes

    @inline(__always)
    private static func skipWhitespace(_ p: UnsafePointer<UInt8>, _ count: Int, _ from: Int) -> Int {
        var i = from
        while i < count {
            switch p[i] {
            case 0x20, 0x0A, 0x0D, 0x09: i += 1
            default: return i
            }
        }
        return i
    }

    @inline(__always)
    private static func hasWord(_ p: UnsafePointer<UInt8>, _ count: Int, _ at: Int, _ word: StaticString) -> Bool {
        let n = word.utf8CodeUnitCount
        guard at + n <= count else { return false }
        for k in 0..<n where p[at + k] != word.utf8Start[k] { return false }
        return true
    }

    /// The offset of the closing quote of the string whose text starts at `from`, or -1 when
    /// the string is unterminated or holds a control character or an escape JSON does not
    /// allow. `escaped` tells whether it holds escapes, `high` whether it may hold bytes ≥ 0x80.
    @inline(__always)
    private static func scanString(_ p: UnsafePointer<UInt8>, _ count: Int, from: Int,
                                   escaped: inout Bool, high: inout Bool) -> Int {
        var i = from
        while true {
            // 8 bytes at a time, to the first that may end or escape the string. The words'
            // high bits are gathered and looked at once (a byte ≥ 0x80 just past the string's
            // end, in its last word, only makes the caller check UTF-8 it need not have).
            var gathered: UInt64 = 0
            while i + 8 <= count {
                let word = UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self)
                gathered |= word
                let special = specialBytes(word)
                if special != 0 {
                    i += special.trailingZeroBitCount >> 3
                    break
                }
                i += 8
            }
            if gathered & 0x8080_8080_8080_8080 != 0 { high = true }
            guard i < count else { return -1 }
            let c = p[i]
            if c == UInt8(ascii: "\"") { return i }
            if c == UInt8(ascii: "\\") {
                escaped = true
                // The one-letter escapes here (a path's `\\`); `\u` and anything else is the parser's.
                if i + 1 < count {
                    switch p[i + 1] {
                    case UInt8(ascii: "\\"), UInt8(ascii: "\""), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                         UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                        i += 2
                        continue
                    default: break
                    }
                }
                var parser = JSONTapeParser(bytes: UnsafeRawBufferPointer(start: p, count: count))
                parser.position = i
                do {
                    try parser.skipEscape()
                } catch {
                    return -1
                }
                i = parser.position
                continue
            }
            if c < 0x20 { return -1 }
            if c >= 0x80 { high = true }
            i += 1
        }
    }

    /// A word whose lowest set bit is the high bit of the first byte of `word` (little-endian)
    /// that is `"`, `\\` or below 0x20; zero when it holds none. Bits above the first such byte
    /// may be set falsely (a borrow runs on from it), so only the lowest one may be read.
    @inline(__always)
    private static func specialBytes(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        // `(x - 1) & ~x` has a byte's high bit set where that byte of x is zero, and nowhere
        // below the first such byte; a byte below 0x20 is one from which 0x20 borrows.
        let quote = word ^ (ones &* 0x22)
        let backslash = word ^ (ones &* 0x5C)
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        let control = (word &- ones &* 0x20) & ~word
        return (zeroQuote | zeroBackslash | control) & highs
    }

    private static func isValidUTF8(_ p: UnsafePointer<UInt8>, _ start: Int, _ end: Int) -> Bool {
        UTF8Validation.firstInvalidOffset(UnsafeRawBufferPointer(start: p + start, count: end - start)) == nil
    }
}

/// Where one value lies in a record's bytes, and how to read it.
struct FlatValueSpan {
    enum Kind: UInt8 {
        /// The record does not give the key.
        case absent
        /// `null`: the key is given, its value is none.
        case null
        /// A string without escapes: the bytes between the quotes are its text.
        case string
        /// A string with escapes, unescaped when read.
        case escapedString
        /// A number, `true` or `false`: its text as written.
        case text
    }

    var kind: Kind
    var start: Int32
    var end: Int32

    static let absent = FlatValueSpan(kind: .absent, start: 0, end: 0)
}
