/// Columns holding microseconds since 1970 UTC, recognized by name and rendered as ISO-8601 UTC
/// text, the way the views' `time` column shows them.
public struct TimeColumns: Sendable {
    let indexes: Set<Int>

    /// The time columns among `columns`.
    public init(columns: [String]) {
        indexes = Set(columns.indices.filter { Self.isTimeColumn(columns[$0]) })
    }

    /// `ts_us`, `network_ts_us`, `started_at_us`…
    public static func isTimeColumn(_ name: String) -> Bool {
        let lower = name.lowercased()
        return lower == "ts_us" || lower.hasSuffix("_ts_us") || lower.hasSuffix("_at_us")
    }

    /// `row` with every integer in a time column replaced by its ISO-8601 text.
    public func render(_ row: [RowValue]) -> [RowValue] {
        guard !indexes.isEmpty else { return row }
        var row = row
        for index in indexes where index < row.count {
            if case .integer(let micros) = row[index] { row[index] = .text(Timestamp.iso8601(micros: micros)) }
        }
        return row
    }
}

/// A sink that renders the time columns of every row as ISO-8601 text, then hands the row on.
///
/// ```swift
/// try statement.run(into: ISOTimeRows(writer))   // ts_us 1793527200123000 → 2026-11-01T10:00:00.123Z
/// ```
public final class ISOTimeRows: RowSink {
    private let next: any RowSink
    private var times = TimeColumns(columns: [])

    public init(_ next: any RowSink) {
        self.next = next
    }

    public func begin(columns: [String]) throws {
        times = TimeColumns(columns: columns)
        try next.begin(columns: columns)
    }

    public func write(_ row: [RowValue]) throws {
        try next.write(times.render(row))
    }

    public func end() throws {
        try next.end()
    }
}
