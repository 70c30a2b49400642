import Model

/// The time of a Security event: the most precise one its dialect carries.
///
/// `TimeCreated`'s `SystemTime` (XML, EVTX, evtx_dump) has 100 ns; Winlogbeat's `@timestamp` is
/// that time in milliseconds. NXLog's flat export has only `EventTime`: local time of the
/// collecting host, whole seconds, no zone. Its zone is derived from the same record: NXLog's
/// `EventReceivedTime` is in that local time too, and `@timestamp` (added by Logstash when it
/// received the line) is UTC, so their difference, rounded to the nearest quarter hour, is the
/// zone offset (any delivery delay under 7.5 minutes rounds away). Without those two, the
/// `EventTime` is read as UTC and the event says so (a warning).
enum SecurityTime {
    struct Reading {
        var micros: Int64
        /// 1 = µs or better, 1000 = ms, 1_000_000 = whole seconds.
        var precisionMicros: Int64
        /// What an analyst should know about the time (a missing zone), as a missing-field note.
        var note: String?
    }

    static func read(_ record: some SecurityRecord) -> Result<Reading, FieldProblem> {
        if let text = nonEmpty(record.text(.timeCreated)) {
            guard let micros = Timestamp.parseMicros(text) else {
                return .failure(FieldProblem("TimeCreated \(quoted(text)) is not a valid time"))
            }
            return .success(Reading(micros: micros, precisionMicros: precision(of: text)))
        }
        guard let local = nonEmpty(record.text(.nxlogEventTime)) else {
            return .failure(FieldProblem("the Security event has no time (TimeCreated / EventTime)"))
        }
        guard let localMicros = Timestamp.parseMicros(local) else {
            return .failure(FieldProblem("EventTime \(quoted(local)) is not a valid time"))
        }
        if hasZone(local) {
            return .success(Reading(micros: localMicros, precisionMicros: precision(of: local)))
        }
        guard let offset = zoneOffsetMicros(record) else {
            return .success(Reading(micros: localMicros, precisionMicros: precision(of: local),
                                    note: "the zone of EventTime (UTC assumed: no EventReceivedTime and @timestamp)"))
        }
        return .success(Reading(micros: localMicros - offset, precisionMicros: precision(of: local)))
    }

    /// Local time minus UTC, from `EventReceivedTime` (local) and `@timestamp` (UTC), rounded to
    /// a quarter hour; nil when either is missing or unreadable, or the offset is beyond ±14 h.
    static func zoneOffsetMicros(_ record: some SecurityRecord) -> Int64? {
        guard let received = nonEmpty(record.text(.nxlogReceivedTime)), !hasZone(received),
              let receivedMicros = Timestamp.parseMicros(received),
              let stamp = nonEmpty(record.text(.collectorTimestamp)), hasZone(stamp),
              let stampMicros = Timestamp.parseMicros(stamp) else { return nil }
        let quarter: Int64 = 15 * 60 * 1_000_000
        let difference = receivedMicros - stampMicros
        let rounded = (difference + (difference >= 0 ? quarter / 2 : -quarter / 2)) / quarter * quarter
        guard abs(rounded) <= 14 * 3600 * 1_000_000 else { return nil }
        return rounded
    }

    /// The precision of a time's text from its fraction digits: none → whole seconds, 3 → ms,
    /// 6 or more → µs.
    static func precision(of text: String) -> Int64 {
        var digits = 0
        var inFraction = false
        for byte in text.utf8 {
            if inFraction {
                if byte >= 0x30, byte <= 0x39 { digits += 1 } else { break }
            } else if byte == UInt8(ascii: ".") || byte == UInt8(ascii: ",") {
                inFraction = true
            }
        }
        var precision: Int64 = 1_000_000
        for _ in 0..<min(digits, 6) { precision /= 10 }
        return precision
    }

    /// Whether the text ends in a zone: `Z`, `±hh:mm` or `±hhmm` after the seconds.
    private static func hasZone(_ text: String) -> Bool {
        let utf8 = Array(text.utf8)
        guard let last = utf8.last, utf8.count > 19 else { return false }
        if last == UInt8(ascii: "Z") || last == UInt8(ascii: "z") { return true }
        func isSign(_ at: Int) -> Bool { at > 18 && (utf8[at] == UInt8(ascii: "+") || utf8[at] == UInt8(ascii: "-")) }
        return isSign(utf8.count - 6) && utf8[utf8.count - 3] == UInt8(ascii: ":") || isSign(utf8.count - 5)
    }
}
