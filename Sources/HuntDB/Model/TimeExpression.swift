/// Times and durations as analysts type them on the command line.
public enum TimeExpression {
    /// ISO-8601 (`2026-11-01`, `2026-11-01T10:00`, `2026-11-01T10:00:00Z`, `2026-11-01 10:00:00.5`,
    /// with offsets; a time without seconds means :00), or relative to `now`: `7d`, `12h`, `30m`,
    /// `45s` (that long ago). Returns UTC microseconds.
    public static func parseMicros(_ text: String, now: Int64) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let duration = parseDurationMicros(trimmed), !trimmed.hasPrefix("-") { return now - duration }
        if trimmed.count == 10, let day = Timestamp.parseMicros(trimmed + "T00:00:00Z") { return day }
        return Timestamp.parseMicros(withSeconds(trimmed))
    }

    /// `2026-11-01T10:00` (and `…10:00Z`, `…10:00+02:00`) with `:00` seconds added; anything else as is.
    static func withSeconds(_ text: String) -> String {
        let scalars = Array(text.unicodeScalars)
        guard scalars.count >= 16, scalars[10] == "T" || scalars[10] == " " || scalars[10] == "t", scalars[13] == ":",
              scalars[11...12].allSatisfy({ $0.properties.numericType != nil }),
              scalars[14...15].allSatisfy({ $0.properties.numericType != nil }),
              scalars.count == 16 || scalars[16] != ":" && scalars[16] != "." else { return text }
        return String(String.UnicodeScalarView(scalars[..<16])) + ":00" + String(String.UnicodeScalarView(scalars[16...]))
    }

    /// A duration: `1500ms`, `1s`, `2.5s`, `30m`, `12h`, `7d`, `2w`. Returns microseconds.
    public static func parseDurationMicros(_ text: String) -> Int64? {
        let units: [(String, Double)] = [("ms", 1_000), ("us", 1), ("s", 1_000_000), ("m", 60_000_000),
                                         ("h", 3_600_000_000), ("d", 86_400_000_000), ("w", 604_800_000_000)]
        let lower = text.lowercased()
        for (suffix, scale) in units where lower.hasSuffix(suffix) {
            let number = lower.dropLast(suffix.count)
            guard !number.isEmpty, let value = Double(number), value >= 0, value.isFinite, value * scale < 9e18 else { return nil }
            return Int64((value * scale).rounded())
        }
        return nil
    }
}

import Foundation
