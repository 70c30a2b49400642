extension Statement {
    /// Streams every remaining row to `writer` (begin, rows, end) and returns how many there were.
    ///
    /// With `isoTimes`, integer values in columns named `ts_us`, `*_ts_us` or `*_at_us`
    /// (microseconds since 1970 UTC) are written as ISO-8601 UTC text, as the views' `time` does.
    /// - Throws: `DatabaseError` from SQLite, or the writer's error.
    @discardableResult
    public func writeRows(to writer: any RowWriter, isoTimes: Bool) throws -> Int {
        let columns = columnNames
        let times = isoTimes ? TimeColumns(columns: columns) : TimeColumns(indexes: [])
        try writer.begin(columns: columns)
        var count = 0
        while try step() {
            try writer.write(times.render(row()))
            count += 1
        }
        try writer.end()
        return count
    }
}
