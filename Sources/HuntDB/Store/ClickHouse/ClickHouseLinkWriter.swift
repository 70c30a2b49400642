import Foundation
import Model

/// Writes the rows whose links changed again, with their new links and a higher
/// `link_version` (c0006), on the server or shard that holds them: readers keep the highest
/// version of each event (`ClickHouseLinkedRows`), FINAL the last copy inserted, so the stale
/// copies need no merge.
struct ClickHouseLinkWriter {
    let store: ClickHouseStore
    /// The version of this pass's rows (later passes write higher ones).
    let version: Int64

    /// A row's new links.
    struct Link {
        var hostID: Int64
        var eventID: Int64
        var ts: Int64
        var entity: String
        var parent: String?
        var executable: String?
    }

    /// Writes the rows named in `links` again with those values (the parent entity only for processes).
    func rewrite(_ table: ClickHouseEventRow.Table, links: [Link]) throws {
        guard !links.isEmpty else { return }
        let parent = table == .processes
        let data = ClickHouseExternalTable(name: "hunt_links", columns: [
            ("host_id", "Int64"), ("event_id", "Int64"), ("link_ts", "Int64"), ("link_entity", "String"), ("link_parent", "Nullable(String)"),
            ("link_executable", "Nullable(String)"),
        ], rows: links.map { [.integer($0.hostID), .integer($0.eventID), .integer($0.ts), .text($0.entity), $0.parent.map(RowValue.text) ?? .null,
                              $0.executable.map(RowValue.text) ?? .null] })
        let columns = table.columns + ["link_version"]
        let values = columns.map { column in
            switch column {
            case "entity_id": "link_entity"
            case "parent_entity_id" where parent: "link_parent"
            case "executable": "link_executable"
            case "link_version": "{version:Int64}"
            default: column
            }
        }
        let name = store.endpoint.cluster == nil ? table.rawValue : table.rawValue + "_local"
        // Only the time range of the links is read, and of each event its latest copy.
        let latest = ClickHouseLinkedRows.latest(columns: table.columns.joined(separator: ", "), from: name, where: """
            host_id IN (SELECT host_id FROM hunt_links) AND ts_us >= {lo:Int64} AND ts_us <= {hi:Int64} AND event_id IN (SELECT event_id FROM hunt_links)
            """)
        let params = ClickHouseParameterizedSQL("""
            INSERT INTO \(name) (\(columns.joined(separator: ", ")))
            SELECT \(values.joined(separator: ", ")) FROM (\(latest)) ANY INNER JOIN hunt_links USING (host_id, event_id)
            """)
        let rendered = try params.render(["lo": .integer(links.map(\.ts).min() ?? 0),
                                          "hi": .integer(links.map(\.ts).max() ?? 0), "version": .integer(version)],
                                         nativeParameters: false)
        for node in store.nodes {
            try node.execute(rendered.sql, tables: rendered.tables + [data], purpose: "writing the links of Security events")
        }
    }
}
