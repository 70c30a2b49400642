import Model

/// The SQL behind the alert context of remote-service alerts: one statement per batch of alerts.
///
/// The batch arrives as one bound JSON array (`:requests`, read with `json_each`), so the text
/// is constant and every value is a parameter; each alert's logon, service and source
/// connection are index seeks (`logons_by_session`, `logons_by_source`, `logons_by_host_time`,
/// `service_installs_by_host_time`, `network_by_source_port`; m0008, m0009, m0011). The
/// windows are bound too.
struct RemoteServiceContextQuery {
    let windows: AlertContextWindows

    func run(on database: Database, _ requests: [RemoteServiceContextRequest]) throws -> [RemoteServiceContext] {
        var results = Array(repeating: RemoteServiceContext(), count: requests.count)
        guard !requests.isEmpty else { return results }
        let statement = try database.prepare(Self.sql, purpose: "looking up the context of remote-service alerts")
        try statement.bind([
            "requests": .text(Self.json(requests)),
            "logon_before": .integer(windows.logonBefore),
            "logon_after": .integer(windows.logonAfter),
            "service_before": .integer(windows.serviceBefore),
            "service_after": .integer(windows.serviceAfter),
            "clock_tolerance": .integer(windows.clockTolerance),
            "evidence_window": .integer(windows.evidenceWindow),
        ])
        while try statement.step() {
            let n = Int(statement.int64(0))
            guard results.indices.contains(n) else { continue }
            var c = RemoteServiceContext()
            c.logonUser = statement.text(1)
            c.logonDomain = statement.text(2)
            c.logonID = statement.text(3)
            c.logonType = statement.optionalInt64(4)
            c.logonMicros = statement.optionalInt64(5)
            c.logonIP = statement.text(6)
            c.serviceName = statement.text(7)
            c.serviceImage = statement.text(8)
            c.serviceMicros = statement.optionalInt64(9)
            c.sourceHost = statement.text(10)
            c.sourceEntityID = statement.text(11)
            c.sourceExecutable = statement.text(12)
            c.sourceCommandLine = statement.text(13)
            c.sourceClockOffsetMillis = statement.optionalInt64(14).map { ($0 + ($0 >= 0 ? 500 : -500)) / 1000 }
            results[n] = c
        }
        return results
    }

    /// The requests as a JSON array of objects; the command line and executable as their
    /// `WindowsCommandKey`s, computed once here rather than per candidate row.
    private static func json(_ requests: [RemoteServiceContextRequest]) -> String {
        var out = "["
        for (i, r) in requests.enumerated() {
            if i > 0 { out += "," }
            out += "{\"host\":" + JSONText.string(r.host)
            func add(_ key: String, _ value: Int64?) { if let value { out += ",\"\(key)\":\(value)" } }
            func add(_ key: String, _ value: String?) { if let value { out += ",\"\(key)\":" + JSONText.string(value) } }
            add("conn", r.connectionMicros)
            add("sip", r.sourceIP)
            add("sport", r.sourcePort)
            add("dip", r.destinationIP)
            add("dport", r.destinationPort)
            add("child", r.childMicros)
            add("cmd_key", r.childCommandLine.map(WindowsCommandKey.key))
            add("exe_key", r.childExecutable.map(WindowsCommandKey.key))
            out += "}"
        }
        return out + "]"
    }

    /// Logon: a successful network (3) or remote interactive (10) logon on the alert's host from
    /// the connection's source address in [anchor - logon_before, anchor + logon_after] (anchor:
    /// the connection, else the child), the one of the same TCP session (source port) first,
    /// else the latest. Without a connection: the latest such logon from any remote address.
    /// Service: the latest install on the host in [child - service_before, child + service_after]
    /// whose image path is the child's command line or executable (`hunt_command_key`).
    /// Source: another host's outgoing connection with the same addresses and ports (the
    /// logon's address and port when the alert has no connection) within the clock tolerance,
    /// the most precise then the closest; its process's command line from the process start,
    /// else from command-line evidence of the same host and pid within `evidence_window`
    /// (PowerShell 4103, m0011), the closest in time.
    ///
    /// Each lookup is a correlated `LIMIT 1` seek per alert (m0008/m0011 indexes), staged in
    /// materialized CTEs so that no step reads a view it cannot seek: the source connection is
    /// found on `network_rows` by `(source_port, source_ip_ref, ts_us)` (`network_by_source_port`)
    /// with the address resolved to its string id once per alert, and only its text columns
    /// are read through the `network_connections` view, by event id. Tie-breaks that would
    /// force a sort are left out where the index order already decides (newest first).
    static let sql = """
        WITH r AS MATERIALIZED (
            SELECT CAST(j.key AS INTEGER) AS n,
                coalesce((SELECT h.host_id FROM hosts AS h WHERE h.host_key = lower(j.value ->> '$.host') AND h.name = j.value ->> '$.host'),
                         (SELECT h.host_id FROM hosts AS h WHERE h.name = j.value ->> '$.host' COLLATE NOCASE ORDER BY h.host_id LIMIT 1)) AS host_id,
                j.value ->> '$.conn' AS conn_us, j.value ->> '$.sip' AS sip, j.value ->> '$.sport' AS sport,
                j.value ->> '$.dip' AS dip, j.value ->> '$.dport' AS dport, j.value ->> '$.child' AS child_us,
                j.value ->> '$.cmd_key' AS cmd_key, j.value ->> '$.exe_key' AS exe_key,
                coalesce(j.value ->> '$.conn', j.value ->> '$.child') AS anchor_us
            FROM json_each(:requests) AS j
        ),
        picked AS MATERIALIZED (
            SELECT r.*,
                CASE WHEN r.sip IS NOT NULL THEN
                    coalesce(
                        (SELECT g.event_id FROM logons AS g
                         WHERE g.host_id = r.host_id AND g.source_ip = r.sip AND g.source_port = r.sport
                           AND g.ts_us >= r.anchor_us - :logon_before AND g.ts_us <= r.anchor_us + :logon_after
                           AND g.outcome = 'success' AND g.logon_type IN (3, 10)
                         ORDER BY g.ts_us DESC LIMIT 1),
                        (SELECT g.event_id FROM logons AS g
                         WHERE g.host_id = r.host_id AND g.source_ip = r.sip
                           AND g.ts_us >= r.anchor_us - :logon_before AND g.ts_us <= r.anchor_us + :logon_after
                           AND g.outcome = 'success' AND g.logon_type IN (3, 10)
                         ORDER BY g.ts_us DESC LIMIT 1))
                ELSE
                    (SELECT g.event_id FROM logons AS g INDEXED BY logons_by_host_time
                     WHERE g.host_id = r.host_id
                       AND g.ts_us >= r.anchor_us - :logon_before AND g.ts_us <= r.anchor_us + :logon_after
                       AND g.outcome = 'success' AND g.logon_type IN (3, 10)
                       AND g.source_ip IS NOT NULL AND g.source_ip NOT IN ('127.0.0.1', '::1')
                     ORDER BY g.ts_us DESC LIMIT 1)
                END AS logon_event,
                CASE WHEN r.child_us IS NOT NULL THEN
                    (SELECT v.event_id FROM service_installs AS v
                     WHERE v.host_id = r.host_id AND v.ts_us >= r.child_us - :service_before AND v.ts_us <= r.child_us + :service_after
                       AND v.image_path IS NOT NULL AND hunt_command_key(v.image_path) IN (r.cmd_key, r.exe_key)
                     ORDER BY v.ts_us DESC, v.event_code = 13 LIMIT 1)
                END AS service_event
            FROM r
        ),
        side AS MATERIALIZED (
            SELECT p.*, g.ts_us AS logon_us, g.user_name AS logon_user, g.user_domain AS logon_domain, g.logon_id,
                g.logon_type, g.source_ip AS logon_ip,
                (SELECT s.string_id FROM strings AS s WHERE s.value = coalesce(p.sip, g.source_ip)) AS xip_ref,
                coalesce(p.sport, g.source_port) AS xport,
                coalesce(p.conn_us, g.ts_us) AS xanchor,
                CASE WHEN p.dip IS NOT NULL THEN coalesce((SELECT s.string_id FROM strings AS s WHERE s.value = p.dip), -1) END AS dip_ref
            FROM picked AS p LEFT JOIN logons AS g ON g.event_id = p.logon_event
        ),
        sourced AS MATERIALIZED (
            SELECT s.*,
                CASE WHEN s.xport IS NOT NULL AND s.xip_ref IS NOT NULL THEN
                    (SELECT c.event_id FROM (
                        SELECT e.event_id, e.ts_precision_us AS precision_us, abs(e.ts_us - s.xanchor) AS distance_us
                        FROM network_rows AS e
                        WHERE e.source_port = s.xport AND e.source_ip_ref = s.xip_ref
                          AND e.ts_us >= s.xanchor - :clock_tolerance AND e.ts_us <= s.xanchor + :clock_tolerance
                          AND e.host_id <> s.host_id
                          AND (e.direction_ref IS NULL OR e.direction_ref = (SELECT string_id FROM strings WHERE value = 'outgoing'))
                          AND (s.dip_ref IS NULL OR e.destination_ip_ref = s.dip_ref) AND (s.dport IS NULL OR e.destination_port = s.dport)
                     ) AS c ORDER BY c.precision_us, c.distance_us, c.event_id LIMIT 1)
                END AS source_event
            FROM side AS s
        ),
        source_rows AS MATERIALIZED (
            SELECT s.*, e.host_id AS src_host_id, e.ts_us AS src_us,
                -- Sysmon 3 sometimes lacks the pid (NXLog exports): the same connection's other
                -- record on that host (Security 5156) gives it.
                CASE WHEN e.pid IS NULL AND e.event_id IS NOT NULL THEN
                    (SELECT max(o.pid) FROM network_rows AS o
                     WHERE o.source_port = s.xport AND o.source_ip_ref = s.xip_ref AND o.host_id = e.host_id
                       AND o.ts_us >= s.xanchor - :clock_tolerance AND o.ts_us <= s.xanchor + :clock_tolerance)
                ELSE e.pid END AS src_pid,
                (SELECT c.entity_id FROM network_connections AS c WHERE c.event_id = s.source_event) AS src_entity_id,
                (SELECT c.executable FROM network_connections AS c WHERE c.event_id = s.source_event) AS src_executable
            FROM sourced AS s LEFT JOIN network_rows AS e ON e.event_id = s.source_event
        )
        SELECT s.n, s.logon_user, s.logon_domain, s.logon_id, s.logon_type, s.logon_us, s.logon_ip,
            v.service_name, v.image_path, v.ts_us,
            h.name, s.src_entity_id, s.src_executable,
            coalesce(
                (SELECT p.command_line FROM processes AS p WHERE p.host_id = s.src_host_id AND p.entity_id = s.src_entity_id
                 ORDER BY +p.ts_us LIMIT 1),
                (SELECT x.command_line FROM (
                    SELECT c.command_line, abs(c.ts_us - s.src_us) AS distance_us, c.event_id FROM command_line_evidence AS c
                    WHERE c.host_id = s.src_host_id AND c.pid = s.src_pid
                      AND c.ts_us >= s.src_us - :evidence_window AND c.ts_us <= s.src_us + :evidence_window
                 ) AS x ORDER BY x.distance_us, x.event_id LIMIT 1)),
            s.src_us - s.xanchor
        FROM source_rows AS s
        LEFT JOIN service_installs AS v ON v.event_id = s.service_event
        LEFT JOIN hosts AS h ON h.host_id = s.src_host_id
        """
}

private extension Statement {
    func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }
}
