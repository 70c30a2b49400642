/// Minimal JSON text for values the store keeps as JSON.
package enum JSONText {
    /// `["a","b\"c"]`
    package static func array(_ values: [String]) -> String {
        var out = "["
        for (i, v) in values.enumerated() {
            if i > 0 { out += "," }
            out += string(v)
        }
        return out + "]"
    }

    package static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
