import Model

/// Timesketch's JSONL import: one object per line with `message`, `datetime` (ISO-8601),
/// `timestamp` (microseconds) and `timestamp_desc`, then every column of the row as is, so
/// alerts import into a sketch unchanged.
///
/// The time is the first of `timeColumns` the row has a value for (for alerts: the child start,
/// else the connection); `timestamp_desc` names it. A row without any time cannot be placed on a
/// timeline: it is an error naming the row, never dropped.
final class TimesketchWriter: RowSink {
    private let sink: OutputSink
    private let json: JSONWriter
    private var columns: [String] = []
    private var rowNumber = 0
    /// Columns that give the event's time, in order of preference, with their description.
    static let timeColumns: [(column: String, description: String)] = [
        ("time", "Alert time"), ("process_time", "Process start"), ("network_time", "Network connection"),
        ("ts_us", "Event time"), ("first_ts_us", "First seen"),
    ]
    /// Columns whose values make the message, in order.
    static let messageColumns = ["rule_name", "host", "source", "child_executable", "child_command_line",
                                 "executable", "command_line", "detail"]

    init(sink: OutputSink) {
        self.sink = sink
        json = JSONWriter(sink: sink, lineDelimited: true)
    }

    func begin(columns: [String]) throws {
        self.columns = columns
        try json.begin(columns: ["message", "datetime", "timestamp", "timestamp_desc"] + columns)
    }

    func write(_ row: [RowValue]) throws {
        rowNumber += 1
        func value(_ column: String) -> RowValue? {
            guard let index = columns.firstIndex(of: column), index < row.count, row[index] != .null,
                  row[index] != .text("") else { return nil }
            return row[index]
        }
        var when: (micros: Int64, description: String)?
        for (column, description) in Self.timeColumns {
            switch value(column) {
            case .integer(let micros)?: when = (micros, description)
            case .text(let text)?: when = Timestamp.parseMicros(text).map { ($0, description) }
            default: continue
            }
            if when != nil { break }
        }
        guard let when else {
            throw OutputError("Timesketch needs a time for every event, and row \(rowNumber) has none (looked at \(Self.timeColumns.map(\.column).joined(separator: ", "))).")
        }
        let message = Self.messageColumns.compactMap { value($0)?.description }.joined(separator: " | ")
        try json.write([.text(message.isEmpty ? "row \(rowNumber)" : message), .text(Timestamp.iso8601(micros: when.micros)),
                        .integer(when.micros), .text(when.description)] + row)
    }

    func end() throws {
        try json.end()
    }
}
