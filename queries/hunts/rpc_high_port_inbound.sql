-- id: rpc_high_port_inbound
-- name: Hosts receiving the most incoming RPC on high ports
-- description: Incoming TCP connections to the dynamic RPC port range (destination port at or above min_port) from non-loopback addresses, per host, busiest first: where remote administration (services, WMI, scheduled tasks, DCOM) is aimed.
-- param: since TIME = NULL -- only connections at or after this time
-- param: until TIME = NULL -- only connections before this time
-- param: min_port INTEGER = 49152 -- lowest destination port counted
-- param: max_rows INTEGER = 20 -- at most this many hosts
SELECT
    h.name AS host,
    count(*) AS connections,
    count(DISTINCT n.source_ip) AS source_ips,
    sum(n.name = 'services.exe') AS to_services,
    group_concat(DISTINCT n.name) AS receiving_processes,
    min(n.ts_us) AS first_ts_us,
    max(n.ts_us) AS last_ts_us
FROM network_connections AS n
JOIN hosts AS h ON h.host_id = n.host_id
WHERE n.direction = 'incoming'
  AND n.transport = 'tcp'
  AND n.destination_port >= :min_port
  AND n.source_ip NOT LIKE '127.%'
  AND n.source_ip <> '::1'
  AND n.source_ip NOT LIKE '::ffff:127.%'
  AND (:since IS NULL OR n.ts_us >= :since)
  AND (:until IS NULL OR n.ts_us < :until)
GROUP BY n.host_id
ORDER BY connections DESC, h.name
LIMIT :max_rows;
