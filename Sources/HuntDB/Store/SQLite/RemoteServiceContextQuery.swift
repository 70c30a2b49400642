import Model

/// The SQL behind the alert context of remote-service alerts: one statement per batch of alerts.
///
/// The batch arrives as one bound JSON array (`:requests`, read with `json_each`), so the text
/// is constant and every value is a parameter; each alert's logon, service and source
/// connection are index seeks (`logons_by_source`, `service_installs_by_host_time`,
/// `network_by_source_port`, m0008). The windows are bound too.
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
    /// the most precise then the closest; its process's command line from the process start.
    static let sql = """
        WITH r AS (
            SELECT CAST(j.key AS INTEGER) AS n,
                (SELECT h.host_id FROM hosts AS h WHERE h.name = json_extract(j.value, '$.host') COLLATE NOCASE
                 ORDER BY h.host_id LIMIT 1) AS host_id,
                json_extract(j.value, '$.conn') AS conn_us, json_extract(j.value, '$.sip') AS sip,
                json_extract(j.value, '$.sport') AS sport, json_extract(j.value, '$.dip') AS dip,
                json_extract(j.value, '$.dport') AS dport, json_extract(j.value, '$.child') AS child_us,
                json_extract(j.value, '$.cmd_key') AS cmd_key, json_extract(j.value, '$.exe_key') AS exe_key,
                coalesce(json_extract(j.value, '$.conn'), json_extract(j.value, '$.child')) AS anchor_us
            FROM json_each(:requests) AS j
        ),
        logon_candidates AS (
            SELECT r.n, g.event_id, coalesce(g.source_port = r.sport, 0) AS same_session, g.ts_us
            FROM r JOIN logons AS g
              ON g.host_id = r.host_id AND g.source_ip = r.sip
             AND g.ts_us >= r.anchor_us - :logon_before AND g.ts_us <= r.anchor_us + :logon_after
            WHERE r.sip IS NOT NULL AND g.outcome = 'success' AND g.logon_type IN (3, 10)
            UNION ALL
            SELECT r.n, g.event_id, 0, g.ts_us
            FROM r JOIN logons AS g
              ON g.host_id = r.host_id
             AND g.ts_us >= r.anchor_us - :logon_before AND g.ts_us <= r.anchor_us + :logon_after
            WHERE r.sip IS NULL AND g.outcome = 'success' AND g.logon_type IN (3, 10)
              AND g.source_ip IS NOT NULL AND g.source_ip NOT IN ('127.0.0.1', '::1')
        ),
        logon_pick AS (
            SELECT n, event_id, row_number() OVER (PARTITION BY n ORDER BY same_session DESC, ts_us DESC, event_id) AS rank
            FROM logon_candidates
        ),
        service_pick AS (
            SELECT r.n, v.event_id,
                row_number() OVER (PARTITION BY r.n ORDER BY v.ts_us DESC, v.event_code = 13, v.event_id) AS rank
            FROM r JOIN service_installs AS v
              ON v.host_id = r.host_id AND v.ts_us >= r.child_us - :service_before AND v.ts_us <= r.child_us + :service_after
            WHERE r.child_us IS NOT NULL AND v.image_path IS NOT NULL
              AND hunt_command_key(v.image_path) IN (r.cmd_key, r.exe_key)
        ),
        side AS (
            SELECT r.*, lp.event_id AS logon_event, sp.event_id AS service_event,
                g.ts_us AS logon_us, g.user_name AS logon_user, g.user_domain AS logon_domain, g.logon_id,
                g.logon_type, g.source_ip AS logon_ip,
                coalesce(r.sip, g.source_ip) AS xip, coalesce(r.sport, g.source_port) AS xport,
                coalesce(r.conn_us, g.ts_us) AS xanchor
            FROM r
            LEFT JOIN logon_pick AS lp ON lp.n = r.n AND lp.rank = 1
            LEFT JOIN logons AS g ON g.event_id = lp.event_id
            LEFT JOIN service_pick AS sp ON sp.n = r.n AND sp.rank = 1
        ),
        source_candidates AS (
            SELECT s.n, e.event_id, e.ts_us - s.xanchor AS offset_us, e.ts_precision_us
            FROM side AS s JOIN network_connections AS e
              ON e.source_port = s.xport AND e.source_ip = s.xip
             AND e.ts_us >= s.xanchor - :clock_tolerance AND e.ts_us <= s.xanchor + :clock_tolerance
            WHERE s.xport IS NOT NULL AND e.host_id <> s.host_id AND (e.direction IS NULL OR e.direction = 'outgoing')
              AND (s.dip IS NULL OR e.destination_ip = s.dip) AND (s.dport IS NULL OR e.destination_port = s.dport)
        ),
        source_pick AS (
            SELECT n, event_id, offset_us,
                row_number() OVER (PARTITION BY n ORDER BY ts_precision_us, abs(offset_us), event_id) AS rank
            FROM source_candidates
        )
        SELECT s.n, s.logon_user, s.logon_domain, s.logon_id, s.logon_type, s.logon_us, s.logon_ip,
            v.service_name, v.image_path, v.ts_us,
            h.name, e.entity_id, e.executable,
            (SELECT p.command_line FROM processes AS p WHERE p.host_id = e.host_id AND p.entity_id = e.entity_id
             ORDER BY +p.ts_us LIMIT 1),
            src.offset_us
        FROM side AS s
        LEFT JOIN service_installs AS v ON v.event_id = s.service_event
        LEFT JOIN source_pick AS src ON src.n = s.n AND src.rank = 1
        LEFT JOIN network_connections AS e ON e.event_id = src.event_id
        LEFT JOIN hosts AS h ON h.host_id = e.host_id
        ORDER BY s.n
        """
}

private extension Statement {
    func optionalInt64(_ index: Int32) -> Int64? { isNull(index) ? nil : int64(index) }
}
