import Model

/// RFC 4180 CSV: one header row, CRLF line ends, fields quoted when they hold a comma, quote or
/// line break. Cells starting with `=`, `+`, `-`, `@`, tab or carriage return get a leading `'`
/// (OWASP's advice against formula injection), since command lines are attacker-controlled.
struct CSVWriter: RowSink {
    let sink: OutputSink
    let neutralizeFormulas: Bool
    /// Starts the file with U+FEFF (`--excel`).
    var byteOrderMark = false

    func begin(columns: [String]) throws {
        try sink.write((byteOrderMark ? "\u{FEFF}" : "") + columns.map(field).joined(separator: ",") + "\r\n")
    }

    func write(_ row: [RowValue]) throws {
        try sink.write(row.map { value -> String in
            switch value {
            case .null: return ""
            case .integer, .real: return value.description
            case .text, .blob, .json: return field(value.description)
            }
        }.joined(separator: ",") + "\r\n")
    }

    func end() throws {
        try sink.flush()
    }

    private func field(_ text: String) -> String {
        var text = text
        if neutralizeFormulas, let first = text.unicodeScalars.first, Self.formulaStarts.contains(first) {
            text = "'" + text
        }
        let needsQuotes = text.utf8.contains { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }
        guard needsQuotes else { return text }
        // Byte loop, not Foundation's replacingOccurrences (microseconds per call on Linux).
        var quoted: [UInt8] = [UInt8(ascii: "\"")]
        quoted.reserveCapacity(text.utf8.count + 8)
        for byte in text.utf8 {
            quoted.append(byte)
            if byte == UInt8(ascii: "\"") { quoted.append(byte) }
        }
        quoted.append(UInt8(ascii: "\""))
        return String(decoding: quoted, as: UTF8.self)
    }

    private static let formulaStarts: Set<Unicode.Scalar> = ["=", "+", "-", "@", "\t", "\r"]
}

import Foundation
