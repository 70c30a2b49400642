import Model

/// What both kept-context refreshes (`ConnectionContextRefresh`, `ChildContextRefresh`) mark
/// the same way: the kept rows whose chosen source process has a new start or a relinked one
/// (before and after the change), or command-line evidence of its host and pid near its
/// connection (new, or changed in place).
struct SourceSideMarking {
    let database: Database

    /// Marks into `dirty` (a temp table of event ids) the rows of `table`, which has the columns
    /// `source_host_id`, `source_entity_ref`, `source_pid`, `source_ts_us` and the index
    /// `<table>_by_source_process`. Both names are the code's own, never input.
    func mark(_ table: String, into dirty: String, since state: ConnectionContextState, evidenceWindow: Int64) throws {
        try run("""
            INSERT OR IGNORE INTO \(dirty)
            SELECT c.event_id FROM process_rows AS p
            JOIN \(table) AS c INDEXED BY \(table)_by_source_process
              ON c.source_host_id = p.host_id AND c.source_entity_ref = p.entity_ref
            WHERE p.event_id > :through
            """, ["through": .integer(state.processes.through)])
        try run("""
            INSERT OR IGNORE INTO \(dirty)
            SELECT c.event_id FROM connection_context_changes AS x
            JOIN \(table) AS c INDEXED BY \(table)_by_source_process
              ON c.source_host_id = x.host_id AND c.source_entity_ref = x.entity_ref
            WHERE x.kind = 3
            """)
        for rows in ["x.event_id > :through", "x.event_id IN (SELECT event_id FROM connection_context_changes WHERE kind = 4)"] {
            try run("""
                INSERT OR IGNORE INTO \(dirty)
                SELECT c.event_id FROM command_line_evidence AS x
                JOIN \(table) AS c INDEXED BY \(table)_by_source_process
                  ON c.source_host_id = x.host_id AND c.source_pid = x.pid
                 AND c.source_ts_us >= x.ts_us - :window AND c.source_ts_us <= x.ts_us + :window
                WHERE \(rows)
                """, ["window": .integer(evidenceWindow), "through": .integer(state.evidence.through)])
        }
    }

    private func run(_ sql: String, _ values: [String: RowValue] = [:]) throws {
        let s = try database.prepare(sql, purpose: "keeping the alert context")
        try s.bind(values.filter { s.parameterIndex($0.key) != nil })
        try s.run()
    }
}
