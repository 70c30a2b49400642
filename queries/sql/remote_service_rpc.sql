-- id: remote_service_rpc
-- name: Remotely Started Services via RPC
-- severity: medium
-- attack: T1021, T1569.002
-- description: An incoming TCP connection between high ports (from a non-loopback address) to services.exe, followed within the window on the same host by a process that this services.exe started. One alert per child, paired with the latest qualifying connection before it.
-- param: min_port INTEGER = 49152 -- lowest source and destination port of the connection
-- param: window_ms INTEGER = 1000 -- longest time from the connection to the child start (inclusive; widened by the events' time precision)
-- param: since TIME = NULL -- only children started at or after this time
-- param: until TIME = NULL -- only children started before this time
-- param: host TEXT = NULL -- only this host (name, short name or host id; case-insensitive)
-- param: allowlisted_executables TEXT = NULL -- filled by the engine: the allowlist entries that name only the executable (README: Allowlist)
-- param: host_parts INTEGER = NULL -- filled by the engine when it runs the rule in parts (--threads): how many
-- param: host_part INTEGER = NULL -- filled by the engine: this part, which keeps the hosts with host_id % host_parts = host_part
-- split: hosts by time, child_event_id -- every step pairs events of one host; the parts are merged in the ORDER BY below
-- needs: process
-- needs: network
-- needs: network name=services.exe direction=incoming -- the common public Sysmon configurations do not log them
-- needs: logon -- Security 4624 (audit logon), for the logon_* context
-- needs: service -- System 7045, Security 4697 or Sysmon 13 ImagePath sets, for the service_* context
-- context: remote_service -- logon_*, service_*, source_* columns (README: Alert context)
-- column: network_time TIME -- when the connection to services.exe was made
-- column: process_time TIME -- when the child process started
-- column: delta_ms INTEGER -- milliseconds from the connection to the child start
-- column: source_ip TEXT -- the connection's source address
-- column: source_port INTEGER -- the connection's source port
-- column: destination_ip TEXT -- the connection's destination address (this host)
-- column: destination_port INTEGER -- the connection's destination port
-- column: services_entity_id TEXT -- the services.exe process entity (Sysmon ProcessGuid)
-- column: services_pid INTEGER -- the services.exe process id
-- column: child_entity_id TEXT -- the started process's entity (pivot: hunt query run process_tree)
-- column: child_pid INTEGER -- the started process's id
-- column: child_executable TEXT -- the started process's executable
-- column: child_command_line TEXT -- the started process's command line
-- column: child_user TEXT -- DOMAIN\user the started process runs as
-- column: connections_in_window INTEGER -- qualifying connections of that services.exe in [child - window, child]
-- column: network_source TEXT -- file:record of the network event
-- column: process_source TEXT -- file:record of the process event
-- column: child_args ARGS hidden -- the started process's arguments (allowlist args=)
-- column: parent_executable TEXT hidden -- the parent's executable (allowlist parent_executable=)
-- column: time TIME hidden -- the alert's time: the child start, else the connection
-- column: source TEXT hidden -- the connection's source as address:port ([address]:port for IPv6)
-- table: rule_id, severity, host, time, delta_ms, source, services_entity_id, child_entity_id, child_executable, child_command_line, connections_in_window
--
-- Reads the compact tables (m0009): entities, names and the other texts compared as dictionary ids
-- (each constant looked up once), the alert's texts from the views at the end.
-- Driven from the services.exe children (index processes_by_parent_name). Only the connections in
-- the children's windows are read, each once: overlapping windows of one services.exe entity are
-- joined into one time range. Children and those connections are then swept once in time order
-- per entity: a sliding window counts the qualifying connections in [child - window, child] and
-- its maximum gives the latest one. No pair is ever enumerated, so the cost is linear in those
-- events however many connections and children share one second (20,000 connections and 2,000
-- children in one second: 0.15 s, where enumerating the pairs took 78 s).
--
-- The allowlist's entries that name only the executable (:allowlisted_executables, bound by the
-- engine unless suppressed alerts are listed) apply here, before pairing: matched once per
-- distinct executable (hunt_allowlisted: the allowlist's own matching), their children are
-- only checked for a qualifying connection in their window (what makes an alert) and counted,
-- in one row whose allowlisted_count is how many alerts the allowlist suppressed. They are
-- never paired nor read through the views. Every other entry applies in Swift to the alerts.
--
-- Times are honest about their precision (ts_precision_us, p): a time t means "in [t, t + p)",
-- so a connection A and a child B pair when their true times can be at most the window apart:
-- A - (p - 1) <= B <= A + window + (p - 1), where p is the precision of the events of that
-- process entity (one entity's events come from one log, so they share it; taking it from the
-- event at hand keeps every range an index seek). For µs times that is A <= B <= A + window, as
-- always; for ms times on the ms grid it selects the same pairs; for NXLog's whole seconds a
-- child in the connection's own second pairs, and with the default 1 s window one in the next
-- second too. The sweep's frame is widened the same way per precision class (µs, ms, s).
WITH all_children AS (
    SELECT p.event_id, p.host_id, p.parent_entity_ref AS parent_entity_id, p.ts_us, p.ts_precision_us, p.executable_ref
    FROM process_rows AS p
    WHERE p.parent_name_ref IN (SELECT name_ref FROM names WHERE value = 'services.exe')
      AND p.parent_entity_ref IS NOT NULL
      AND (:since IS NULL OR p.ts_us >= :since)
      AND (:until IS NULL OR p.ts_us < :until)
      AND (:host_parts IS NULL OR p.host_id % :host_parts = :host_part)
      AND (:host IS NULL OR p.host_id IN (
            SELECT host_id FROM hosts
            WHERE name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host)))
),
allowlisted_executables AS MATERIALIZED (
    SELECT ref FROM (SELECT DISTINCT executable_ref AS ref FROM all_children)
    WHERE hunt_allowlisted(:allowlisted_executables, (SELECT value FROM strings WHERE string_id = ref))
),
candidates AS MATERIALIZED (
    -- Only children with a qualifying connection in their window (an index seek each).
    SELECT k.*, EXISTS (SELECT 1 FROM allowlisted_executables AS x WHERE x.ref = k.executable_ref) AS allowlisted
    FROM all_children AS k
    WHERE EXISTS (
      SELECT 1 FROM network_rows AS n
      WHERE n.host_id = k.host_id AND n.entity_ref = k.parent_entity_id
        AND n.ts_us BETWEEN k.ts_us - :window_ms * 1000 - (k.ts_precision_us - 1) AND k.ts_us + k.ts_precision_us - 1
      AND n.name_ref IN (SELECT name_ref FROM names WHERE value = 'services.exe')
      AND n.direction_ref = (SELECT string_id FROM strings WHERE value = 'incoming')
      AND n.transport_ref = (SELECT string_id FROM strings WHERE value = 'tcp')
      AND n.source_port >= :min_port
      AND n.destination_port >= :min_port
      AND (SELECT ip.value NOT LIKE '127.%' AND ip.value <> '::1' AND ip.value NOT LIKE '::ffff:127.%'
           FROM strings AS ip WHERE ip.string_id = n.source_ip_ref)
    )
),
children AS MATERIALIZED (
    SELECT event_id, host_id, parent_entity_id, ts_us, ts_precision_us FROM candidates WHERE NOT allowlisted
),
child_windows AS (
    -- Each child's window, and the furthest end of the windows before it on its entity.
    -- Both window functions below order by (start, child): the same total order, so each
    -- child is judged against the same earlier windows that number its range.
    SELECT host_id, parent_entity_id AS entity_id, event_id,
           ts_us - :window_ms * 1000 - (ts_precision_us - 1) AS first_us, ts_us + ts_precision_us - 1 AS last_us,
           max(ts_us + ts_precision_us - 1) OVER (PARTITION BY host_id, parent_entity_id
                                                  ORDER BY ts_us - :window_ms * 1000 - (ts_precision_us - 1), event_id
                                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS reached_us
    FROM children
),
islands AS (
    -- Overlapping windows joined into one time range: a window that starts past every earlier
    -- one's end opens a new range.
    SELECT host_id, entity_id, first_us, last_us,
           sum(CASE WHEN reached_us IS NULL OR first_us > reached_us THEN 1 ELSE 0 END)
               OVER (PARTITION BY host_id, entity_id ORDER BY first_us, event_id ROWS UNBOUNDED PRECEDING) AS island
    FROM child_windows
),
parents AS (
    -- Disjoint ranges each inside the union of the windows: every connection read lies in some
    -- child's window, and each is read once however many windows hold it.
    SELECT host_id, entity_id, min(first_us) AS first_us, max(last_us) AS last_us
    FROM islands
    GROUP BY host_id, entity_id, island
),
step_a AS (
    SELECT n.event_id, n.host_id, n.entity_ref AS entity_id, n.ts_us, n.ts_precision_us
    FROM parents AS e
    -- CROSS JOIN fixes the loop order in SQLite: ranges outside, their connections looked up inside.
    CROSS JOIN network_rows AS n
      ON n.host_id = e.host_id
     AND n.entity_ref = e.entity_id
     AND n.ts_us BETWEEN e.first_us AND e.last_us
    WHERE n.name_ref IN (SELECT name_ref FROM names WHERE value = 'services.exe')
      AND n.direction_ref = (SELECT string_id FROM strings WHERE value = 'incoming')
      AND n.transport_ref = (SELECT string_id FROM strings WHERE value = 'tcp')
      AND n.source_port >= :min_port
      AND n.destination_port >= :min_port
      AND (SELECT ip.value NOT LIKE '127.%' AND ip.value <> '::1' AND ip.value NOT LIKE '::ffff:127.%'
           FROM strings AS ip WHERE ip.string_id = n.source_ip_ref)
),
timeline AS MATERIALIZED (
    SELECT k.host_id, k.parent_entity_id AS entity_id, k.ts_us, k.ts_precision_us, k.event_id, 1 AS is_child FROM children AS k
    UNION ALL
    SELECT a.host_id, a.entity_id, a.ts_us, a.ts_precision_us, a.event_id, 0 AS is_child FROM step_a AS a
),
swept AS (
    -- One sweep per precision class (µs, ms, s), each row in exactly one.
    SELECT t.host_id, t.entity_id, t.event_id, t.is_child,
        sum(1 - t.is_child) OVER window_before AS connections_in_window,
        max(CASE WHEN t.is_child = 0 THEN t.ts_us END) OVER window_before AS latest_us
    FROM timeline AS t
    WHERE t.ts_precision_us <= 1
    WINDOW window_before AS (PARTITION BY t.host_id, t.entity_id ORDER BY t.ts_us
                             RANGE BETWEEN :window_ms * 1000 PRECEDING AND CURRENT ROW)
    UNION ALL
    SELECT t.host_id, t.entity_id, t.event_id, t.is_child,
        sum(1 - t.is_child) OVER window_before,
        max(CASE WHEN t.is_child = 0 THEN t.ts_us END) OVER window_before
    FROM timeline AS t
    WHERE t.ts_precision_us > 1 AND t.ts_precision_us <= 1000
    WINDOW window_before AS (PARTITION BY t.host_id, t.entity_id ORDER BY t.ts_us
                             RANGE BETWEEN :window_ms * 1000 + 999 PRECEDING AND 999 FOLLOWING)
    UNION ALL
    SELECT t.host_id, t.entity_id, t.event_id, t.is_child,
        sum(1 - t.is_child) OVER window_before,
        max(CASE WHEN t.is_child = 0 THEN t.ts_us END) OVER window_before
    FROM timeline AS t
    WHERE t.ts_precision_us > 1000
    WINDOW window_before AS (PARTITION BY t.host_id, t.entity_id ORDER BY t.ts_us
                             RANGE BETWEEN :window_ms * 1000 + 999999 PRECEDING AND 999999 FOLLOWING)
),
paired AS MATERIALIZED (
    SELECT
        s.event_id AS child_event_id,
        (SELECT a.event_id FROM step_a AS a
         WHERE a.host_id = s.host_id AND a.entity_id = s.entity_id AND a.ts_us = s.latest_us
         ORDER BY a.event_id DESC LIMIT 1) AS network_event_id,
        s.connections_in_window
    FROM swept AS s
    WHERE s.is_child = 1 AND s.connections_in_window > 0
)
SELECT
    h.name AS host,
    n.ts_us AS network_time,
    c.ts_us AS process_time,
    (c.ts_us - n.ts_us) / 1000 AS delta_ms,
    n.source_ip,
    n.source_port,
    n.destination_ip,
    n.destination_port,
    n.entity_id AS services_entity_id,
    n.pid AS services_pid,
    c.entity_id AS child_entity_id,
    c.pid AS child_pid,
    c.executable AS child_executable,
    c.command_line AS child_command_line,
    CASE WHEN c.user_domain IS NULL THEN c.user_name ELSE c.user_domain || '\' || c.user_name END AS child_user,
    pr.connections_in_window,
    ns.path || ':' || n.source_record AS network_source,
    cs.path || ':' || c.source_record AS process_source,
    c.args AS child_args,
    c.parent_executable,
    c.ts_us AS time,
    CASE
        WHEN n.source_ip IS NULL THEN NULL
        WHEN instr(n.source_ip, ':') > 0 THEN '[' || n.source_ip || ']:' || coalesce(n.source_port, '')
        ELSE n.source_ip || ':' || coalesce(n.source_port, '')
    END AS source,
    c.event_id AS child_event_id,
    NULL AS allowlisted_count
FROM paired AS pr
JOIN processes AS c ON c.event_id = pr.child_event_id
JOIN network_connections AS n ON n.event_id = pr.network_event_id
JOIN hosts AS h ON h.host_id = c.host_id
JOIN sources AS cs ON cs.source_id = c.source_id
JOIN sources AS ns ON ns.source_id = n.source_id
UNION ALL
SELECT NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
       NULL, NULL, NULL, NULL, NULL, count(*)
FROM candidates WHERE allowlisted
HAVING count(*) > 0
ORDER BY time, child_event_id;
