import Foundation
import Model

/// Writes stored rows again with some columns replaced and a higher `link_version` (c0006), on
/// the server or shard that holds them: the Security linker's new links (`ClickHouseLinkWriter`)
/// and a record's more precise time (`ClickHouseBatchWriter`). Every other column is copied
/// from the row's latest copy, so the row is the stored one with only those values changed.
/// Readers keep each event's highest version (`ClickHouseLinkedRows`, FINAL and merges with
/// c0007's versioned engine), so the stale copy needs no merge.
struct ClickHouseRowRewrite {
    let store: ClickHouseStore
    /// The version of the rows written (later rewrites write higher ones).
    let version: Int64
    /// The columns replaced, with their types.
    let replaced: [(column: String, type: String)]

    /// One row to write again: the event, its stored time (where to find it) and the new values
    /// of `replaced`, in order.
    struct Row {
        var hostID: Int64
        var eventID: Int64
        var storedTs: Int64
        var values: [RowValue]
    }

    func rewrite(_ table: ClickHouseEventRow.Table, rows: [Row]) throws {
        guard !rows.isEmpty else { return }
        let data = ClickHouseExternalTable(
            name: "hunt_rewrites",
            columns: [("host_id", "Int64"), ("event_id", "Int64")] + replaced.map { ("new_" + $0.column, $0.type) },
            rows: rows.map { [.integer($0.hostID), .integer($0.eventID)] + $0.values })
        let columns = table.columns + ["link_version"]
        let newColumns = Set(replaced.map(\.column))
        let values = columns.map { column in
            column == "link_version" ? "{version:Int64}" : newColumns.contains(column) ? "new_" + column : column
        }
        let name = store.endpoint.cluster == nil ? table.rawValue : table.rawValue + "_local"
        // Only the time range of the rows is read (through the sorting key's ts_key, which no
        // rewrite changes), and of each event its latest copy.
        let latest = ClickHouseLinkedRows.latest(columns: table.columns.joined(separator: ", "), from: name, where: """
            host_id IN (SELECT host_id FROM hunt_rewrites) AND ts_key >= {lo:Int64} AND ts_key <= {hi:Int64} AND ts_us >= {lo:Int64} AND ts_us < {hi:Int64} + 1000000 AND event_id IN (SELECT event_id FROM hunt_rewrites)
            """)
        let params = ClickHouseParameterizedSQL("""
            INSERT INTO \(name) (\(columns.joined(separator: ", ")))
            SELECT \(values.joined(separator: ", ")) FROM (\(latest)) ANY INNER JOIN hunt_rewrites USING (host_id, event_id)
            """)
        let times = rows.map(\.storedTs)
        let rendered = try params.render(["lo": .integer(ClickHouseLinkedRows.keyFloor(times.min() ?? 0)),
                                          "hi": .integer(times.max() ?? 0), "version": .integer(version)],
                                         nativeParameters: false)
        for node in store.nodes {
            try node.execute(rendered.sql, tables: rendered.tables + [data], purpose: "writing rows again")
        }
    }
}
