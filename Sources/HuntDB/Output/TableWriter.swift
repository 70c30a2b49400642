/// An aligned text table. Widths come from the header and the first rows (up to 500, held back
/// to measure); later rows stream with those widths. Long fields are cut with `…` unless `full`.
final class TableWriter: RowWriter {
    private let sink: OutputSink
    private let options: OutputOptions
    private var columns: [String] = []
    private var held: [[String]] = []
    private var widths: [Int]?
    private var rowCount = 0
    private static let sampleSize = 500

    init(sink: OutputSink, options: OutputOptions) {
        self.sink = sink
        self.options = options
    }

    func begin(columns: [String]) throws {
        self.columns = columns
    }

    func write(_ row: [SQLValue]) throws {
        rowCount += 1
        let cells = row.map { Self.cell($0) }
        if let widths {
            try sink.write(format(cells, widths))
        } else {
            held.append(cells)
            if held.count >= Self.sampleSize { try flushHeld() }
        }
    }

    func end() throws {
        if widths == nil { try flushHeld() }
        try sink.write("(\(rowCount) row\(rowCount == 1 ? "" : "s"))\n")
        try sink.flush()
    }

    private func flushHeld() throws {
        var widths = columns.map(\.count)
        for cells in held {
            for (i, cell) in cells.enumerated() where i < widths.count {
                widths[i] = max(widths[i], cell.count)
            }
        }
        if !options.full { widths = widths.map { min($0, options.maxColumnWidth) } }
        self.widths = widths
        try sink.write(format(columns, widths))
        try sink.write(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n")
        for cells in held { try sink.write(format(cells, widths)) }
        held = []
    }

    private func format(_ cells: [String], _ widths: [Int]) -> String {
        var line = ""
        for (i, cell) in cells.enumerated() {
            let width = i < widths.count ? widths[i] : cell.count
            var text = cell
            if !options.full, text.count > width { text = String(text.prefix(max(width - 1, 0))) + "…" }
            if i > 0 { line += "  " }
            line += i == cells.count - 1 ? text : text + String(repeating: " ", count: max(width - text.count, 0))
        }
        return line + "\n"
    }

    /// Table cells are one line: line breaks and tabs shown as spaces.
    private static func cell(_ value: SQLValue) -> String {
        let text = value.description
        guard text.utf8.contains(where: { $0 < 0x20 }) else { return text }
        return String(text.unicodeScalars.map { $0.value < 0x20 ? " " : Character($0) })
    }
}
