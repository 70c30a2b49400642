import Model
import Store

/// One analyst query run from start to end, shared by `hunt sql` and `hunt query run`:
/// prepare and bind on a guarded store, then stream the rows to a sink made only once the
/// query was accepted (so a refused query creates no output file).
///
/// ```swift
/// let store = try StoreLocation.open("case.db", access: .analyst)
/// let rows = try AnalystQuery(store: store).run(values: ["host": .text("WS-0042")], isoTimes: true,
///     prepare: { try $0.prepareAnalystQuery(sql, purpose: "running hunt sql") },
///     makeSink: { writer })
/// ```
public struct AnalystQuery {
    public let store: any EventStore

    public init(store: any EventStore) {
        self.store = store
    }

    /// Prepares the statement, binds `values` (`help` explains a missing one), then streams its
    /// rows to the sink `makeSink` returns. Returns the number of rows.
    ///
    /// With `isoTimes`, integer values in columns named `ts_us`, `*_ts_us` or `*_at_us`
    /// (microseconds since 1970 UTC) are written as ISO-8601 UTC text, as the views' `time` does.
    /// - Throws: `QueryError` (refused, bad parameter), `StoreError`, or the sink's error.
    @discardableResult
    public func run(values: [String: RowValue], help: [String: String] = [:], isoTimes: Bool,
                    prepare: (any EventStore) throws -> any AnalystStatement,
                    makeSink: () throws -> any RowSink) throws -> Int {
        let statement = try prepare(store)
        try statement.bind(values, help: help)
        let sink = try makeSink()
        return try statement.run(into: isoTimes ? ISOTimeRows(sink) : sink)
    }
}
