/// The SQL of `hunt stats`, coverage and `hunt check` on ClickHouse: the same columns as the
/// SQLite store's. Parameters `{since}`, `{until}`, `{host}` filter events; `host` matches a
/// full name, a short name (`ws-0042` for `WS-0042.corp.local`) or a host id, case-insensitively.
enum ClickHouseStatsSQL {
    static func sql(_ view: StatsView) -> String {
        switch view {
        case .summary: summary
        case .hosts: hosts
        case .sources: sources
        case .rejects: rejects
        case .warnings: warnings
        }
    }

    /// The scope filter of events (`since`, `until`, `host`).
    private static let eventFilter = """
        ts_us >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807))
              AND ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
              AND ({host:Nullable(String)} IS NULL OR lower(host) = lower({host:Nullable(String)})
                   OR startsWith(lower(host), concat(lower(assumeNotNull({host:Nullable(String)})), '.'))
                   OR host_id GLOBAL IN (SELECT host_id FROM hosts WHERE host_key = concat('id:', lower(assumeNotNull({host:Nullable(String)})))))
        """

    /// The event kinds of `hunt stats`, in SQLite's order: (position, table).
    private static let kinds = [(1, "processes"), (2, "network_connections"), (3, "logons"), (4, "service_installs")]

    /// Every event in scope: kind position, host, time, source kind.
    private static let events = kinds.map { position, table in
        "SELECT \(position) AS kind, host_id, host, ts_us, source_kind FROM \(table) FINAL WHERE \(eventFilter)"
    }.joined(separator: "\n    UNION ALL\n    ")

    /// The summary: processes, network connections and all, plus the context kinds when they
    /// have events in scope (as SQLite's). System events count as security, as there.
    static let summary = """
        SELECT kind, events, sysmon, security, ecs, hosts, first_ts_us, last_ts_us
        FROM (
            SELECT position, kind, events, sysmon, security, ecs, hosts, first_ts_us, last_ts_us
            FROM (
                SELECT arrayJoin([(1, 'processes'), (2, 'network_connections'), (3, 'logons'), (4, 'service_installs')]) AS k,
                    k.1 AS position, k.2 AS kind
            )
            ANY LEFT JOIN (
                SELECT kind AS position, count() AS events, countIf(source_kind = 'sysmon') AS sysmon,
                    countIf(source_kind IN ('security', 'system')) AS security, countIf(source_kind = 'ecs') AS ecs,
                    uniqExact(host_id) AS hosts, if(count() = 0, NULL, min(ts_us)) AS first_ts_us,
                    if(count() = 0, NULL, max(ts_us)) AS last_ts_us
                FROM (\(events))
                GROUP BY kind
            ) USING position
            WHERE position IN (1, 2) OR events > 0
            UNION ALL
            SELECT 5, 'all', count(), countIf(source_kind = 'sysmon'), countIf(source_kind IN ('security', 'system')),
                countIf(source_kind = 'ecs'), uniqExact(host_id), if(count() = 0, NULL, min(ts_us)), if(count() = 0, NULL, max(ts_us))
            FROM (\(events))
        )
        ORDER BY position
        """

    static let hosts = """
        SELECT any(host) AS host, countIf(kind = 1) AS processes, countIf(kind = 2) AS network_connections,
            countIf(kind = 3) AS logons, countIf(kind = 4) AS service_installs, count() AS events,
            min(ts_us) AS first_ts_us, max(ts_us) AS last_ts_us
        FROM (\(events))
        GROUP BY host_id
        ORDER BY lower(host), host_id
        """

    /// Hosts with process starts in scope (of one name, when `{name}` is not null).
    static let processHosts = """
        SELECT DISTINCT host FROM processes
        WHERE ts_us >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807))
          AND ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
          AND ({host:Nullable(String)} IS NULL OR lower(host) = lower({host:Nullable(String)})
               OR startsWith(lower(host), concat(lower(assumeNotNull({host:Nullable(String)})), '.'))
               OR host_id GLOBAL IN (SELECT host_id FROM hosts WHERE host_key = concat('id:', lower(assumeNotNull({host:Nullable(String)})))))
          AND ({name:Nullable(String)} IS NULL OR lower(name) = lower({name:Nullable(String)}))
        """

    /// Hosts with context events (`logons` or `service_installs`) in scope.
    static func contextHosts(table: String) -> String {
        "SELECT DISTINCT host FROM \(table) WHERE \(eventFilter)"
    }

    /// Hosts with network events in scope (of one name and direction, when given).
    static let networkHosts = """
        SELECT DISTINCT host FROM network_connections
        WHERE ts_us >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807))
          AND ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
          AND ({host:Nullable(String)} IS NULL OR lower(host) = lower({host:Nullable(String)})
               OR startsWith(lower(host), concat(lower(assumeNotNull({host:Nullable(String)})), '.'))
               OR host_id GLOBAL IN (SELECT host_id FROM hosts WHERE host_key = concat('id:', lower(assumeNotNull({host:Nullable(String)})))))
          AND ({name:Nullable(String)} IS NULL OR lower(name) = lower({name:Nullable(String)}))
          AND ({direction:Nullable(String)} IS NULL OR direction = {direction:Nullable(String)})
        """

    /// Each source's latest state with the sums of its committed counts.
    private static let sourceState = """
        SELECT s.source_id AS source_id, path, format, compression, status, size_bytes, started_at_us, finished_at_us, message,
            read, loaded, duplicates, not_relevant, rejected, incomplete, truncated, colliding
        FROM (
            SELECT source_id, argMax(path, version) AS path, argMax(format, version) AS format,
                argMax(compression, version) AS compression, argMax(status, version) AS status,
                argMax(size_bytes, version) AS size_bytes, min(started_at_us) AS started_at_us,
                argMax(finished_at_us, version) AS finished_at_us, argMax(message, version) AS message
            FROM sources GROUP BY source_id
        ) AS s
        ANY LEFT JOIN (
            SELECT source_id, sum(records_read) AS read, sum(records_loaded) AS loaded, sum(records_duplicate) AS duplicates,
                sum(records_not_relevant) AS not_relevant, sum(records_rejected) AS rejected,
                sum(records_incomplete) AS incomplete, sum(records_truncated) AS truncated, sum(records_colliding) AS colliding
            FROM source_counts FINAL GROUP BY source_id
        ) USING source_id
        """

    static let sources = """
        SELECT source_id, path, format, compression, status, size_bytes, read, loaded, duplicates, not_relevant, rejected,
            incomplete, truncated, colliding, started_at_us, finished_at_us, message
        FROM (\(sourceState))
        ORDER BY source_id
        """

    static let rejects = """
        SELECT r.source_id AS source_id, path, reason, rejects, first_record, first_excerpt
        FROM (
            SELECT source_id, reason, count() AS rejects, min(record) AS first_record, argMin(excerpt, record) AS first_excerpt
            FROM rejects GROUP BY source_id, reason
        ) AS r
        ANY LEFT JOIN (SELECT source_id, any(path) AS path FROM sources GROUP BY source_id) USING source_id
        ORDER BY source_id, rejects DESC, first_record
        """

    static let warnings = """
        SELECT w.source_id AS source_id, path, kind, warnings, first_record, first_reason
        FROM (
            SELECT source_id, kind, count() AS warnings, min(record) AS first_record, argMin(reason, record) AS first_reason
            FROM warnings GROUP BY source_id, kind
        ) AS w
        ANY LEFT JOIN (SELECT source_id, any(path) AS path FROM sources GROUP BY source_id) USING source_id
        ORDER BY source_id, kind
        """

    static let totals = """
        SELECT
            (SELECT uniqExact(source_id) FROM sources),
            (SELECT countIf(status = 'failed') FROM (SELECT argMax(status, version) AS status FROM sources GROUP BY source_id)),
            (SELECT count() FROM rejects),
            (SELECT count() FROM warnings)
        """

    /// Complete sources whose committed `loaded` count differs from the events stored under them.
    static let countsAgainstRows = """
        SELECT source_id, path, loaded, stored
        FROM (
            SELECT source_id, path, status, loaded FROM (\(sourceState))
        ) ANY LEFT JOIN (
            SELECT source_id, count() AS stored FROM (
                SELECT source_id FROM processes FINAL
                UNION ALL SELECT source_id FROM network_connections FINAL
                UNION ALL SELECT source_id FROM lifecycle_events FINAL
                UNION ALL SELECT source_id FROM logons FINAL
                UNION ALL SELECT source_id FROM service_installs FINAL
                UNION ALL SELECT source_id FROM command_line_evidence FINAL
            ) GROUP BY source_id
        ) USING source_id
        WHERE status = 'complete' AND loaded != stored
        ORDER BY source_id
        """

    /// Rows that FINAL collapses (copies a concurrent load wrote, before a merge).
    static let unmergedCopies = """
        SELECT (SELECT count() FROM processes) - (SELECT count() FROM processes FINAL)
            + (SELECT count() FROM network_connections) - (SELECT count() FROM network_connections FINAL)
            + (SELECT count() FROM lifecycle_events) - (SELECT count() FROM lifecycle_events FINAL)
            + (SELECT count() FROM logons) - (SELECT count() FROM logons FINAL)
            + (SELECT count() FROM service_installs) - (SELECT count() FROM service_installs FINAL)
            + (SELECT count() FROM command_line_evidence) - (SELECT count() FROM command_line_evidence FINAL)
        """
}
