import Model

extension EventStore {
    public func scanTextColumns(of table: String, columns: [String], filter: String, parameters: [String: RowValue],
                                purpose: String, into sink: any TextColumnSink) throws {
        try scanTextColumnsByValue(of: table, columns: columns, filter: filter, parameters: parameters, purpose: purpose, into: sink)
    }

    /// `scanTextColumns` for any store: reads every value with `runRule` and numbers the
    /// distinct texts as they come.
    public func scanTextColumnsByValue(of table: String, columns: [String], filter: String, parameters: [String: RowValue],
                                       purpose: String, into sink: any TextColumnSink) throws {
        // Table and column names are the caller's constants (field maps), never rule text.
        let sql = "SELECT e.event_id" + columns.map { ", e.\($0)" }.joined() + " FROM " + table + " AS e WHERE " + filter
        try runRule(sql: sql, parameters: parameters, purpose: purpose, into: NumberingTexts(sink, columns: columns.count))
    }
}

/// Turns rows of values into `TextColumnSink` calls, numbering each distinct text once.
private final class NumberingTexts: RowSink {
    private let sink: any TextColumnSink
    private var numbers: [String: Int] = [:]
    private var texts: [Int]

    init(_ sink: any TextColumnSink, columns: Int) {
        self.sink = sink
        texts = Array(repeating: -1, count: columns)
    }

    func begin(columns: [String]) throws {}

    func write(_ row: [RowValue]) throws {
        guard case .integer(let event) = row[0] else { return }
        for column in texts.indices {
            guard case .text(let text) = row[column + 1] else {
                texts[column] = -1
                continue
            }
            if let known = numbers[text] {
                texts[column] = known
            } else {
                let number = numbers.count
                numbers[text] = number
                var copy = text
                try copy.withUTF8 { try sink.text(number, UnsafeRawBufferPointer($0)) }
                texts[column] = number
            }
        }
        try texts.withUnsafeBufferPointer { try sink.row(event: event, texts: $0) }
    }

    func end() throws {}
}
