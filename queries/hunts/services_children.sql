-- id: services_children
-- name: Children of services.exe per host
-- description: Every process started by services.exe (service binaries, PsExec-style remote services), by host then time.
-- param: since TIME = NULL -- only children started at or after this time
-- param: until TIME = NULL -- only children started before this time
-- param: host TEXT = NULL -- only this host (name, short name or host id)
SELECT
    h.name AS host,
    p.ts_us,
    p.pid,
    p.entity_id,
    p.executable,
    p.command_line,
    CASE WHEN p.user_domain IS NULL THEN p.user_name ELSE p.user_domain || '\' || p.user_name END AS user,
    p.parent_pid AS services_pid
FROM processes AS p
JOIN hosts AS h ON h.host_id = p.host_id
WHERE p.parent_name = 'services.exe'
  AND (:since IS NULL OR p.ts_us >= :since)
  AND (:until IS NULL OR p.ts_us < :until)
  AND (:host IS NULL OR p.host_id IN (
        SELECT host_id FROM hosts
        WHERE name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host)))
ORDER BY h.name COLLATE NOCASE, p.ts_us, p.event_id;
