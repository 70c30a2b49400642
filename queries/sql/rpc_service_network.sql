-- id: rpc_service_network
-- name: Remotely Started Services via RPC - Network Connection
-- severity: low
-- attack: T1021, T1569.002
-- description: An incoming TCP connection between high ports from a non-loopback address to services.exe: the network half of remote_service_rpc.
-- param: min_port INTEGER = 49152 -- lowest source and destination port of the connection
-- param: since TIME = NULL -- only connections at or after this time
-- param: until TIME = NULL -- only connections before this time
-- param: host TEXT = NULL -- only this host (name, short name or host id; case-insensitive)
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
SELECT
    h.name AS host,
    n.ts_us AS network_time,
    NULL AS process_time,
    NULL AS delta_ms,
    n.source_ip,
    n.source_port,
    n.destination_ip,
    n.destination_port,
    n.entity_id AS services_entity_id,
    n.pid AS services_pid,
    NULL AS child_entity_id,
    NULL AS child_pid,
    NULL AS child_executable,
    NULL AS child_command_line,
    NULL AS child_user,
    NULL AS connections_in_window,
    ns.path || ':' || n.source_record AS network_source,
    NULL AS process_source,
    NULL AS child_args,
    NULL AS parent_executable,
    n.ts_us AS time,
    CASE
        WHEN instr(n.source_ip, ':') > 0 THEN '[' || n.source_ip || ']:' || coalesce(n.source_port, '')
        ELSE n.source_ip || ':' || coalesce(n.source_port, '')
    END AS source
FROM network_connections AS n
JOIN hosts AS h ON h.host_id = n.host_id
JOIN sources AS ns ON ns.source_id = n.source_id
WHERE n.name = 'services.exe'
  AND n.direction = 'incoming'
  AND n.transport = 'tcp'
  AND n.source_port >= :min_port
  AND n.destination_port >= :min_port
  AND n.source_ip NOT LIKE '127.%'
  AND n.source_ip <> '::1'
  AND n.source_ip NOT LIKE '::ffff:127.%'
  AND (:since IS NULL OR n.ts_us >= :since)
  AND (:until IS NULL OR n.ts_us < :until)
  AND (:host IS NULL OR n.host_id IN (
        SELECT host_id FROM hosts
        WHERE name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host)))
ORDER BY n.ts_us, n.event_id;
