/// Conversions between Windows FILETIME / SYSTEMTIME values and the ISO 8601 text that Windows'
/// XML rendering uses ("2020-09-20T16:16:06.4702345Z": UTC, seven fractional digits).
public enum EVTXTime {
    /// 100-nanosecond ticks per day.
    package static let ticksPerDay: UInt64 = 864_000_000_000
    /// Days from 1601-01-01 to 1970-01-01.
    package static let daysFrom1601To1970: Int64 = 134_774

    /// Renders a FILETIME (100 ns ticks since 1601-01-01 UTC) as "YYYY-MM-DDTHH:MM:SS.fffffffZ".
    public static func format(fileTime ticks: UInt64) -> String {
        let days = Int64(ticks / ticksPerDay)
        var rest = ticks % ticksPerDay
        let fraction = Int(rest % 10_000_000)
        rest /= 10_000_000
        let (y, m, d) = civil(fromDays: days - daysFrom1601To1970)
        return compose(year: y, month: m, day: d, hour: Int(rest / 3600), minute: Int(rest / 60 % 60),
                       second: Int(rest % 60), fraction7: fraction)
    }

    /// Parses the exact form produced by `format(fileTime:)` (1 to 7 fractional digits, or none;
    /// a trailing "Z"); returns nil for anything else or for dates before 1601.
    public static func parseFileTime(_ text: String) -> UInt64? {
        let u = Array(text.utf8)
        guard u.count >= 20, u[4] == 45, u[7] == 45, u[10] == 84, u[13] == 58, u[16] == 58,
              u.last == 90 else { return nil }
        func num(_ a: Int, _ b: Int) -> Int? {
            var v = 0
            for i in a ..< b {
                guard u[i] >= 48 && u[i] <= 57 else { return nil }
                v = v * 10 + Int(u[i] - 48)
            }
            return v
        }
        guard let year = num(0, 4), let month = num(5, 7), let day = num(8, 10), let hour = num(11, 13),
              let minute = num(14, 16), let second = num(17, 19),
              year >= 1601, (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 60
        else { return nil }
        var fraction = 0
        if u.count > 20 {
            guard u[19] == 46, u.count - 21 >= 1, u.count - 21 <= 7, let f = num(20, u.count - 1) else { return nil }
            fraction = f
            for _ in 0 ..< (7 - (u.count - 21)) { fraction *= 10 }
        } else if u.count != 20 {
            return nil
        }
        let days = days(fromCivil: year, month, day) + daysFrom1601To1970
        guard days >= 0 else { return nil }
        let seconds = UInt64(days) * 86_400 + UInt64(hour * 3600 + minute * 60 + second)
        return seconds * 10_000_000 + UInt64(fraction)
    }

    /// Renders a 16-byte SYSTEMTIME (year, month, day of week, day, hour, minute, second,
    /// milliseconds) the same way as a FILETIME, with the milliseconds as the first three of
    /// seven fractional digits.
    package static func format(systemTime f: [UInt16]) -> String {
        compose(year: Int(f[0]), month: Int(f[1]), day: Int(f[3]), hour: Int(f[4]), minute: Int(f[5]),
                second: Int(f[6]), fraction7: Int(f[7]) * 10_000)
    }

    package static func compose(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, fraction7: Int) -> String {
        String(unsafeUninitializedCapacity: 28) { out in
            var o = 0
            func put(_ v: Int, _ width: Int) {
                var x = max(0, v)
                var i = o + width - 1
                while i >= o { out[i] = UInt8(48 + x % 10); x /= 10; i -= 1 }
                o += width
            }
            func sep(_ c: UInt8) { out[o] = c; o += 1 }
            put(year, 4); sep(45); put(month, 2); sep(45); put(day, 2); sep(84)
            put(hour, 2); sep(58); put(minute, 2); sep(58); put(second, 2); sep(46)
            put(fraction7, 7); sep(90)
            return o
        }
    }

    /// Proleptic Gregorian date of `days` since 1970-01-01 (era-based day arithmetic).
    package static func civil(fromDays days: Int64) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        let y = yoe + era * 400 + (m <= 2 ? 1 : 0)
        return (Int(y), Int(m), Int(d))
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (inverse of `civil(fromDays:)`).
    package static func days(fromCivil year: Int, _ month: Int, _ day: Int) -> Int64 {
        let y = Int64(month <= 2 ? year - 1 : year)
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64(month > 2 ? month - 3 : month + 9)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }
}
