import Model
import Normalize

/// The flat dialect's direct path: a line's bytes to its normalization result, without the
/// generic tape when the line is a plain flat Sysmon record.
///
/// `FlatRecordScanner` finds the Sysmon keys' values; a well-formed process start or network
/// connection is built from them by `FlatSysmonEvent`, any other Sysmon record is normalized by
/// `SysmonNormalizer` over the same spans. A record the scanner is not sure of, one without an
/// `EventID`, and a Security event (read with the Security path table) go the generic way:
/// `read` returns nil for them.
struct FlatDialectReader {
    private var scanner = FlatRecordScanner()
    private var repeats = FlatSysmonEvent.Repeats()
    /// Records this reader answered for, and of them the events `FlatSysmonEvent` built.
    private(set) var answered = 0
    private(set) var built = 0

    /// The record's result, or nil when the generic reader must read it.
    mutating func read(_ bytes: UnsafeRawBufferPointer) -> NormalizeResult? {
        guard scanner.scan(bytes) else { return nil }
        let record = FlatRecord(bytes: bytes, spans: scanner.spans)
        // Without an EventID the record is not this dialect's (the generic reader tells which).
        guard record.spans[SysmonField.eventID.rawValue].kind != .absent else { return nil }
        if let event = FlatSysmonEvent.make(record, repeats: &repeats) {
            answered += 1
            built += 1
            return .event(event)
        }
        if WindowsEventNormalizer.isSecurityEventID(record.text(.eventID)) { return nil }
        answered += 1
        return SysmonNormalizer.normalize(record)
    }
}
