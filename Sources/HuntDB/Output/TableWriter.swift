import Foundation
import Model

/// An aligned text table. Widths come from the header and the first rows (up to 500, held back
/// to measure); later rows stream with those widths, so memory stays flat.
///
/// Times, ids, hosts and numbers (`ColumnKind.atomic`) are never cut. Unless `full`, paths and
/// text are at most `maxColumnWidth` characters wide, and on a terminal they are narrowed until
/// a line fits its width: paths keep their file name (`C:\…\System32\cmd.exe`), text ends with
/// `…`. When even that does not fit, the rows print as records, one field per line
/// (`VerticalLayout`), like `--format vertical`. Redirected to a file or a pipe, the table does
/// not depend on any terminal. Control characters (line breaks, tabs, escape sequences) print
/// as spaces so one row stays one line. A `(N rows)` line ends the table unless
/// `rowCountFooter` is off.
final class TableWriter: RowSink {
    private let sink: OutputSink
    private let options: OutputOptions
    private var columns: [String] = []
    private var held: [[String]] = []
    private var layout: Layout?
    private var rowCount = 0
    private var emitted = 0
    private static let sampleSize = 500
    /// No text column is narrowed below this to fit a terminal (a path keeps its file name).
    static let narrowest = 8

    private enum Layout {
        case table(widths: [Int], kinds: [ColumnKind])
        case vertical(VerticalLayout)
    }

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
        if let layout {
            try emit(cells, layout)
        } else {
            held.append(cells)
            if held.count >= Self.sampleSize { try flushHeld() }
        }
    }

    func end() throws {
        if layout == nil { try flushHeld() }
        if options.rowCountFooter { try sink.write("(\(rowCount) row\(rowCount == 1 ? "" : "s"))\n") }
        try sink.flush()
    }

    private func flushHeld() throws {
        let kinds = columns.indices.map { i in ColumnKind.classify(name: columns[i], samples: held.map { i < $0.count ? $0[i] : "" }) }
        let data = columns.indices.map { i in held.reduce(0) { max($0, i < $1.count ? $1[i].count : 0) } }
        var widths = zip(columns, data).map { max($0.count, $1) }
        if !options.full {
            widths = zip(widths, kinds).map { $1 == .atomic ? $0 : min($0, options.maxColumnWidth) }
            if let terminal = options.terminalWidth ?? sink.terminalWidth {
                let minimums = columns.indices.map { i in
                    kinds[i] == .path ? min(widths[i], max(Self.narrowest, Self.longestFileName(held.map { i < $0.count ? $0[i] : "" }) + 2)) : Self.narrowest
                }
                if let fitted = Self.fit(widths, kinds: kinds, dataWidths: data, headers: columns.map(\.count), minimums: minimums, into: terminal) {
                    widths = fitted
                } else {
                    layout = .vertical(VerticalLayout(columns: columns, terminalWidth: terminal))
                }
            }
        }
        if layout == nil {
            layout = .table(widths: widths, kinds: kinds)
            try sink.write(format(columns, widths, kinds.map { _ in ColumnKind.text }))
            try sink.write(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ") + "\n")
        }
        for cells in held { try emit(cells, layout!) }
        held = []
    }

    private func emit(_ cells: [String], _ layout: Layout) throws {
        emitted += 1
        switch layout {
        case .table(let widths, let kinds): try sink.write(format(cells, widths, kinds))
        case .vertical(let vertical): try sink.write(vertical.record(emitted, cells))
        }
    }

    /// The longest file name (after the last `\\` or `/`) among `paths`, at most 32.
    static func longestFileName(_ paths: [String]) -> Int {
        paths.reduce(0) { longest, path in
            let name = path.split(whereSeparator: { $0 == "\\" || $0 == "/" }).last ?? ""
            return max(longest, min(name.count, 32))
        }
    }

    /// Widths whose line fits `total` characters: path and text columns narrowed to one cap
    /// (never below their `minimums`: paths keep their longest file name). Headers longer than their atomic column's values may be cut
    /// (to 12) when that leaves paths and text more room. Nil when the line cannot fit without
    /// cutting a value that must stay whole.
    static func fit(_ widths: [Int], kinds: [ColumnKind], dataWidths: [Int], headers: [Int], minimums: [Int], into total: Int) -> [Int]? {
        let separators = max(widths.count - 1, 0) * 2
        func length(_ widths: [Int]) -> Int { widths.reduce(separators, +) }
        guard length(widths) > total else { return widths }
        /// The largest cap on path and text columns that fits, with the widths it gives.
        func narrowed(_ widths: [Int]) -> (cap: Int, widths: [Int])? {
            func capped(_ cap: Int) -> [Int] {
                widths.indices.map { i in kinds[i] == .atomic ? widths[i] : min(widths[i], max(cap, min(widths[i], minimums[i]))) }
            }
            var low = narrowest, high = widths.max() ?? narrowest
            while low < high {
                let middle = (low + high + 1) / 2
                if length(capped(middle)) <= total { low = middle } else { high = middle - 1 }
            }
            let result = capped(low)
            return length(result) <= total ? (low, result) : nil
        }
        var shortHeaders = widths
        for i in widths.indices where kinds[i] == .atomic { shortHeaders[i] = max(dataWidths[i], min(headers[i], 12)) }
        switch (narrowed(widths), narrowed(shortHeaders)) {
        case let (whole?, short?): return short.cap > whole.cap ? short.widths : whole.widths
        case let (whole, short): return (whole ?? short)?.widths
        }
    }

    /// One line of cells; the header is formatted with every kind `.text` (a header may be cut,
    /// a value that must stay whole never is: a longer one than measured just widens its line).
    private func format(_ cells: [String], _ widths: [Int], _ kinds: [ColumnKind]) -> String {
        var line = ""
        for (i, cell) in cells.enumerated() {
            let width = i < widths.count ? widths[i] : cell.count
            var text = cell
            if !options.full, text.count > width { text = (i < kinds.count ? kinds[i] : .text).fit(text, width: width) }
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
