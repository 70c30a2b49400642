import Model

/// The input formats `hunt load` reads. `auto` sniffs each file's first bytes.
public enum InputFormat: String, CaseIterable, Sendable {
    case auto
    /// Any JSON dialect, detected per record (NDJSON, arrays, pretty-printed, Elasticsearch hits).
    case json
    /// JSON with one dialect forced for every record.
    case sysmonFlat = "sysmon-flat"
    case winlogbeat
    case ecs
    case evtxJSON = "evtx-json"
    /// Windows event XML (`wevtutil qe /f:xml`, `Get-WinEvent … ToXml()`).
    case xml
    /// Native Windows event log files.
    case evtx

    /// The JSON dialect this format forces, if any.
    var forcedDialect: JSONDialect? {
        switch self {
        case .sysmonFlat: .sysmonFlat
        case .winlogbeat: .winlogbeat
        case .ecs: .ecs
        case .evtxJSON: .evtxJSON
        default: nil
        }
    }

    var isJSON: Bool { self == .json || forcedDialect != nil }

    /// Recognizes a format from the first bytes of a (decompressed, UTF-8) stream. One bad first
    /// line (a header, or the rest of a record cut by `split -b`) is looked past when the next
    /// line clearly starts JSON or XML events: that line is then one rejected record.
    static func sniff(_ prefix: [UInt8]) -> InputFormat? {
        if prefix.starts(with: Array("ElfFile\0".utf8)) { return .evtx }
        if let format = sniffStart(prefix[...]) { return format }
        guard let lineEnd = prefix.firstIndex(where: { $0 == 0x0A || $0 == 0x0D }) else { return nil }
        return EventTextMarker.format(ofLine: prefix[(lineEnd + 1)...])
    }

    private static func sniffStart(_ bytes: ArraySlice<UInt8>) -> InputFormat? {
        guard let first = bytes.first(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { return nil }
        switch first {
        case UInt8(ascii: "<"): return .xml
        case UInt8(ascii: "{"), UInt8(ascii: "["): return .json
        case UInt8(ascii: "R") where bytes.drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D }).starts(with: Array("Record ".utf8)):
            return .json  // evtx_dump's default output
        default: return nil
        }
    }
}
