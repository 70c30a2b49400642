import Model

extension Statement {
    /// Streams every remaining row to `sink` (begin, rows, end) and returns how many there were.
    /// - Throws: `DatabaseError` from SQLite, or the sink's error.
    @discardableResult
    func writeRows(to sink: any RowSink) throws -> Int {
        try sink.begin(columns: columnNames)
        var count = 0
        while try step() {
            try sink.write(row())
            count += 1
        }
        try sink.end()
        return count
    }
}
