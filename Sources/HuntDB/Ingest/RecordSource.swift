import Model
import Normalize

/// Reads one input stream in a given format and hands out the outcome of every record in it.
protocol RecordSource {
    /// Calls `emit` for each record in order; stops when `emit` returns false.
    /// - Throws: `IngestError` for input-level failures (I/O error, truncated gzip, not EVTX).
    mutating func read(_ emit: (RecordOutcome) -> Bool) throws
    /// The format as recorded in `sources.format`, e.g. `ndjson:sysmon-flat`.
    var formatLabel: String { get }
    /// Problems met while reading that lost no record, one sentence each (see `SourceReport.notes`).
    var notes: [String] { get }
}

extension RecordSource {
    var notes: [String] { [] }
}

/// JSON in any framing and dialect.
struct JSONRecordSource: RecordSource {
    private var framer: any RecordFramer
    private var decoder: JSONRecordDecoder
    private let framing: String

    init(buffer: StreamBuffer, prefix: [UInt8], dialect: JSONDialect?) {
        if Self.isLineDelimited(prefix) {
            framer = LineFramer(buffer: buffer)
            framing = "ndjson"
        } else {
            framer = JSONValueFramer(buffer: buffer)
            framing = "json"
        }
        decoder = JSONRecordDecoder(forcedDialect: dialect)
    }

    var formatLabel: String {
        let dialects = decoder.dialectCounts.sorted { $0.value > $1.value }.map(\.key.rawValue)
        return dialects.isEmpty ? framing : framing + ":" + dialects.joined(separator: "+")
    }

    mutating func read(_ emit: (RecordOutcome) -> Bool) throws {
        while let item = try framer.next() {
            switch item {
            case .record(let record):
                var keepGoing = true
                decoder.decode(record.bytes) { result in
                    var outcome = RecordOutcome(number: record.number, offset: record.offset, result: result)
                    if case .rejected = result { outcome.excerpt = excerpt(record.bytes) }
                    if !emit(outcome) { keepGoing = false }
                }
                if !keepGoing { return }
            case .damaged(let number, _, let offset, let reason, let text):
                if !emit(RecordOutcome(number: number, offset: offset, result: .rejected(reason), excerpt: text)) { return }
            }
        }
    }

    /// Whether the input is one object per line (NDJSON) rather than objects spanning lines: the
    /// first object ends on its first line, or (a broken first line) the next line starts another.
    static func isLineDelimited(_ prefix: [UInt8]) -> Bool {
        // '[' (an array) or `Record N` (evtx_dump): not one object per line.
        guard prefix.first(where: { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }) == UInt8(ascii: "{") else { return false }
        if firstObjectEndsOnItsLine(prefix) { return true }
        guard let newline = prefix.firstIndex(of: 0x0A) else { return true }
        let rest = prefix[(newline + 1)...].drop { $0 == 0x0A || $0 == 0x0D }
        return rest.first == UInt8(ascii: "{")
    }

    private static func firstObjectEndsOnItsLine(_ prefix: [UInt8]) -> Bool {
        var depth = 0
        var inString = false
        var escape = false
        var started = false
        for c in prefix {
            if !started {
                if c == UInt8(ascii: "{") { started = true; depth = 1; continue }
                if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 || c == 0xEF || c == 0xBB || c == 0xBF { continue }
                return false  // '[' or `Record N`: not one object per line
            }
            if inString {
                if escape { escape = false } else if c == UInt8(ascii: "\\") { escape = true } else if c == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch c {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return true }
            case 0x0A: return false
            default: break
            }
        }
        return true  // a first line longer than the sniffed prefix
    }
}

/// Windows event XML.
struct XMLRecordSource: RecordSource {
    private var framer: XMLEventFramer
    var formatLabel: String { "xml" }

    init(buffer: StreamBuffer) {
        framer = XMLEventFramer(buffer: buffer)
    }

    mutating func read(_ emit: (RecordOutcome) -> Bool) throws {
        while let item = try framer.next() {
            let outcome: RecordOutcome
            switch item {
            case .record(let record):
                if let bad = UTF8Validation.firstInvalidOffset(record.bytes) {
                    outcome = RecordOutcome(number: record.number, offset: record.offset,
                                            result: .rejected("invalid UTF-8 at byte \(bad) of the event"), excerpt: excerpt(record.bytes))
                } else {
                    do {
                        let event = try XMLEventParser.parse(record.bytes)
                        let result = SysmonNormalizer.normalize(event)
                        var o = RecordOutcome(number: record.number, offset: record.offset, result: result)
                        if case .rejected = result { o.excerpt = excerpt(record.bytes) }
                        outcome = o
                    } catch {
                        outcome = RecordOutcome(number: record.number, offset: record.offset,
                                                result: .rejected("malformed event XML: \(error.message)"), excerpt: excerpt(record.bytes))
                    }
                }
            case .damaged(let number, _, let offset, let reason, let text):
                outcome = RecordOutcome(number: number, offset: offset, result: .rejected(reason), excerpt: text)
            }
            if !emit(outcome) { return }
        }
    }
}
