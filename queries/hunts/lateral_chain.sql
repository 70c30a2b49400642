-- id: lateral_chain
-- name: Lateral movement chains across hosts
-- description: Follows remote service starts from host to host: a process on host A connects to services.exe on host B, which starts a child within the window; from B, a process connects on to C, and so on. One row per hop, chains numbered; a chain starts at a hop whose source host was not itself reached by an earlier hop in the range. The two sides of a connection are matched by addresses and ports within the clock tolerance (hosts' clocks differ), and clock_offset_ms reports the difference found.
-- param: since TIME = NULL -- only hops whose child started at or after this time
-- param: until TIME = NULL -- only hops whose child started before this time
-- param: window_ms INTEGER = 2000 -- longest time from the connection to the child start
-- param: clock_ms INTEGER = 300000 -- how far apart two hosts' clocks may be
-- param: max_hops INTEGER = 10 -- longest chain followed
WITH RECURSIVE
hops AS (
    SELECT c.event_id AS hop_id, sn.host_id AS source_host_id, c.host_id AS target_host_id,
        sn.entity_id AS source_entity_id, sn.executable AS source_executable,
        n.ts_us AS connection_us, c.ts_us AS child_us, c.entity_id AS child_entity_id, c.executable AS child_executable,
        c.command_line AS child_command_line, n.source_ip, n.source_port, n.destination_ip, n.destination_port,
        sn.ts_us - n.ts_us AS offset_us
    FROM processes AS c
    JOIN network_connections AS n
      ON n.host_id = c.host_id AND n.entity_id = c.parent_entity_id AND n.direction = 'incoming'
     AND n.ts_us <= c.ts_us AND n.ts_us >= c.ts_us - :window_ms * 1000 - c.ts_precision_us
    JOIN network_connections AS sn
      ON sn.destination_ip = n.destination_ip AND sn.destination_port = n.destination_port
     AND sn.source_ip = n.source_ip AND sn.source_port = n.source_port
     AND sn.host_id <> n.host_id AND (sn.direction IS NULL OR sn.direction = 'outgoing')
     AND sn.ts_us BETWEEN n.ts_us - :clock_ms * 1000 AND n.ts_us + :clock_ms * 1000
    WHERE c.parent_name = 'services.exe'
      AND (:since IS NULL OR c.ts_us >= :since)
      AND (:until IS NULL OR c.ts_us < :until)
),
chain (chain_id, hop, hop_id, target_host_id, child_us) AS (
    SELECT h.hop_id, 1, h.hop_id, h.target_host_id, h.child_us
    FROM hops AS h
    WHERE NOT EXISTS (SELECT 1 FROM hops AS earlier
                      WHERE earlier.target_host_id = h.source_host_id AND earlier.child_us <= h.connection_us + :clock_ms * 1000
                        AND earlier.hop_id <> h.hop_id)
    UNION ALL
    SELECT ch.chain_id, ch.hop + 1, nx.hop_id, nx.target_host_id, nx.child_us
    FROM chain AS ch
    JOIN hops AS nx ON nx.source_host_id = ch.target_host_id AND nx.connection_us + :clock_ms * 1000 >= ch.child_us
                   AND nx.hop_id <> ch.hop_id
    WHERE ch.hop < :max_hops
)
SELECT
    dense_rank() OVER (ORDER BY first.child_us, ch.chain_id) AS chain,
    ch.hop,
    sh.name AS source_host,
    h.source_entity_id,
    h.source_executable,
    (SELECT p.command_line FROM processes AS p WHERE p.host_id = h.source_host_id AND p.entity_id = h.source_entity_id
     ORDER BY +p.ts_us LIMIT 1) AS source_command_line,
    h.source_ip || ':' || h.source_port AS source,
    th.name AS target_host,
    h.destination_ip || ':' || h.destination_port AS destination,
    h.connection_us AS connection_ts_us,
    h.child_us AS child_ts_us,
    h.child_entity_id,
    h.child_executable,
    h.child_command_line,
    (h.offset_us + (CASE WHEN h.offset_us >= 0 THEN 500 ELSE -500 END)) / 1000 AS clock_offset_ms
FROM chain AS ch
JOIN hops AS h ON h.hop_id = ch.hop_id
JOIN hops AS first ON first.hop_id = ch.chain_id
JOIN hosts AS sh ON sh.host_id = h.source_host_id
JOIN hosts AS th ON th.host_id = h.target_host_id
ORDER BY chain, ch.hop;
