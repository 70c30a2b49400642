import Foundation
import Model

/// SQL with named parameters, `{name:Type}` (ClickHouse's own form) or `:name` (the form of
/// HuntDB's SQLite files, typed by the bound value), and how its values reach the server
/// without ever entering the SQL text.
///
/// Servers from 19.11 on take query parameters (`param_name=value` beside the query, the SQL
/// keeps `{name:Type}`). Older servers (Debian's 18.16) have none: there each placeholder
/// becomes `(SELECT name FROM hunt_params)`, a scalar subquery over a one-row external table
/// sent with the query, so values still travel as data.
struct ClickHouseParameterizedSQL {
    /// One placeholder in the text.
    private struct Placeholder {
        var range: Range<String.Index>
        var name: String
        /// The declared type, nil for `:name`.
        var type: String?
    }

    let text: String
    private let placeholders: [Placeholder]

    /// The external table's name on servers without query parameters.
    static let parameterTable = "hunt_params"

    init(_ text: String) {
        self.text = text
        placeholders = Self.scan(text)
    }

    /// The parameter names in order of first use.
    var parameterNames: [String] {
        var seen = Set<String>()
        return placeholders.map(\.name).filter { seen.insert($0).inserted }
    }

    /// The SQL to send, with the tables or URL parameters that carry `values`.
    /// - Throws: `QueryError.missingParameter` for a placeholder without a value.
    func render(_ values: [String: RowValue], nativeParameters: Bool)
        throws -> (sql: String, tables: [ClickHouseExternalTable], urlParameters: [String: String]) {
        var types: [String: String] = [:]
        for placeholder in placeholders where types[placeholder.name] == nil {
            guard let value = values[placeholder.name] else { throw QueryError.missingParameter(name: placeholder.name, help: nil) }
            types[placeholder.name] = placeholder.type ?? Self.type(of: value)
        }
        var sql = ""
        var cursor = text.startIndex
        for placeholder in placeholders {
            sql += text[cursor..<placeholder.range.lowerBound]
            let type = types[placeholder.name] ?? "String"
            sql += nativeParameters ? "{\(placeholder.name):\(type)}" : "(SELECT \(placeholder.name) FROM \(Self.parameterTable))"
            cursor = placeholder.range.upperBound
        }
        sql += text[cursor...]
        let names = parameterNames
        if names.isEmpty { return (sql, [], [:]) }
        if nativeParameters {
            var urlParameters: [String: String] = [:]
            for name in names { urlParameters["param_" + name] = ClickHouseExternalTable.field(values[name] ?? .null) }
            return (sql, [], urlParameters)
        }
        let table = ClickHouseExternalTable(name: Self.parameterTable, columns: names.map { ($0, types[$0] ?? "String") },
                                            rows: [names.map { values[$0] ?? .null }])
        return (sql, [table], [:])
    }

    /// The ClickHouse type of a value bound to a `:name` placeholder.
    private static func type(of value: RowValue) -> String {
        switch value {
        case .integer: "Int64"
        case .real: "Float64"
        case .text, .blob, .json: "String"
        case .null: "Nullable(String)"
        }
    }

    /// Finds the placeholders outside string literals, quoted identifiers and comments.
    private static func scan(_ text: String) -> [Placeholder] {
        var found: [Placeholder] = []
        let scalars = text.unicodeScalars
        var i = scalars.startIndex
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.isASCII && CharacterSet.letters.contains(c)) }
        func isName(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || (c.isASCII && CharacterSet.decimalDigits.contains(c)) }
        var previous: Unicode.Scalar = " "
        while i < scalars.endIndex {
            let c = scalars[i]
            switch c {
            case "'", "\"", "`":
                // Skip the quoted text; a backslash escapes the next character, a doubled quote is one quote.
                var j = scalars.index(after: i)
                while j < scalars.endIndex {
                    if scalars[j] == "\\" { j = scalars.index(after: j); if j < scalars.endIndex { j = scalars.index(after: j) }; continue }
                    if scalars[j] == c { break }
                    j = scalars.index(after: j)
                }
                i = j < scalars.endIndex ? scalars.index(after: j) : j
                previous = c
                continue
            case "-" where scalars.index(after: i) < scalars.endIndex && scalars[scalars.index(after: i)] == "-":
                while i < scalars.endIndex && scalars[i] != "\n" { i = scalars.index(after: i) }
                continue
            case "/" where scalars.index(after: i) < scalars.endIndex && scalars[scalars.index(after: i)] == "*":
                var j = scalars.index(i, offsetBy: 2)
                while j < scalars.endIndex {
                    if scalars[j] == "*", scalars.index(after: j) < scalars.endIndex, scalars[scalars.index(after: j)] == "/" {
                        j = scalars.index(j, offsetBy: 2)
                        break
                    }
                    j = scalars.index(after: j)
                }
                i = min(j, scalars.endIndex)
                continue
            case "{":
                // {name:Type}
                var j = scalars.index(after: i)
                let nameStart = j
                while j < scalars.endIndex && isName(scalars[j]) { j = scalars.index(after: j) }
                if j > nameStart, isNameStart(scalars[nameStart]), j < scalars.endIndex, scalars[j] == ":",
                   let close = scalars[j...].firstIndex(of: "}") {
                    let type = String(scalars[scalars.index(after: j)..<close]).trimmingCharacters(in: .whitespaces)
                    if !type.isEmpty, type.unicodeScalars.allSatisfy({ isName($0) || $0 == "(" || $0 == ")" || $0 == "," || $0 == " " }) {
                        let end = scalars.index(after: close)
                        found.append(Placeholder(range: i..<end, name: String(scalars[nameStart..<j]), type: type))
                        i = end
                        previous = "}"
                        continue
                    }
                }
            case ":" where !isName(previous) && previous != ":":
                // :name (not ::type casts, not a:b)
                let nameStart = scalars.index(after: i)
                if nameStart < scalars.endIndex, isNameStart(scalars[nameStart]) {
                    var j = nameStart
                    while j < scalars.endIndex && isName(scalars[j]) { j = scalars.index(after: j) }
                    found.append(Placeholder(range: i..<j, name: String(scalars[nameStart..<j]), type: nil))
                    i = j
                    previous = "a"
                    continue
                }
            default:
                break
            }
            previous = c
            i = scalars.index(after: i)
        }
        return found
    }
}
