import Model

/// A small table kept in memory for the report: column names and rows as the store returned
/// them (times still in microseconds; the page renders them).
public struct ReportTable: Sendable, Equatable {
    public var columns: [String]
    public var rows: [[RowValue]]

    public init(columns: [String] = [], rows: [[RowValue]] = []) {
        self.columns = columns
        self.rows = rows
    }

    /// The table with only `columns` that it has, in that order.
    public func selecting(_ wanted: [String]) -> ReportTable {
        let indexes = wanted.compactMap(index(of:))
        return ReportTable(columns: indexes.map { columns[$0] }, rows: rows.map { row in indexes.map { row[$0] } })
    }

    /// The position of a column, or nil.
    public func index(of column: String) -> Int? { columns.firstIndex(of: column) }

    /// The value of `column` in `row`, or null when there is no such column.
    public func value(_ row: [RowValue], _ column: String) -> RowValue {
        guard let index = index(of: column), index < row.count else { return .null }
        return row[index]
    }
}

/// A sink that keeps every row it is given, as a `ReportTable`.
final class ReportTableSink: RowSink {
    private(set) var table = ReportTable()

    func begin(columns: [String]) throws { table.columns = columns }
    func write(_ row: [RowValue]) throws { table.rows.append(row) }
    func end() throws {}
}
