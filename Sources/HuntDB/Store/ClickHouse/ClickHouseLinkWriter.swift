import Foundation
import Model

/// Writes the rows whose links changed again, with their new links and a higher
/// `link_version` (c0006; `ClickHouseRowRewrite`).
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
        let parent = table == .processes
        let rewrite = ClickHouseRowRewrite(store: store, version: version, replaced: [("entity_id", "String")]
            + (parent ? [("parent_entity_id", "Nullable(String)")] : []) + [("executable", "Nullable(String)")])
        try rewrite.rewrite(table, rows: links.map { link in
            ClickHouseRowRewrite.Row(hostID: link.hostID, eventID: link.eventID, storedTs: link.ts,
                                     values: [.text(link.entity)] + (parent ? [link.parent.map(RowValue.text) ?? .null] : [])
                                         + [link.executable.map(RowValue.text) ?? .null])
        })
    }
}
