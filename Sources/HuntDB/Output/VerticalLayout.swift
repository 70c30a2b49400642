import Model

/// Rows as records, one field per line, like psql's `\\x`: for rows too wide for a terminal,
/// and `--format vertical`. Times, ids, hosts and numbers are never cut; on a terminal (unless
/// `full`) a path is cut in the middle to one line and text to `textLines` lines, saying how
/// long it was.
///
/// ```
/// -[ RECORD 1 ]-----------------------------
/// rule_id          | remote_service_rpc
/// host             | WS6.corp.example
/// ```
struct VerticalLayout {
    let columns: [String]
    private let keyWidth: Int
    /// The room for a value on one terminal line; nil when values are not cut.
    private let valueWidth: Int?
    static let textLines = 3

    init(columns: [String], terminalWidth: Int? = nil) {
        self.columns = columns
        let keyWidth = columns.map(\.count).max() ?? 0
        self.keyWidth = keyWidth
        valueWidth = terminalWidth.map { max($0 - keyWidth - 3, 20) }
    }

    /// `value` as lines that fit (see the type's summary): text wraps onto at most `textLines`
    /// lines, the last saying how long the value was when it is cut.
    private func fitted(_ value: String, column: String) -> [String] {
        guard let valueWidth, value.count > valueWidth else { return [value] }
        switch ColumnKind.classify(name: column, samples: [value]) {
        case .atomic: return [value]
        case .path: return [ColumnKind.path.fit(value, width: valueWidth)]
        case .text:
            var text = value
            let room = valueWidth * Self.textLines
            if value.count > room {
                let note = "… (\(value.count) characters; --full shows all)"
                text = String(value.prefix(max(room - note.count, 0))) + note
            }
            var lines: [String] = []
            var rest = Substring(text)
            while !rest.isEmpty {
                lines.append(String(rest.prefix(valueWidth)))
                rest = rest.dropFirst(valueWidth)
            }
            return lines
        }
    }

    /// The lines of record `number` (from 1).
    func record(_ number: Int, _ cells: [String]) -> String {
        let title = "-[ RECORD \(number) ]"
        var text = title + String(repeating: "-", count: max(keyWidth + 3 - title.count, 0) + 20) + "\n"
        for (i, column) in columns.enumerated() {
            let value = i < cells.count ? cells[i] : ""
            for (index, line) in fitted(value, column: column).enumerated() {
                let key = index == 0 ? column : ""
                text += key + String(repeating: " ", count: keyWidth - key.count) + " | " + line + "\n"
            }
        }
        return text
    }
}

/// `--format vertical`: every row as a record, whatever the terminal.
final class VerticalWriter: RowSink {
    private let sink: OutputSink
    private let options: OutputOptions
    private var layout = VerticalLayout(columns: [])
    private var rowCount = 0

    init(sink: OutputSink, options: OutputOptions) {
        self.sink = sink
        self.options = options
    }

    func begin(columns: [String]) throws {
        layout = VerticalLayout(columns: columns.map(TableWriter.oneLine),
                                terminalWidth: options.full ? nil : options.terminalWidth ?? sink.terminalWidth)
    }

    func write(_ row: [RowValue]) throws {
        rowCount += 1
        try sink.write(layout.record(rowCount, row.map { TableWriter.oneLine($0.description) }))
    }

    func end() throws {
        if options.rowCountFooter { try sink.write("(\(rowCount) row\(rowCount == 1 ? "" : "s"))\n") }
        try sink.flush()
    }
}
