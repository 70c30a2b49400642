/// Receives a stream of rows: the column names once, then each row, then the end.
///
/// The store streams query results into a sink; the output writers (table, CSV, JSON) are sinks.
public protocol RowSink {
    /// Called once before any row, with the column names.
    func begin(columns: [String]) throws
    func write(_ row: [RowValue]) throws
    /// Called once after the last row (also when there were none).
    func end() throws
}
