-- ClickHouse text of the saved hunt host_timeline (queries/hunts/host_timeline.sql declares it).
SELECT
    ts_us,
    intDiv(ts_us - {at:Int64}, 1000) AS offset_ms,
    host,
    kind,
    pid,
    entity_id,
    executable,
    detail
FROM (
    SELECT ts_us, host, host_id, 'process' AS kind, pid, entity_id, executable, command_line AS detail, source_id, source_record
    FROM processes FINAL
    UNION ALL
    SELECT ts_us, host, host_id, 'network' AS kind, pid, entity_id, executable,
        concat(ifNull(direction, ''), ' ', ifNull(transport, ''), ' ', ifNull(source_ip, ''), ':', ifNull(toString(source_port), ''),
               ' -> ', ifNull(destination_ip, ''), ':', ifNull(toString(destination_port), '')) AS detail, source_id, source_record
    FROM network_connections FINAL
)
WHERE (lower(host) = lower({host:String})
       OR startsWith(lower(host), concat(lower({host:String}), '.'))
       OR host_id GLOBAL IN (SELECT host_id FROM hosts WHERE host_key = concat('id:', lower({host:String}))))
  AND ts_us >= {at:Int64} - {minutes:Int64} * 60000000
  AND ts_us <= {at:Int64} + {minutes:Int64} * 60000000
ORDER BY ts_us, kind DESC, source_id, source_record
