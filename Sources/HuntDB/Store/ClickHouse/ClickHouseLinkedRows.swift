/// How readers without FINAL see rows written again (`ClickHouseRowRewrite`: the Security
/// linker's links, c0006, and a record's more precise time, c0007): of each event's copies, the
/// one with the highest `link_version`.
///
/// The filter must name only columns no rewrite changes: not `entity_id`, `parent_entity_id`,
/// `executable` (the linker), nor `ts_us`, `ts_precision_us` (a more precise copy). A filter on
/// those would pick among the copies that pass it, a stale one among them: filter them after
/// the pick. A time range [lo, hi] goes through `ts_key` (c0007), which every copy shares:
/// `ts_key >= keyFloor(lo) AND ts_key <= hi` holds every copy of an event whose latest copy is
/// in the range, and so does `ts_us > lo - 1 s AND ts_us < hi + 1 s` (a copy's `ts_us` lies in
/// [ts_key, ts_key + 1 s)). Readers give both: the partitions and each part's min/max are by
/// `ts_us`, so without the second bound no partition or part is skipped (bench11 measured the
/// alert context's source-side reads at 2.6x the rows and +75-85 % server CPU at 10M).
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

    /// The lowest `ts_key` of a row whose `ts_us` is `micros` or later (`ts_key` is `ts_us`
    /// or its second).
    static func keyFloor(_ micros: Int64) -> Int64 {
        ClickHouseEventRow.Identity.timeKey(micros, folds: true)
    }
}
