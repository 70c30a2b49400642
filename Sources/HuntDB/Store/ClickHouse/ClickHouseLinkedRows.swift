/// How readers without FINAL see rows the Security linker may have written again (c0006):
/// of each event's copies, the one with the highest `link_version`.
///
/// The filter must name only columns the linker never rewrites (everything but `entity_id`,
/// `parent_entity_id`, `executable`): a filter on a linked column would pick among the copies
/// that pass it, a stale one among them.
enum ClickHouseLinkedRows {
    /// `SELECT columns FROM (… the latest copy of each event of table that passes filter)`.
    /// The arguments are constants of the callers (names and SQL with `{name:Type}` parameters).
    static func latest(columns: String, from table: String, where filter: String) -> String {
        """
        SELECT \(columns) FROM (
            SELECT \(columns), link_version FROM \(table)
            WHERE \(filter)
            ORDER BY link_version DESC
            LIMIT 1 BY event_id
        )
        """
    }
}
