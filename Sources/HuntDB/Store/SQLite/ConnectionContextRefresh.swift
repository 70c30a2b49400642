import Foundation
import Model

/// Keeps `connection_context` (m0015) current after a load: finds the incoming connections to
/// services.exe whose alert context the rows stored or changed since the last refresh can
/// change, looks their context up again (`RemoteServiceContextQuery.connectionContexts`, the
/// rule runs' own look-up) and writes the answers, all in one transaction with the new state.
///
/// A connection's context is found from rows near it, so the rows that can change it are:
/// - the connection itself, new or changed;
/// - a logon on its host from its source address within the logon windows;
/// - a connection from its source address and port within the clock tolerance (a candidate
///   source side, or the other record of the source side that gives its pid);
/// - a start or relinked row of the source process it found (its first start's command line);
/// - command-line evidence of the source host and pid within the evidence window;
/// - a change in place of the logon or the source connection it found.
/// Each is one join of the new (or changed) rows with the kept rows through an index of
/// `connection_context`. The first refresh of a store computes every connection.
struct ConnectionContextRefresh {
    /// The windows the load computes the context with: `AlertContextWindows`' defaults. A run
    /// with other windows looks its context up.
    static let windows = AlertContextWindows()

    let database: Database

    /// Brings the kept context up to date, and that of services.exe's children
    /// (`ChildContextRefresh`) in the same transaction; returns how many connections and
    /// children were looked up again.
    func run() throws -> Int {
        try database.transaction("keeping the alert context of connections to services.exe") {
            let state = try ConnectionContextState(database)
            guard !state.isCurrent else { return 0 }
            try database.execute("CREATE TEMP TABLE IF NOT EXISTS context_dirty (event_id INTEGER PRIMARY KEY)",
                                 purpose: "keeping the alert context")
            try database.execute("DELETE FROM temp.context_dirty", purpose: "keeping the alert context")
            if state.built {
                try markAffected(since: state)
            } else {
                try database.execute("DELETE FROM connection_context", purpose: "keeping the alert context")
                try run(Self.markNewConnections, ["through": .integer(0)])
            }
            var recomputed = try recompute()
            recomputed += try ChildContextRefresh(database: database).run(since: state)
            try run("""
                UPDATE connection_context_state SET built = 1, network_through = :network, logons_through = :logons,
                    processes_through = :processes, evidence_through = :evidence, services_through = :services
                """, ["network": .integer(state.network.now), "logons": .integer(state.logons.now),
                      "processes": .integer(state.processes.now), "evidence": .integer(state.evidence.now),
                      "services": .integer(state.services.now)])
            try database.execute("DELETE FROM connection_context_changes", purpose: "keeping the alert context")
            try database.execute("DELETE FROM temp.context_dirty", purpose: "keeping the alert context")
            return recomputed
        }
    }

    /// Marks in `context_dirty` every kept connection the new and changed rows can affect, and
    /// the new connections.
    private func markAffected(since state: ConnectionContextState) throws {
        let w = Self.windows
        try run(Self.markNewConnections, ["through": .integer(state.network.through)])
        // Connections changed in place: their rows are computed again, as are the rows that
        // chose them as source side; a logon changed in place, likewise.
        try run("""
            INSERT OR IGNORE INTO temp.context_dirty
            SELECT c.event_id FROM connection_context AS c
            WHERE c.event_id IN (SELECT event_id FROM connection_context_changes WHERE kind = 1)
               OR c.source_event_id IN (SELECT event_id FROM connection_context_changes WHERE kind = 1)
               OR c.logon_event_id IN (SELECT event_id FROM connection_context_changes WHERE kind = 2)
            """)
        try run("""
            INSERT OR IGNORE INTO temp.context_dirty
            SELECT n.event_id FROM network_rows AS n
            WHERE n.event_id IN (SELECT event_id FROM connection_context_changes WHERE kind = 1)
            """)
        // Logons near a kept connection of their host from its source address.
        let logonWindow: [String: RowValue] = ["after": .integer(w.logonAfter), "before": .integer(w.logonBefore)]
        for rows in ["g.event_id > :through", "g.event_id IN (SELECT event_id FROM connection_context_changes WHERE kind = 2)"] {
            try run("""
                INSERT OR IGNORE INTO temp.context_dirty
                SELECT c.event_id FROM logons AS g
                JOIN strings AS s ON s.value = g.source_ip
                JOIN connection_context AS c INDEXED BY connection_context_by_logon_key
                  ON c.host_id = g.host_id AND c.source_ip_ref = s.string_id
                 AND c.ts_us >= g.ts_us - :after AND c.ts_us <= g.ts_us + :before
                WHERE \(rows)
                """, logonWindow.merging(["through": .integer(state.logons.through)]) { a, _ in a })
        }
        // Connections from a kept connection's source address and port, within the tolerance.
        for rows in ["e.event_id > :through", "e.event_id IN (SELECT event_id FROM connection_context_changes WHERE kind = 1)"] {
            try run("""
                INSERT OR IGNORE INTO temp.context_dirty
                SELECT c.event_id FROM network_rows AS e
                JOIN connection_context AS c INDEXED BY connection_context_by_source_key
                  ON c.source_ip_ref = e.source_ip_ref AND c.source_port = e.source_port
                 AND c.ts_us >= e.ts_us - :tolerance AND c.ts_us <= e.ts_us + :tolerance
                WHERE \(rows)
                """, ["tolerance": .integer(w.clockTolerance), "through": .integer(state.network.through)])
        }
        // The source process's starts and command-line evidence.
        try SourceSideMarking(database: database).mark("connection_context", into: "temp.context_dirty", since: state, evidenceWindow: w.evidenceWindow)
    }

    /// The incoming connections to services.exe with a source address and port (what a
    /// remote-service alert's request has) stored after `:through`.
    private static let markNewConnections = """
        INSERT OR IGNORE INTO temp.context_dirty
        SELECT n.event_id FROM network_rows AS n
        WHERE n.event_id > :through AND \(candidate)
        """

    /// Which network rows get a kept context (`n`; `:services`, `:incoming`: `candidateValues`).
    /// Names compare case-insensitively, as the rules' `name = 'services.exe'` does through the views.
    private static let candidate = """
        n.name_ref IN (SELECT name_ref FROM names WHERE value = :services)
        AND n.direction_ref = (SELECT string_id FROM strings WHERE value = :incoming)
        AND n.source_ip_ref IS NOT NULL AND n.source_port IS NOT NULL
        """

    private static let candidateValues: [String: RowValue] = ["services": .text("services.exe"), "incoming": .text("incoming")]

    /// Looks the marked connections up again, in time order, and writes their rows.
    private func recompute() throws -> Int {
        try database.execute("""
            DELETE FROM connection_context WHERE event_id IN (SELECT event_id FROM temp.context_dirty)
            """, purpose: "keeping the alert context")
        let marked = try database.prepare("""
            SELECT n.event_id, h.name, n.ts_us, si.value, n.source_port, di.value, n.destination_port,
                   n.source_ip_ref, n.destination_ip_ref
            FROM temp.context_dirty AS d
            JOIN network_rows AS n ON n.event_id = d.event_id
            JOIN hosts AS h ON h.host_id = n.host_id
            JOIN strings AS si ON si.string_id = n.source_ip_ref
            LEFT JOIN strings AS di ON di.string_id = n.destination_ip_ref
            WHERE \(Self.candidate)
            ORDER BY n.ts_us, n.event_id
            """, purpose: "keeping the alert context")
        try marked.bind(Self.candidateValues)
        let insert = try database.prepare("""
            INSERT OR REPLACE INTO connection_context VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
            """, purpose: "keeping the alert context")
        // Never the whole logon table for the run (which a rule run may read): the load's
        // memory stays bounded.
        let query = try RemoteServiceContextQuery(on: database, windows: Self.windows, plan: .windowed, useStored: false)
        var batch: [(row: MarkedConnection, request: RemoteServiceContextRequest)] = []
        var written = 0
        func flush() throws {
            let found = try query.connectionContexts(batch.map(\.request))
            for ((row, r), (c, d)) in zip(batch, found) {
                guard let host = try query.hostID(row.hostName) else { continue }
                insert.bind(row.micros, at: 1)
                insert.bind(host, at: 2)
                insert.bind(row.eventID, at: 3)
                insert.bindBlob(ConnectionContextRows.record(of: r, context: c), at: 4)
                let values: [Int64?] = [row.sourceIPRef, row.sourcePort, row.destinationIPRef, row.destinationPort, d.logonEventID,
                                        d.source?.eventID, d.source?.host, d.source?.entity, d.sourcePid, d.source?.micros]
                for (i, v) in values.enumerated() { insert.bind(v, at: Int32(i + 5)) }
                try insert.run()
                written += 1
            }
            batch.removeAll(keepingCapacity: true)
        }
        while try marked.step() {
            let row = MarkedConnection(eventID: marked.int64(0), hostName: marked.text(1) ?? "", micros: marked.int64(2),
                                       sourcePort: marked.int64(4), destinationPort: marked.optionalInt64(6),
                                       sourceIPRef: marked.int64(7), destinationIPRef: marked.optionalInt64(8))
            var r = RemoteServiceContextRequest(host: row.hostName)
            r.connectionMicros = row.micros
            r.sourceIP = marked.text(3)
            r.sourcePort = row.sourcePort
            r.destinationIP = marked.text(5)
            r.destinationPort = row.destinationPort
            batch.append((row, r))
            if batch.count >= 2_048 { try flush() }
        }
        marked.reset()
        if !batch.isEmpty { try flush() }
        return written
    }

    private func run(_ sql: String, _ values: [String: RowValue] = [:]) throws {
        let s = try database.prepare(sql, purpose: "keeping the alert context")
        try s.bind(values.merging(Self.candidateValues) { a, _ in a }.filter { s.parameterIndex($0.key) != nil })
        try s.run()
    }
}

/// A connection to look up again, as `network_rows` holds it.
private struct MarkedConnection {
    let eventID: Int64
    let hostName: String
    let micros: Int64
    let sourcePort: Int64
    let destinationPort: Int64?
    let sourceIPRef: Int64
    let destinationIPRef: Int64?
}

/// The rows a connection's context was found from (`RemoteServiceContextQuery.connectionContexts`).
struct ContextDependencies {
    /// The logon chosen.
    var logonEventID: Int64?
    /// The source side chosen: its connection, host, process entity and time.
    var source: (eventID: Int64, host: Int64, entity: Int64, micros: Int64)?
    /// The pid the source process's command-line evidence was asked for.
    var sourcePid: Int64?
    /// The chosen logon's source port (with its address, what a child's source side is matched by).
    var logonPort: Int64?
    /// The service install chosen (a child's context).
    var serviceEventID: Int64?
}
