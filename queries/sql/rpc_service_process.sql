-- id: rpc_service_process
-- name: Remotely Started Services via RPC - Process Creation
-- severity: medium
-- attack: T1021, T1569.002
-- description: A process started by services.exe that survives the allowlist: the process half of remote_service_rpc, for fleets that do not log services.exe network events.
-- param: since TIME = NULL -- only processes started at or after this time
-- param: until TIME = NULL -- only processes started before this time
-- param: host TEXT = NULL -- only this host (name, short name or host id; case-insensitive)
-- needs: process
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
    NULL AS network_time,
    c.ts_us AS process_time,
    NULL AS delta_ms,
    NULL AS source_ip,
    NULL AS source_port,
    NULL AS destination_ip,
    NULL AS destination_port,
    c.parent_entity_id AS services_entity_id,
    c.parent_pid AS services_pid,
    c.entity_id AS child_entity_id,
    c.pid AS child_pid,
    c.executable AS child_executable,
    c.command_line AS child_command_line,
    CASE WHEN c.user_domain IS NULL THEN c.user_name ELSE c.user_domain || '\' || c.user_name END AS child_user,
    NULL AS connections_in_window,
    NULL AS network_source,
    cs.path || ':' || c.source_record AS process_source,
    c.args AS child_args,
    c.parent_executable,
    c.ts_us AS time,
    NULL AS source
FROM processes AS c
JOIN hosts AS h ON h.host_id = c.host_id
JOIN sources AS cs ON cs.source_id = c.source_id
WHERE c.parent_name = 'services.exe'
  AND (:since IS NULL OR c.ts_us >= :since)
  AND (:until IS NULL OR c.ts_us < :until)
  AND (:host IS NULL OR c.host_id IN (
        SELECT host_id FROM hosts
        WHERE name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host)))
ORDER BY c.ts_us, c.event_id;
