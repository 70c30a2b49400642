/// What `hunt stats` can show.
public enum StatsView: String, CaseIterable, Sendable {
    /// Events per kind (processes, network_connections, all) with hosts and the time covered.
    case summary
    /// Events per host, by kind, with the time covered.
    case hosts
    /// One row per loaded file or stream, with its load counts.
    case sources
    /// Rejected records grouped by source and reason, with the first one's excerpt.
    case rejects

    /// Whether `--since`, `--until` and `--host` apply (they filter events, not loads).
    public var filtersEvents: Bool { self == .summary || self == .hosts }
}

/// Limits for the event views of `StatsReport`; nil means no limit.
public struct StatsFilter: Sendable {
    public var sinceMicros: Int64?
    public var untilMicros: Int64?
    /// A host name, short name or host id (case-insensitive).
    public var host: String?

    public init(sinceMicros: Int64? = nil, untilMicros: Int64? = nil, host: String? = nil) {
        self.sinceMicros = sinceMicros
        self.untilMicros = untilMicros
        self.host = host
    }
}

/// Load totals for a one-line summary.
public struct LoadTotals: Sendable, Equatable {
    public var sources: Int64
    public var failedSources: Int64
    public var rejectedRecords: Int64
}

/// What is in the database: events per kind and host, the time covered, loads and rejects.
///
/// ```swift
/// let report = StatsReport(database: store.database)
/// try report.write(.hosts, filter: StatsFilter(sinceMicros: since), to: writer, isoTimes: true)
/// ```
public struct StatsReport {
    public let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Streams one view to `writer` and returns the number of rows. Columns named `*_ts_us` and
    /// `*_at_us` are ISO-8601 text when `isoTimes`.
    /// - Throws: `DatabaseError`, or the writer's error.
    @discardableResult
    public func write(_ view: StatsView, filter: StatsFilter = StatsFilter(), to writer: any RowWriter, isoTimes: Bool) throws -> Int {
        let statement = try database.prepare(Self.sql(view), purpose: "computing hunt stats \(view.rawValue)")
        if view.filtersEvents {
            try statement.bind([
                "since": filter.sinceMicros.map(SQLValue.integer) ?? .null,
                "until": filter.untilMicros.map(SQLValue.integer) ?? .null,
                "host": filter.host.map(SQLValue.text) ?? .null,
            ])
        }
        return try statement.writeRows(to: writer, isoTimes: isoTimes)
    }

    /// How many sources were loaded, how many failed, and how many records were rejected.
    /// - Throws: `DatabaseError`.
    public func loadTotals() throws -> LoadTotals {
        let statement = try database.prepare(
            "SELECT count(*), coalesce(sum(status = 'failed'), 0), (SELECT count(*) FROM rejects) FROM sources",
            purpose: "counting sources and rejects")
        _ = try statement.step()
        return LoadTotals(sources: statement.int64(0), failedSources: statement.int64(1), rejectedRecords: statement.int64(2))
    }

    private static func sql(_ view: StatsView) -> String {
        switch view {
        case .summary: summarySQL
        case .hosts: hostsSQL
        case .sources: sourcesSQL
        case .rejects: rejectsSQL
        }
    }

    private static let eventFilter = """
        (:since IS NULL OR ts_us >= :since) AND (:until IS NULL OR ts_us < :until)
        AND (:host IS NULL OR host_id IN (SELECT host_id FROM hosts
             WHERE name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host)))
        """

    private static let events = """
        events AS (
            SELECT 'processes' AS kind, host_id, ts_us FROM processes WHERE \(eventFilter)
            UNION ALL
            SELECT 'network_connections' AS kind, host_id, ts_us FROM network_connections WHERE \(eventFilter)
        )
        """

    private static let summarySQL = """
        WITH kinds (kind, position) AS (VALUES ('processes', 1), ('network_connections', 2), ('all', 3)),
        \(events),
        totals AS (
            SELECT kind, count(*) AS events, count(DISTINCT host_id) AS hosts, min(ts_us) AS first_ts_us, max(ts_us) AS last_ts_us
            FROM events GROUP BY kind
            UNION ALL
            SELECT 'all', count(*), count(DISTINCT host_id), min(ts_us), max(ts_us) FROM events
        )
        SELECT k.kind, coalesce(t.events, 0) AS events, coalesce(t.hosts, 0) AS hosts, t.first_ts_us, t.last_ts_us
        FROM kinds AS k LEFT JOIN totals AS t ON t.kind = k.kind
        ORDER BY k.position
        """

    private static let hostsSQL = """
        WITH \(events)
        SELECT h.name AS host, sum(e.kind = 'processes') AS processes, sum(e.kind = 'network_connections') AS network_connections,
            count(*) AS events, min(e.ts_us) AS first_ts_us, max(e.ts_us) AS last_ts_us
        FROM events AS e JOIN hosts AS h ON h.host_id = e.host_id
        GROUP BY e.host_id
        ORDER BY h.name COLLATE NOCASE, h.host_id
        """

    private static let sourcesSQL = """
        SELECT source_id, path, format, compression, status, size_bytes, records_read AS read, records_loaded AS loaded,
            records_duplicate AS duplicates, records_not_relevant AS not_relevant, records_rejected AS rejected,
            started_at_us, finished_at_us, message
        FROM sources
        ORDER BY source_id
        """

    // With one min(), SQLite takes the bare column (excerpt) from the row holding the minimum.
    private static let rejectsSQL = """
        SELECT r.source_id, s.path, r.reason, count(*) AS rejects, min(r.record) AS first_record, r.excerpt AS first_excerpt
        FROM rejects AS r JOIN sources AS s ON s.source_id = r.source_id
        GROUP BY r.source_id, r.reason
        ORDER BY r.source_id, rejects DESC, first_record
        """
}
