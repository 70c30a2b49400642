-- id: process_connections
-- name: Network connections of one process entity
-- description: Every network connection logged for one process entity, oldest first.
-- param: entity_id TEXT -- the process entity id (Sysmon ProcessGuid; braces and case do not matter)
-- param: host TEXT = NULL -- only this host (name, short name or host id)
SELECT
    h.name AS host,
    n.ts_us,
    n.direction,
    n.transport,
    n.source_ip,
    n.source_port,
    n.destination_ip,
    n.destination_port,
    n.destination_hostname,
    n.pid,
    n.executable
FROM network_connections AS n
JOIN hosts AS h ON h.host_id = n.host_id
WHERE n.host_id IN (
        SELECT host_id FROM hosts
        WHERE :host IS NULL OR name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host))
  AND n.entity_id IN (:entity_id, lower(trim(:entity_id, '{}')))
ORDER BY n.ts_us, n.event_id;
