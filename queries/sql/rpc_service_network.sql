-- id: rpc_service_network
-- name: Remotely Started Services via RPC - Network Connection
-- severity: low
-- attack: T1021, T1569.002
-- description: An incoming TCP connection between high ports from a non-loopback address to services.exe: the network half of remote_service_rpc.
-- param: min_port INTEGER = 49152 -- lowest source and destination port of the connection
-- param: since TIME = NULL -- only connections at or after this time
-- param: until TIME = NULL -- only connections before this time
-- param: host TEXT = NULL -- only this host (name, short name or host id; case-insensitive)
SELECT
    h.name AS host,
    n.ts_us AS network_ts_us,
    n.source_ip,
    n.source_port,
    n.destination_ip,
    n.destination_port,
    n.entity_id AS services_entity_id,
    n.pid AS services_pid,
    ns.path || ':' || n.source_record AS network_source
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
