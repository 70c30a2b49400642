import Model
import Normalize

/// Reads one input stream in a given format and hands out the outcome of every record in it.
protocol RecordSource {
    /// Calls `emit` for each record in order; stops when `emit` returns false.
    /// - Throws: `IngestError` for input-level failures (I/O error, truncated gzip, not EVTX).
    mutating func read(_ emit: (consuming RecordOutcome) -> Bool) throws
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

    init(buffer: StreamBuffer, prefix: [UInt8], dialect: JSONDialect?, readsFlatDirectly: Bool = true) {
        if Self.isLineDelimited(prefix) {
            framer = LineFramer(buffer: buffer, lineEnd: Self.lineEnd(prefix))
            framing = "ndjson"
        } else {
            framer = JSONValueFramer(buffer: buffer)
            framing = "json"
        }
        decoder = JSONRecordDecoder(forcedDialect: dialect, readsFlatDirectly: readsFlatDirectly)
    }

    /// Records the direct flat path answered for, and the events it built itself.
    var flatCounts: (answered: Int, built: Int) { decoder.flatCounts }

    var formatLabel: String {
        let dialects = decoder.dialectCounts.sorted { $0.value > $1.value }.map(\.key.rawValue)
        return dialects.isEmpty ? framing : framing + ":" + dialects.joined(separator: "+")
    }

    mutating func read(_ emit: (consuming RecordOutcome) -> Bool) throws {
        while let item = try framer.next() {
            switch item {
            case .record(let record):
                // Most records are settled at once (skipped, or read by the flat path): their
                // result goes into the outcome without a copy of the event.
                if let result = decoder.decodeDirectly(record.bytes) {
                    // Built in the call, so the outcome is moved into `emit`, not copied.
                    let text = result.isRejected ? excerpt(record.bytes) : ""
                    if !emit(RecordOutcome(number: record.number, offset: record.offset, result: result, excerpt: text)) { return }
                    continue
                }
                var keepGoing = true
                decoder.decodeGenerically(record.bytes) { result, value in
                    let offset = record.offset + Int64(value.baseAddress! - record.bytes.baseAddress!)
                    let text = result.isRejected ? excerpt(value) : ""
                    if !emit(RecordOutcome(number: record.number, offset: offset, result: result, excerpt: text)) { keepGoing = false }
                }
                if !keepGoing { return }
            case .damaged(let number, _, let offset, let reason, let text):
                if !emit(RecordOutcome(number: number, offset: offset, result: .rejected(reason), excerpt: text)) { return }
            }
        }
    }

    /// Whether the input is one object per line (NDJSON) rather than objects spanning lines: the
    /// first object ends on its first line, or (a broken first object) the next line starts another.
    /// A first line that starts no JSON at all (a header, a piece cut by `split -b`) is looked past.
    static func isLineDelimited(_ prefix: [UInt8]) -> Bool {
        let text = prefix[...]
        switch firstByte(text) {
        case UInt8(ascii: "{"): return isObjectPerLine(text)
        case UInt8(ascii: "["), UInt8(ascii: "R"): return false  // an array, or evtx_dump's `Record N`
        default:
            guard let end = text.firstIndex(where: isLineEnd) else { return true }
            let rest = text[(end + 1)...]
            return firstByte(rest) == UInt8(ascii: "{") && isObjectPerLine(rest)
        }
    }

    /// `\r` when the first line ends with a carriage return alone, else `\n`.
    static func lineEnd(_ prefix: [UInt8]) -> UInt8 {
        guard let end = prefix.firstIndex(where: isLineEnd), prefix[end] == 0x0D,
              end + 1 == prefix.count || prefix[end + 1] != 0x0A else { return 0x0A }
        return prefix.contains(0x0A) ? 0x0A : 0x0D
    }

    private static func isLineEnd(_ c: UInt8) -> Bool { c == 0x0A || c == 0x0D }

    private static func firstByte(_ text: ArraySlice<UInt8>) -> UInt8? {
        text.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
    }

    private static func isObjectPerLine(_ text: ArraySlice<UInt8>) -> Bool {
        if firstObjectEndsOnItsLine(text) { return true }
        guard let end = text.firstIndex(where: isLineEnd) else { return true }
        let rest = text[(end + 1)...].drop(while: isLineEnd)
        return rest.first == UInt8(ascii: "{")
    }

    private static func firstObjectEndsOnItsLine(_ text: ArraySlice<UInt8>) -> Bool {
        var depth = 0
        var inString = false
        var escape = false
        var started = false
        for c in text {
            if !started {
                if c == UInt8(ascii: "{") { started = true; depth = 1; continue }
                if c == 0x20 || c == 0x0A || c == 0x0D || c == 0x09 { continue }
                return false
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
            case 0x0A, 0x0D: return false
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

    mutating func read(_ emit: (consuming RecordOutcome) -> Bool) throws {
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
                        let result = WindowsEventNormalizer.normalize(event)
                        var o = RecordOutcome(number: record.number, offset: record.offset, result: result)
                        if case .rejected = result { o.excerpt = excerpt(record.bytes) }
                        outcome = o
                    } catch {
                        let reason = error.repeatedField.map { FieldProblem.repeated($0).message } ?? "malformed event XML: \(error.message)"
                        outcome = RecordOutcome(number: record.number, offset: record.offset,
                                                result: .rejected(reason), excerpt: excerpt(record.bytes))
                    }
                }
            case .damaged(let number, _, let offset, let reason, let text):
                outcome = RecordOutcome(number: number, offset: offset, result: .rejected(reason), excerpt: text)
            }
            if !emit(outcome) { return }
        }
    }
}
