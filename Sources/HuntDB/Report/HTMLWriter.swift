/// Builds HTML text where every value is escaped: command lines, paths and host names come
/// from the logs of compromised machines, so none may become markup.
///
/// ```swift
/// var html = HTMLWriter()
/// html.element("code", "<script>alert(1)</script>")   // <code>&lt;script&gt;alert(1)&lt;/script&gt;</code>
/// ```
struct HTMLWriter {
    private(set) var text = ""

    /// `value` with `& < > " '` escaped, for text and attribute values alike.
    static func escape(_ value: String) -> String {
        var out = ""
        out.reserveCapacity(value.utf8.count)
        for scalar in value.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\u{0}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Opens `tag` with attributes (names are ours, values are escaped).
    mutating func open(_ tag: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        text += "<" + tag
        for (name, value) in attributes { text += " \(name)=\"\(Self.escape(value))\"" }
        text += ">"
    }

    mutating func close(_ tag: String) { text += "</\(tag)>" }

    /// `<tag …>escaped content</tag>`.
    mutating func element(_ tag: String, _ content: String, _ attributes: KeyValuePairs<String, String> = [:]) {
        open(tag, attributes)
        text += Self.escape(content)
        close(tag)
    }

    /// Escaped text.
    mutating func add(_ content: String) { text += Self.escape(content) }

    /// Markup we wrote ourselves (never data).
    mutating func markup(_ trusted: StaticString) { text += trusted.description }

    /// Markup composed by this module from its own words and numbers, never from data.
    mutating func appendTrusted(_ markup: String) { text += markup }

    /// Markup built by another writer (already escaped).
    mutating func append(_ other: HTMLWriter) { text += other.text }

    /// A column's heading: time columns say they are UTC times (`first_ts_us` → `first (UTC)`).
    static func heading(_ column: String) -> String {
        guard TimeColumns.isTimeColumn(column) else { return column }
        for suffix in ["_ts_us", "_at_us", "ts_us"] where column.lowercased().hasSuffix(suffix) {
            let stem = column.dropLast(suffix.count)
            return (stem.isEmpty ? "time" : String(stem)) + " (UTC)"
        }
        return column
    }

    /// A table of `columns` and `rows` (cells escaped; time columns as ISO-8601).
    /// With `cellLimit`, longer cells show their start and say how long they were (for context
    /// tables whose full values are shown elsewhere on the page).
    mutating func table(_ table: ReportTable, limit: Int = .max, cellLimit: Int = .max, css: String? = nil,
                        rowClass: ([RowValue]) -> String? = { _ in nil }) {
        let times = TimeColumns(columns: table.columns)
        if let css { open("table", ["class": css]) } else { open("table") }
        open("thead")
        open("tr")
        for column in table.columns { element("th", Self.heading(column)) }
        close("tr")
        close("thead")
        open("tbody")
        for row in table.rows.prefix(limit) {
            if let css = rowClass(row) { open("tr", ["class": css]) } else { open("tr") }
            for value in times.render(row) {
                let text = value.description
                element("td", text.count > cellLimit ? "\(text.prefix(cellLimit))… (\(text.count) characters)" : text)
            }
            close("tr")
        }
        close("tbody")
        close("table")
        if table.rows.count > limit {
            element("p", "… and \(table.rows.count - limit) more rows (see hunt stats).", ["class": "note"])
        }
    }
}

import Model
