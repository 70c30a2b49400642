import Model

/// Keeps `child_context` (m0016) current after a load, in the transaction of
/// `ConnectionContextRefresh`: finds the processes services.exe started whose alert context the
/// rows stored or changed since the last refresh can change, looks their context up again
/// (`RemoteServiceContextQuery.childContexts`, the rule runs' own look-up) and writes the answers.
///
/// A child-only alert's context is the latest remote logon on its host before it, the source
/// side of that logon's address and port, and the service whose image path is the child's; the
/// rows that can change it are:
/// - the child itself, new or changed;
/// - a logon or a service install on its host within the logon or service windows;
/// - a connection from the chosen logon's address and port within the clock tolerance;
/// - a start or relinked row of the source process found, command-line evidence of its pid;
/// - a change in place of the logon, the source connection or the service install it found.
/// Each is one join of the new (or changed) rows with the kept rows through an index of
/// `child_context`. The first refresh of a store computes every child.
struct ChildContextRefresh {
    let database: Database

    /// Brings `child_context` up to date with the rows after `state`; returns how many children
    /// were looked up again. The caller records the new state.
    func run(since state: ConnectionContextState) throws -> Int {
        try database.execute("CREATE TEMP TABLE IF NOT EXISTS child_dirty (event_id INTEGER PRIMARY KEY)",
                             purpose: "keeping the alert context of services.exe's children")
        try database.execute("DELETE FROM temp.child_dirty", purpose: "keeping the alert context of services.exe's children")
        if state.built {
            try markAffected(since: state)
        } else {
            try database.execute("DELETE FROM child_context", purpose: "keeping the alert context of services.exe's children")
            try run(Self.markNewChildren, ["through": .integer(0)])
        }
        let recomputed = try recompute()
        try database.execute("DELETE FROM temp.child_dirty", purpose: "keeping the alert context of services.exe's children")
        return recomputed
    }

    /// Marks in `child_dirty` every kept child the new and changed rows can affect, and the new
    /// children.
    private func markAffected(since state: ConnectionContextState) throws {
        let w = ConnectionContextRefresh.windows
        try run(Self.markNewChildren, ["through": .integer(state.processes.through)])
        // Children changed in place (a relinked parent may make a row a child, or not), and the
        // rows whose logon, source connection or service install changed in place.
        try run("INSERT OR IGNORE INTO temp.child_dirty SELECT event_id FROM connection_context_changes WHERE kind = 3")
        try run("""
            INSERT OR IGNORE INTO temp.child_dirty
            SELECT c.event_id FROM child_context AS c
            WHERE c.logon_event_id IN (SELECT event_id FROM connection_context_changes WHERE kind = 2)
               OR c.source_event_id IN (SELECT event_id FROM connection_context_changes WHERE kind = 1)
               OR c.service_event_id IN (SELECT event_id FROM connection_context_changes WHERE kind = 5)
            """)
        // Logons and service installs near a kept child of their host.
        for (table, kind, through, before, after) in [("logons", Int64(2), state.logons.through, w.logonBefore, w.logonAfter),
                                                      ("service_installs", 5, state.services.through, w.serviceBefore, w.serviceAfter)] {
            for rows in ["x.event_id > :through", "x.event_id IN (SELECT event_id FROM connection_context_changes WHERE kind = :kind)"] {
                try run("""
                    INSERT OR IGNORE INTO temp.child_dirty
                    SELECT c.event_id FROM \(table) AS x
                    JOIN child_context AS c INDEXED BY child_context_by_host_time
                      ON c.host_id = x.host_id AND c.ts_us >= x.ts_us - :after AND c.ts_us <= x.ts_us + :before
                    WHERE \(rows)
                    """, ["through": .integer(through), "before": .integer(before), "after": .integer(after), "kind": .integer(kind)])
            }
        }
        // Connections from a kept child's logon address and port, within the tolerance.
        for rows in ["e.event_id > :through", "e.event_id IN (SELECT event_id FROM connection_context_changes WHERE kind = 1)"] {
            try run("""
                INSERT OR IGNORE INTO temp.child_dirty
                SELECT c.event_id FROM network_rows AS e
                JOIN strings AS s ON s.string_id = e.source_ip_ref
                JOIN child_context AS c INDEXED BY child_context_by_logon_source
                  ON c.logon_ip = s.value AND c.logon_port = e.source_port
                 AND c.logon_ts_us >= e.ts_us - :tolerance AND c.logon_ts_us <= e.ts_us + :tolerance
                WHERE \(rows)
                """, ["tolerance": .integer(w.clockTolerance), "through": .integer(state.network.through)])
        }
        // The source process's starts and command-line evidence.
        try SourceSideMarking(database: database).mark("child_context", into: "temp.child_dirty", since: state, evidenceWindow: w.evidenceWindow)
    }

    /// The processes services.exe started (what rpc_service_process alerts on) stored after `:through`.
    private static let markNewChildren = """
        INSERT OR IGNORE INTO temp.child_dirty
        SELECT p.event_id FROM process_rows AS p
        WHERE p.event_id > :through AND \(candidate)
        """

    /// Which process rows get a kept context (`p`). Names compare case-insensitively, as the
    /// rule's `parent_name = 'services.exe'` does through the view.
    private static let candidate = "p.parent_name_ref IN (SELECT name_ref FROM names WHERE value = :services)"

    /// Looks the marked children up again, in time order, and writes their rows.
    private func recompute() throws -> Int {
        try database.execute("""
            DELETE FROM child_context WHERE event_id IN (SELECT event_id FROM temp.child_dirty)
            """, purpose: "keeping the alert context of services.exe's children")
        // Only the keys are sorted (a sort of whole rows, command lines included, took tens of
        // megabytes at 10M events); each child's texts are read by its id in the batch.
        let marked = try database.prepare("""
            SELECT p.event_id FROM temp.child_dirty AS d
            JOIN process_rows AS p ON p.event_id = d.event_id
            WHERE \(Self.candidate)
            ORDER BY p.ts_us, p.event_id
            """, purpose: "keeping the alert context of services.exe's children")
        try marked.bind(["services": .text("services.exe")])
        defer { marked.reset() }
        let child = try database.prepare("""
            SELECT h.name, p.ts_us, p.executable_ref, p.command_line_ref, ex.value, cl.value
            FROM process_rows AS p
            JOIN hosts AS h ON h.host_id = p.host_id
            LEFT JOIN strings AS ex ON ex.string_id = p.executable_ref
            LEFT JOIN texts AS cl ON cl.text_id = p.command_line_ref
            WHERE p.event_id = ?1
            """, purpose: "keeping the alert context of services.exe's children")
        let insert = try database.prepare("""
            INSERT OR REPLACE INTO child_context VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
            """, purpose: "keeping the alert context of services.exe's children")
        // Never the whole logon table for the run: the load's memory stays bounded.
        let query = try RemoteServiceContextQuery(on: database, windows: ConnectionContextRefresh.windows, plan: .windowed, useStored: false)
        var batch: [(row: MarkedChild, request: RemoteServiceContextRequest)] = []
        var written = 0
        func flush() throws {
            let found = try query.childContexts(batch.map(\.request))
            for ((row, _), (c, d)) in zip(batch, found) {
                guard let host = try query.hostID(row.hostName) else { continue }
                insert.bind(row.micros, at: 1)
                insert.bind(host, at: 2)
                insert.bind(row.eventID, at: 3)
                insert.bindBlob(ChildContextRows.record(executable: row.executableRef, commandLine: row.commandLineRef, context: c), at: 4)
                insert.bind(d.logonEventID, at: 5)
                insert.bind(c.logonIP, at: 6)
                let values: [Int64?] = [d.logonPort, c.logonMicros, d.source?.eventID, d.source?.host, d.source?.entity, d.sourcePid,
                                        d.source?.micros, d.serviceEventID]
                for (i, v) in values.enumerated() { insert.bind(v, at: Int32(i + 7)) }
                try insert.run()
                written += 1
            }
            batch.removeAll(keepingCapacity: true)
        }
        while try marked.step() {
            child.bind(marked.int64(0), at: 1)
            defer { child.reset() }
            guard try child.step() else { continue }
            let row = MarkedChild(eventID: marked.int64(0), hostName: child.text(0) ?? "", micros: child.int64(1),
                                  executableRef: child.optionalInt64(2), commandLineRef: child.optionalInt64(3))
            var r = RemoteServiceContextRequest(host: row.hostName)
            r.childMicros = row.micros
            r.childExecutable = child.text(4)
            r.childCommandLine = child.text(5)
            batch.append((row, r))
            if batch.count >= 2_048 { try flush() }
        }
        if !batch.isEmpty { try flush() }
        return written
    }

    private func run(_ sql: String, _ values: [String: RowValue] = [:]) throws {
        let s = try database.prepare(sql, purpose: "keeping the alert context of services.exe's children")
        try s.bind(values.merging(["services": .text("services.exe")]) { a, _ in a }.filter { s.parameterIndex($0.key) != nil })
        try s.run()
    }
}

/// A child to look up again, as `process_rows` holds it.
private struct MarkedChild {
    let eventID: Int64
    let hostName: String
    let micros: Int64
    let executableRef: Int64?
    let commandLineRef: Int64?
}
