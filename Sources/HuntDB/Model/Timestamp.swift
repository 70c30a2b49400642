/// Parses event times into microseconds since 1970-01-01 UTC, by hand: Foundation's formatters
/// cost 35–60 µs a parse, far too slow per event.
public enum Timestamp {
    /// Accepts `YYYY-MM-DD hh:mm:ss[.fraction]` (Sysmon UtcTime) and ISO-8601
    /// `YYYY-MM-DDThh:mm:ss[.fraction][Z|±hh:mm]`. A time without a zone is UTC.
    /// Fractions beyond microseconds are truncated. Years 1601–9999.
    /// The precision a time text carries, in microseconds: 10^(6 − fraction digits), at least 1
    /// (`16:16:01` → 1,000,000; `16:16:01.123` → 1,000; `16:16:01.1234567` → 1).
    public static func precisionMicros(_ text: String) -> Int64 {
        var text = text
        return text.withUTF8 { precisionMicros(UnsafeRawBufferPointer($0)) }
    }

    /// `precisionMicros` of a time's UTF-8 bytes (the load reads them without a `String`).
    package static func precisionMicros(_ bytes: UnsafeRawBufferPointer) -> Int64 {
        // The fraction follows the seconds: a '.' or ',' after the time's first ':'.
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")),
              let dot = bytes[colon...].firstIndex(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: ",") })
        else { return 1_000_000 }
        var digits = 0
        var i = dot + 1
        while i < bytes.count, bytes[i] >= 48, bytes[i] <= 57 { digits += 1; i += 1 }
        var precision: Int64 = 1_000_000
        for _ in 0..<min(digits, 6) { precision /= 10 }
        return precision
    }

    public static func parseMicros(_ text: String) -> Int64? {
        var text = text
        return text.withUTF8 { parseMicros(UnsafeRawBufferPointer($0)) }
    }

    package static func parseMicros(_ s: UnsafeRawBufferPointer) -> Int64? {
        var i = 0
        func digits(_ n: Int) -> Int? {
            guard i + n <= s.count else { return nil }
            var v = 0
            for k in i..<i + n {
                let d = Int(s[k]) - 48
                guard d >= 0, d <= 9 else { return nil }
                v = v * 10 + d
            }
            i += n
            return v
        }
        func expect(_ c: UInt8) -> Bool {
            guard i < s.count, s[i] == c else { return false }
            i += 1
            return true
        }
        while i < s.count, s[i] == 0x20 { i += 1 }
        guard let year = digits(4), expect(UInt8(ascii: "-")), let month = digits(2), expect(UInt8(ascii: "-")),
              let day = digits(2) else { return nil }
        guard i < s.count, s[i] == UInt8(ascii: "T") || s[i] == UInt8(ascii: " ") || s[i] == UInt8(ascii: "t") else { return nil }
        i += 1
        guard let hour = digits(2), expect(UInt8(ascii: ":")), let minute = digits(2), expect(UInt8(ascii: ":")),
              let second = digits(2) else { return nil }
        var micros = 0
        if i < s.count, s[i] == UInt8(ascii: ".") || s[i] == UInt8(ascii: ",") {
            i += 1
            var scale = 100_000
            var count = 0
            while i < s.count, s[i] >= 48, s[i] <= 57 {
                micros += Int(s[i] - 48) * scale
                scale /= 10
                count += 1
                i += 1
            }
            if count == 0 { return nil }
        }
        var offsetSeconds = 0
        if i < s.count {
            switch s[i] {
            case UInt8(ascii: "Z"), UInt8(ascii: "z"):
                i += 1
            case UInt8(ascii: "+"), UInt8(ascii: "-"):
                let sign = s[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = digits(2) else { return nil }
                _ = expect(UInt8(ascii: ":"))
                let om = digits(2) ?? 0
                guard oh <= 23, om <= 59 else { return nil }
                offsetSeconds = sign * (oh * 3600 + om * 60)
            default:
                return nil
            }
        }
        while i < s.count, s[i] == 0x20 { i += 1 }
        guard i == s.count else { return nil }
        guard (1601...9999).contains(year), (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = Int64(days) * 86_400 + Int64(hour * 3600 + minute * 60 + second - offsetSeconds)
        return seconds * 1_000_000 + Int64(micros)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    package static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Formats microseconds as ISO-8601 UTC with milliseconds, e.g. `2020-09-20T16:16:06.470Z`.
    public static func iso8601(micros: Int64) -> String {
        let (seconds, fraction) = micros.quotientAndRemainder(dividingBy: 1_000_000)
        var secs = seconds
        var frac = fraction
        if frac < 0 { secs -= 1; frac += 1_000_000 }
        let (days, secOfDay) = secs.quotientAndRemainder(dividingBy: 86_400)
        var d = days
        var sod = secOfDay
        if sod < 0 { d -= 1; sod += 86_400 }
        let (y, m, day) = civilFromDays(Int(d))
        guard (0...9999).contains(y) else { return paddedISO8601(y, m, day, Int(sod), Int(frac)) }
        // The common case by hand, into 24 bytes (alerts print one or more times per row).
        let hour = Int(sod) / 3600, minute = Int(sod) % 3600 / 60, second = Int(sod) % 60, milli = Int(frac) / 1000
        return String(unsafeUninitializedCapacity: 24) { out in
            func put(_ value: Int, _ width: Int, at end: Int) {
                var v = value
                for i in stride(from: end - 1, through: end - width, by: -1) {
                    out[i] = UInt8(truncatingIfNeeded: 48 + v % 10)
                    v /= 10
                }
            }
            put(y, 4, at: 4); out[4] = UInt8(ascii: "-")
            put(m, 2, at: 7); out[7] = UInt8(ascii: "-")
            put(day, 2, at: 10); out[10] = UInt8(ascii: "T")
            put(hour, 2, at: 13); out[13] = UInt8(ascii: ":")
            put(minute, 2, at: 16); out[16] = UInt8(ascii: ":")
            put(second, 2, at: 19); out[19] = UInt8(ascii: ".")
            put(milli, 3, at: 23); out[23] = UInt8(ascii: "Z")
            return 24
        }
    }

    /// Years outside 0…9999, written as before the fast path (digits padded to four, a sign kept).
    private static func paddedISO8601(_ y: Int, _ m: Int, _ day: Int, _ sod: Int, _ frac: Int) -> String {
        func pad(_ v: Int, _ w: Int) -> String {
            let s = String(v)
            return s.count >= w ? s : String(repeating: "0", count: w - s.count) + s
        }
        return "\(pad(y, 4))-\(pad(m, 2))-\(pad(day, 2))T\(pad(sod / 3600, 2)):\(pad(sod % 3600 / 60, 2)):\(pad(sod % 60, 2)).\(pad(frac / 1000, 3))Z"
    }

    package static func civilFromDays(_ z0: Int) -> (Int, Int, Int) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }
}
