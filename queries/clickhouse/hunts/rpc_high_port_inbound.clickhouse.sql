-- ClickHouse text of the saved hunt rpc_high_port_inbound (queries/hunts/rpc_high_port_inbound.sql declares it).
-- 18.16 takes only constants in LIMIT: the first max_rows rows of the ordered result are kept by number.
SELECT *
FROM (
SELECT
    any(host) AS host,
    count() AS connections,
    uniqExact(source_ip) AS source_ips,
    countIf(lower(name) = 'services.exe') AS to_services,
    arrayStringConcat(groupUniqArray(name), ',') AS receiving_processes,
    min(ts_us) AS first_ts_us,
    max(ts_us) AS last_ts_us
FROM network_connections FINAL
WHERE direction = 'incoming'
  AND transport = 'tcp'
  AND destination_port >= {min_port:Int64}
  AND NOT (source_ip LIKE '127.%' OR source_ip = '::1' OR source_ip LIKE '::ffff:127.%')
  AND ts_us >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807))
  AND ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
GROUP BY host_id
ORDER BY connections DESC, host
)
WHERE rowNumberInAllBlocks() < {max_rows:Int64}
