-- id: rpc_service_process
-- name: Remotely Started Services via RPC - Process Creation
-- severity: medium
-- attack: T1021, T1569.002
-- description: A process started by services.exe that survives the allowlist: the process half of remote_service_rpc, for fleets that do not log services.exe network events.
-- param: since TIME = NULL -- only processes started at or after this time
-- param: until TIME = NULL -- only processes started before this time
-- param: host TEXT = NULL -- only this host (name, short name or host id; case-insensitive)
SELECT
    h.name AS host,
    c.ts_us AS process_ts_us,
    c.parent_entity_id AS services_entity_id,
    c.parent_pid AS services_pid,
    c.entity_id AS child_entity_id,
    c.pid AS child_pid,
    c.executable AS child_executable,
    c.command_line AS child_command_line,
    c.args AS child_args,
    CASE WHEN c.user_domain IS NULL THEN c.user_name ELSE c.user_domain || '\' || c.user_name END AS child_user,
    c.parent_executable,
    cs.path || ':' || c.source_record AS process_source
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
