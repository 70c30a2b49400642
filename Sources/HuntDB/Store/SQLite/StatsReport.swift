import Model

/// What is in the database: events per kind and host, the time covered, loads and rejects
/// (`hunt stats`), in SQLite's SQL.
struct StatsReport {
    let database: Database

    /// Streams one view to `sink` and returns the number of rows; times are microseconds.
    /// - Throws: `DatabaseError`, or the sink's error.
    @discardableResult
    func write(_ view: StatsView, filter: EventScope = EventScope(), to sink: any RowSink) throws -> Int {
        let statement = try database.prepare(Self.sql(view), purpose: "computing hunt stats \(view.rawValue)")
        if view.filtersEvents {
            try statement.bind([
                "since": filter.sinceMicros.map(RowValue.integer) ?? .null,
                "until": filter.untilMicros.map(RowValue.integer) ?? .null,
                "host": filter.host.map(RowValue.text) ?? .null,
            ])
        }
        return try statement.writeRows(to: sink)
    }

    /// How many sources were loaded, how many failed, and how many records were rejected.
    /// - Throws: `DatabaseError`.
    func loadTotals() throws -> LoadTotals {
        let statement = try database.prepare(
            "SELECT count(*), coalesce(sum(status = 'failed'), 0), (SELECT count(*) FROM rejects) FROM sources",
            purpose: "counting sources and rejects")
        _ = try statement.step()
        return LoadTotals(sources: statement.int64(0), failedSources: statement.int64(1), rejectedRecords: statement.int64(2),
                          warnings: statement.int64(3))
    }

    private static func sql(_ view: StatsView) -> String {
        switch view {
        case .summary: summarySQL
        case .hosts: hostsSQL
        case .sources: sourcesSQL
        case .rejects: rejectsSQL
        case .warnings: warningsSQL
        }
    }

    private static let eventFilter = """
        (:since IS NULL OR ts_us >= :since) AND (:until IS NULL OR ts_us < :until)
        AND (:host IS NULL OR host_id IN (SELECT host_id FROM hosts
             WHERE name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host)))
        """

    private static let events = """
        events AS (
            SELECT 'processes' AS kind, host_id, ts_us, source_kind FROM processes WHERE \(eventFilter)
            UNION ALL
            SELECT 'network_connections' AS kind, host_id, ts_us, source_kind FROM network_connections WHERE \(eventFilter)
            UNION ALL
            SELECT 'logons' AS kind, host_id, ts_us, source_kind FROM logons WHERE \(eventFilter)
            UNION ALL
            SELECT 'service_installs' AS kind, host_id, ts_us, source_kind FROM service_installs WHERE \(eventFilter)
        )
        """

    private static let summarySQL = """
        WITH kinds (kind, position) AS (VALUES ('processes', 1), ('network_connections', 2), ('logons', 3), ('service_installs', 4),
                                            ('all', 5)),
        \(events),
        totals AS (
            SELECT kind, count(*) AS events, sum(source_kind = 'sysmon') AS sysmon, sum(source_kind IN ('security', 'system')) AS security,
                sum(source_kind = 'ecs') AS ecs, count(DISTINCT host_id) AS hosts, min(ts_us) AS first_ts_us, max(ts_us) AS last_ts_us
            FROM events GROUP BY kind
            UNION ALL
            SELECT 'all', count(*), sum(source_kind = 'sysmon'), sum(source_kind IN ('security', 'system')), sum(source_kind = 'ecs'),
                count(DISTINCT host_id), min(ts_us), max(ts_us) FROM events
        )
        SELECT k.kind, coalesce(t.events, 0) AS events, coalesce(t.sysmon, 0) AS sysmon, coalesce(t.security, 0) AS security,
            coalesce(t.ecs, 0) AS ecs, coalesce(t.hosts, 0) AS hosts, t.first_ts_us, t.last_ts_us
        FROM kinds AS k LEFT JOIN totals AS t ON t.kind = k.kind
        WHERE k.kind IN ('processes', 'network_connections', 'all') OR t.events > 0  -- context kinds when loaded
        ORDER BY k.position
        """

    private static let hostsSQL = """
        WITH \(events)
        SELECT h.name AS host, sum(e.kind = 'processes') AS processes, sum(e.kind = 'network_connections') AS network_connections,
            sum(e.kind = 'logons') AS logons, sum(e.kind = 'service_installs') AS service_installs,
            count(*) AS events, min(e.ts_us) AS first_ts_us, max(e.ts_us) AS last_ts_us
        FROM events AS e JOIN hosts AS h ON h.host_id = e.host_id
        GROUP BY e.host_id
        ORDER BY h.name COLLATE NOCASE, h.host_id
        """

    private static let sourcesSQL = """
        SELECT source_id, path, format, compression, status, size_bytes, records_read AS read, records_loaded AS loaded,
            records_duplicate AS duplicates, records_not_relevant AS not_relevant, records_rejected AS rejected,
            records_incomplete AS incomplete, records_truncated AS truncated, records_colliding AS colliding,
            started_at_us, finished_at_us, message
        FROM sources
        ORDER BY source_id
        """

    // With one min(), SQLite takes the bare column (reason) from the row holding the minimum.
    private static let warningsSQL = """
        SELECT w.source_id, s.path, w.kind, count(*) AS warnings, min(w.record) AS first_record, w.reason AS first_reason
        FROM warnings AS w JOIN sources AS s ON s.source_id = w.source_id
        GROUP BY w.source_id, w.kind
        ORDER BY w.source_id, w.kind
        """

    // With one min(), SQLite takes the bare column (excerpt) from the row holding the minimum.
    private static let rejectsSQL = """
        SELECT r.source_id, s.path, r.reason, count(*) AS rejects, min(r.record) AS first_record, r.excerpt AS first_excerpt
        FROM rejects AS r JOIN sources AS s ON s.source_id = r.source_id
        GROUP BY r.source_id, r.reason
        ORDER BY r.source_id, rejects DESC, first_record
        """
}
