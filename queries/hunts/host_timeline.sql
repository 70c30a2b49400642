-- id: host_timeline
-- name: Timeline of one host around a time
-- description: Process starts and network connections on one host from N minutes before to N minutes after a moment, oldest first; offset_ms is the distance to that moment.
-- param: host TEXT -- the host (name, short name or host id; case-insensitive)
-- param: at TIME -- the moment to center on (ISO-8601 like 2026-11-01T10:00:00Z, or relative like 2h)
-- param: minutes INTEGER = 5 -- minutes before and after the moment
WITH target_hosts AS (
    SELECT host_id
    FROM hosts
    WHERE name = :host COLLATE NOCASE OR substr(name, 1, length(:host) + 1) = :host || '.' COLLATE NOCASE OR host_key = 'id:' || lower(:host)
),
events AS (
    SELECT p.event_id, p.host_id, p.ts_us, 'process' AS kind, p.pid, p.entity_id, p.executable,
        p.command_line AS detail
    FROM processes AS p
    WHERE p.host_id IN (SELECT host_id FROM target_hosts)
      AND p.ts_us BETWEEN :at - :minutes * 60000000 AND :at + :minutes * 60000000
    UNION ALL
    SELECT n.event_id, n.host_id, n.ts_us, 'network' AS kind, n.pid, n.entity_id, n.executable,
        printf('%s %s %s:%s -> %s:%s', n.direction, n.transport, n.source_ip, n.source_port,
               n.destination_ip, n.destination_port) AS detail
    FROM network_connections AS n
    WHERE n.host_id IN (SELECT host_id FROM target_hosts)
      AND n.ts_us BETWEEN :at - :minutes * 60000000 AND :at + :minutes * 60000000
)
SELECT
    e.ts_us,
    (e.ts_us - :at) / 1000 AS offset_ms,
    h.name AS host,
    e.kind,
    e.pid,
    e.entity_id,
    e.executable,
    e.detail
FROM events AS e
JOIN hosts AS h ON h.host_id = e.host_id
ORDER BY e.ts_us, e.kind DESC, e.event_id;
