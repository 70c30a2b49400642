import Model

/// How commands print rows.
public enum OutputFormat: String, CaseIterable, Sendable {
    /// Aligned columns for reading on a terminal: paths and text shortened to fit unless `full`,
    /// times, ids, hosts and numbers never; records one field per line when rows cannot fit.
    case table
    /// RFC 4180 CSV with one header row; formula-like cells neutralized unless raw.
    case csv
    /// One JSON array of objects.
    case json
    /// One JSON object per line.
    case ndjson
    /// One field per line, record after record (psql's `\x`); nothing cut.
    case vertical
    /// Timesketch's JSONL import (`message`, `datetime`, `timestamp_desc` and every column).
    case timesketch
}

/// Options shared by every row writer.
public struct OutputOptions: Sendable {
    public var format: OutputFormat = .table
    /// Table: do not truncate long fields.
    public var full = false
    /// CSV: do not prefix formula-like cells with `'`.
    public var csvRaw = false
    /// CSV for Excel on Windows: a UTF-8 byte order mark first (else Excel reads the text as
    /// the system code page and garbles anything not ASCII); the formula guard stays on.
    public var excel = false
    /// Table: the widest a column may be before truncation.
    public var maxColumnWidth = 48
    /// Table: end with a `(N rows)` line. Commands that report the count on standard error
    /// turn it off, so that standard output carries only the table.
    public var rowCountFooter = false
    /// Table: the line width to fit; nil means the sink's terminal width, or no limit when the
    /// sink is not a terminal.
    public var terminalWidth: Int?

    public init(format: OutputFormat = .table) {
        self.format = format
    }
}

/// Makes the writer for `options.format`.
public func makeRowWriter(_ options: OutputOptions, sink: OutputSink) -> any RowSink {
    switch options.format {
    case .table: TableWriter(sink: sink, options: options)
    case .csv: CSVWriter(sink: sink, neutralizeFormulas: options.excel || !options.csvRaw, byteOrderMark: options.excel)
    case .json: JSONWriter(sink: sink, lineDelimited: false)
    case .ndjson: JSONWriter(sink: sink, lineDelimited: true)
    case .vertical: VerticalWriter(sink: sink, options: options)
    case .timesketch: TimesketchWriter(sink: sink)
    }
}
