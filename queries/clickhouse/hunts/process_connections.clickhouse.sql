-- ClickHouse text of the saved hunt process_connections (queries/hunts/process_connections.sql declares it).
SELECT
    host,
    ts_us,
    direction,
    transport,
    source_ip,
    source_port,
    destination_ip,
    destination_port,
    destination_hostname,
    pid,
    executable
FROM network_connections FINAL
WHERE ({host:Nullable(String)} IS NULL OR lower(host) = lower({host:Nullable(String)})
       OR startsWith(lower(host), concat(lower(assumeNotNull({host:Nullable(String)})), '.'))
       OR host_id GLOBAL IN (SELECT host_id FROM hosts WHERE host_key = concat('id:', lower(assumeNotNull({host:Nullable(String)})))))
  AND entity_id IN ({entity_id:String}, lower(replaceRegexpAll({entity_id:String}, '^[{]+|[}]+$', '')))
ORDER BY ts_us, source_id, source_record
