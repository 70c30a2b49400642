import Foundation
import Model

/// JSON text exactly as SQLite's JSON functions write it (`json_object`, `json_group_array`),
/// so that an alert's `group` and `events` are the same bytes on every store: compact, keys in
/// the order given, `"` and `\` escaped with a backslash, `\b \t \n \f \r` by name and other
/// control characters as `\u00xx`, everything else (also non-ASCII) as is, reals as
/// `%!.15g` (always with a point: `3.0`, `1.0e+20`).
enum SigmaCorrelationJSON {
    static func string(_ text: String) -> String {
        // Most texts need no escape.
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C }) { return "\"" + text + "\"" }
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\u{08}": out += "\\b"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\u{0C}": out += "\\f"
            case "\r": out += "\\r"
            case _ where scalar.value < 0x20:
                let hex = Array("0123456789abcdef")
                out += "\\u00" + String(hex[Int(scalar.value >> 4)]) + String(hex[Int(scalar.value & 0xF)])
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func value(_ value: RowValue) -> String {
        switch value {
        case .null: return "null"
        case .integer(let v): return String(v)
        case .real(let v): return real(v)
        case .text(let v): return string(v)
        case .json(let v): return v
        case .blob(let bytes): return string(String(decoding: bytes, as: UTF8.self))
        }
    }

    /// A real as SQLite's JSON writes it (`%!.15g`).
    static func real(_ v: Double) -> String {
        if v.isNaN { return "null" }
        if v.isInfinite { return v < 0 ? "-9e999" : "9e999" }
        var text = String(format: "%.15g", v)
        if !text.contains(".") {
            if let e = text.firstIndex(of: "e") { text.insert(contentsOf: ".0", at: e) } else { text += ".0" }
        }
        return text
    }

    static func object(_ pairs: [(String, String)]) -> String {
        "{" + pairs.map { string($0.0) + ":" + $0.1 }.joined(separator: ",") + "}"
    }

    static func array(_ elements: [String]) -> String { "[" + elements.joined(separator: ",") + "]" }

    /// An event time as the correlation SQL writes it: `strftime('%Y-%m-%dT%H:%M:%S', …)` and
    /// `printf('.%03dZ', …)`: UTC, milliseconds cut (not rounded).
    static func time(_ micros: Int64) -> String {
        let seconds = micros / 1_000_000, millis = (micros / 1000) % 1000
        var days = seconds / 86_400, rest = seconds % 86_400
        if rest < 0 { rest += 86_400; days -= 1 }
        // Civil date from days since 1970-01-01 (proleptic Gregorian).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        var out = ""
        out.reserveCapacity(24)
        func digits(_ n: Int64, _ width: Int) {
            let text = String(n)
            if text.count < width { out += String(repeating: "0", count: width - text.count) }
            out += text
        }
        digits(year, 4); out += "-"; digits(month, 2); out += "-"; digits(day, 2); out += "T"
        digits(rest / 3600, 2); out += ":"; digits(rest % 3600 / 60, 2); out += ":"; digits(rest % 60, 2); out += "."
        if millis < 0 { out += "-"; digits(-millis, 2) } else { digits(millis, 3) }
        return out + "Z"
    }
}
