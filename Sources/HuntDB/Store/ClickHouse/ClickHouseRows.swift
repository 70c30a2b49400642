import Foundation
import Model

/// A result in ClickHouse's `TabSeparatedWithNamesAndTypes`: column names, types, and rows
/// as `RowValue`s (integers as integers, `\N` as null, everything else as text).
struct ClickHouseRows {
    var columns: [String]
    var types: [String]
    var rows: [[RowValue]]

    /// - Throws: `StoreError.failed` when the text is not a well-formed result.
    init(tsv data: Data, purpose: String) throws {
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if lines.last?.isEmpty == true { lines.removeLast() }
        guard lines.count >= 2 else {
            throw StoreError.failed(engine: "ClickHouse", code: 0, message: "the answer has no header", purpose: purpose)
        }
        columns = Self.fields(lines[0]).map { Self.unescape($0) ?? "" }
        types = Self.fields(lines[1]).map { Self.unescape($0) ?? "" }
        let kinds = types.map(ValueKind.init)
        rows = []
        rows.reserveCapacity(lines.count - 2)
        for line in lines.dropFirst(2) {
            let fields = Self.fields(line)
            guard fields.count == kinds.count else {
                throw StoreError.failed(engine: "ClickHouse", code: 0, message: "a row has \(fields.count) fields for \(kinds.count) columns",
                                        purpose: purpose)
            }
            rows.append(zip(fields, kinds).map { field, kind in kind.value(Self.unescape(field)) })
        }
    }

    /// Streams the rows of a `TabSeparatedWithNamesAndTypes` answer to `sink` as they arrive
    /// (none is held beyond its line). Returns the number of rows.
    /// - Throws: `StoreError.failed` for a malformed answer, with the server's message when it
    ///   failed after the first rows (ClickHouse then ends the body with its exception).
    static func stream(_ response: ClickHouseResponse, purpose: String, into sink: any RowSink) throws -> Int {
        var pending: [UInt8] = []
        var header: [String]?
        var kinds: [ValueKind] = []
        var count = 0
        func take(_ line: ArraySlice<UInt8>) throws {
            guard let names = header else {
                header = fields(Data(line)).map { unescape($0) ?? "" }
                return
            }
            if kinds.isEmpty {
                kinds = fields(Data(line)).map { ValueKind(unescape($0) ?? "") }
                try sink.begin(columns: names)
                return
            }
            let parts = fields(Data(line))
            guard parts.count == kinds.count else {
                let text = String(decoding: line, as: UTF8.self)
                let message = text.hasPrefix("Code: ") ? ClickHouseServerError(status: 500, body: Data(line)).message
                    : "a row has \(parts.count) fields for \(kinds.count) columns"
                throw StoreError.failed(engine: "ClickHouse", code: 0, message: message, purpose: purpose)
            }
            try sink.write(zip(parts, kinds).map { field, kind in kind.value(unescape(field)) })
            count += 1
        }
        while let piece = try response.read() {
            var rest = piece[...]
            while let newline = rest.firstIndex(of: UInt8(ascii: "\n")) {
                if pending.isEmpty {
                    try take(rest[..<newline])
                } else {
                    pending.append(contentsOf: rest[..<newline])
                    try take(pending[...])
                    pending.removeAll(keepingCapacity: true)
                }
                rest = rest[(newline + 1)...]
            }
            pending.append(contentsOf: rest)
        }
        if !pending.isEmpty { try take(pending[...]) }
        guard header != nil, !kinds.isEmpty else {
            throw StoreError.failed(engine: "ClickHouse", code: 0, message: "the answer has no header", purpose: purpose)
        }
        try sink.end()
        return count
    }

    /// The first column of every row as integers (0 for anything else).
    var integers: [Int64] { rows.map { if case .integer(let v) = $0.first { v } else { 0 } } }

    /// The first column of every row as text.
    var texts: [String] { rows.map { $0.first?.description ?? "" } }

    private static func fields(_ line: Data.SubSequence) -> [Data.SubSequence] {
        line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
    }

    /// A TSV field's text, nil for `\N`.
    static func unescape(_ field: Data.SubSequence) -> String? {
        if field.count == 2, field.first == UInt8(ascii: "\\"), field.last == UInt8(ascii: "N") { return nil }
        guard field.contains(UInt8(ascii: "\\")) else { return String(decoding: field, as: UTF8.self) }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(field.count)
        var escaped = false
        for byte in field {
            if escaped {
                switch byte {
                case UInt8(ascii: "n"): bytes.append(0x0a)
                case UInt8(ascii: "t"): bytes.append(0x09)
                case UInt8(ascii: "r"): bytes.append(0x0d)
                case UInt8(ascii: "0"): bytes.append(0x00)
                case UInt8(ascii: "b"): bytes.append(0x08)
                case UInt8(ascii: "f"): bytes.append(0x0c)
                default: bytes.append(byte)
                }
                escaped = false
            } else if byte == UInt8(ascii: "\\") {
                escaped = true
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// How a column's type is read.
    private enum ValueKind {
        case integer, real, text

        init(_ type: String) {
            var base = type
            if base.hasPrefix("Nullable("), base.hasSuffix(")") { base = String(base.dropFirst(9).dropLast()) }
            if base.hasPrefix("LowCardinality("), base.hasSuffix(")") { base = String(base.dropFirst(15).dropLast()) }
            if base.hasPrefix("Int") || base.hasPrefix("UInt") { self = .integer }
            else if base.hasPrefix("Float") || base.hasPrefix("Decimal") { self = .real }
            else { self = .text }
        }

        func value(_ text: String?) -> RowValue {
            guard let text else { return .null }
            switch self {
            case .integer: return Int64(text).map(RowValue.integer) ?? .text(text)
            case .real: return Double(text).map(RowValue.real) ?? .text(text)
            case .text: return .text(text)
            }
        }
    }
}

/// A table sent with a query (ClickHouse's "external data"): values travel as data, never as SQL text.
struct ClickHouseExternalTable {
    /// The name the query reads it by.
    var name: String
    /// `name Type, …`.
    var structure: String
    /// The rows in TabSeparated.
    var data: Data

    /// A table of `columns` (name, ClickHouse type) holding `rows`.
    init(name: String, columns: [(String, String)], rows: [[RowValue]]) {
        self.name = name
        structure = columns.map { "\($0.0) \($0.1)" }.joined(separator: ", ")
        var text = ""
        for row in rows {
            text += row.map(Self.field).joined(separator: "\t")
            text += "\n"
        }
        data = Data(text.utf8)
    }

    /// One value as a TabSeparated field.
    static func field(_ value: RowValue) -> String {
        switch value {
        case .null: return "\\N"
        case .integer(let v): return String(v)
        case .real(let v): return String(v)
        case .text(let v), .json(let v): return escape(v)
        case .blob(let bytes): return bytes.map { String(format: "%02x", $0) }.joined()
        }
    }

    static func escape(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 0x5c || $0 == 0x09 || $0 == 0x0a || $0 == 0x0d || $0 == 0 }) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
