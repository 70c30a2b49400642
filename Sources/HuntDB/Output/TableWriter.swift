import Foundation
import Model

/// An aligned text table. Widths come from the header and the first rows (up to 500, held back
/// to measure); later rows stream with those widths, so memory stays flat.
///
/// Unless `full`: a column is at most `maxColumnWidth` characters wide, and when the sink is a
/// terminal the widest columns are narrowed further until a line fits its width. Cut fields end
/// with `…`. Redirected to a file or a pipe, the table does not depend on any terminal. Control
/// characters (line breaks, tabs, escape sequences) print as spaces so one row stays one line.
/// A `(N rows)` line ends the table unless `rowCountFooter` is off.
final class TableWriter: RowSink {
    private let sink: OutputSink
    private let options: OutputOptions
    private var columns: [String] = []
    private var held: [[String]] = []
    private var widths: [Int]?
    private var rowCount = 0
    private static let sampleSize = 500
    /// No column is narrowed below this to fit a terminal.
    private static let narrowest = 6

    init(sink: OutputSink, options: OutputOptions) {
        self.sink = sink
        self.options = options
    }

    func begin(columns: [String]) throws {
        self.columns = columns.map(Self.oneLine)
    }

    func write(_ row: [RowValue]) throws {
        rowCount += 1
        let cells = row.map { Self.oneLine($0.description) }
        if let widths {
            try sink.write(format(cells, widths))
        } else {
            held.append(cells)
            if held.count >= Self.sampleSize { try flushHeld() }
        }
    }

    func end() throws {
        if widths == nil { try flushHeld() }
        if options.rowCountFooter { try sink.write("(\(rowCount) row\(rowCount == 1 ? "" : "s"))\n") }
        try sink.flush()
    }

    private func flushHeld() throws {
        var widths = columns.map(\.count)
        for cells in held {
            for (i, cell) in cells.enumerated() where i < widths.count {
                widths[i] = max(widths[i], cell.count)
            }
        }
        if !options.full {
            widths = widths.map { min($0, options.maxColumnWidth) }
            if let terminal = options.terminalWidth ?? sink.terminalWidth {
                widths = Self.fit(widths, into: terminal)
            }
        }
        self.widths = widths
        try sink.write(format(columns, widths))
        try sink.write(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n")
        for cells in held { try sink.write(format(cells, widths)) }
        held = []
    }

    /// Caps the widest columns at one width, the largest that makes the line fit `total`
    /// characters (never below `narrowest`).
    static func fit(_ widths: [Int], into total: Int) -> [Int] {
        let separators = max(widths.count - 1, 0) * 2
        func length(_ cap: Int) -> Int { widths.reduce(separators) { $0 + min($1, cap) } }
        guard let widest = widths.max(), length(widest) > total else { return widths }
        var low = narrowest, high = widest
        while low < high {
            let middle = (low + high + 1) / 2
            if length(middle) <= total { low = middle } else { high = middle - 1 }
        }
        return widths.map { min($0, low) }
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

    /// Table cells are one line: C0 and C1 control characters and DEL (line breaks, tabs,
    /// terminal escape sequences from attacker-controlled fields) print as spaces.
    static func oneLine(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.map { isControl($0) ? " " : $0 }))
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value)
    }
}
