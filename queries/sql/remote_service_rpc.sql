-- id: remote_service_rpc
-- name: Remotely Started Services via RPC
-- severity: medium
-- attack: T1021, T1569.002
-- description: An incoming TCP connection between high ports (from a non-loopback address) to services.exe, followed within the window on the same host by a process that this services.exe started. One alert per child, paired with the latest qualifying connection before it.
-- param: min_port INTEGER = 49152 -- lowest source and destination port of the connection
-- param: window_ms INTEGER = 1000 -- longest time from the connection to the child start (inclusive)
-- param: since TIME = NULL -- only children started at or after this time
-- param: until TIME = NULL -- only children started before this time
-- param: host TEXT = NULL -- only this host (name, short name or host id; case-insensitive)
-- needs: process
-- needs: network
-- needs: network name=services.exe direction=incoming -- the common public Sysmon configurations do not log them
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
-- table: rule_id, severity, host, time, delta_ms, source, child_executable, child_command_line, connections_in_window
--
-- Driven from the services.exe children (index processes_by_parent_name); each child meets only
-- the qualifying connections of its parent entity in [child - window, child] through an index on
-- network_connections, so the cost follows the number of services.exe children, not of events.
WITH children AS (
    SELECT p.event_id, p.host_id, p.parent_entity_id, p.ts_us
    FROM processes AS p
    WHERE p.parent_name = 'services.exe'
      AND p.parent_entity_id IS NOT NULL
      AND (:since IS NULL OR p.ts_us >= :since)
      AND (:until IS NULL OR p.ts_us < :until)
      AND (:host IS NULL OR p.host_id IN (
            SELECT host_id FROM hosts
            WHERE name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host)))
),
step_a AS (
    SELECT n.event_id, n.host_id, n.entity_id, n.ts_us
    FROM network_connections AS n
    WHERE n.name = 'services.exe'
      AND n.direction = 'incoming'
      AND n.transport = 'tcp'
      AND n.source_port >= :min_port
      AND n.destination_port >= :min_port
      AND n.source_ip NOT LIKE '127.%'
      AND n.source_ip <> '::1'
      AND n.source_ip NOT LIKE '::ffff:127.%'
),
paired AS (
    SELECT
        c.event_id AS child_event_id,
        a.event_id AS network_event_id,
        row_number() OVER (PARTITION BY c.event_id ORDER BY a.ts_us DESC, a.event_id DESC) AS recency,
        count(*) OVER (PARTITION BY c.event_id) AS connections_in_window
    FROM children AS c
    -- CROSS JOIN fixes the loop order in SQLite: children outside, connections looked up inside.
    CROSS JOIN step_a AS a
      ON a.host_id = c.host_id
     AND a.entity_id = c.parent_entity_id
     AND a.ts_us BETWEEN c.ts_us - :window_ms * 1000 AND c.ts_us
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
    END AS source
FROM paired AS pr
JOIN processes AS c ON c.event_id = pr.child_event_id
JOIN network_connections AS n ON n.event_id = pr.network_event_id
JOIN hosts AS h ON h.host_id = c.host_id
JOIN sources AS cs ON cs.source_id = c.source_id
JOIN sources AS ns ON ns.source_id = n.source_id
WHERE pr.recency = 1
ORDER BY c.ts_us, c.event_id;
