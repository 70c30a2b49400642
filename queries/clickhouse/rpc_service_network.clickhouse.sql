-- ClickHouse text of rpc_service_network (queries/sql/rpc_service_network.sql declares the rule:
-- header, parameters, columns). Same rows as the SQLite text; runs on 18.16 and later.
-- The table is read without FINAL, filtered first (on columns the Security linker never
-- rewrites) and de-duplicated by event id keeping the latest link (`ORDER BY link_version DESC
-- LIMIT 1 BY event_id`, c0006): a copy of an event that a concurrent or killed load wrote, or a
-- row the linker wrote again before a merge, has its event id and passes the same filter. The
-- time range is read through ts_key, which every copy shares, and applied exactly after the
-- pick (a more precise copy of a Security record moves its time within its second, c0007). FINAL merges every part's rows of every column read (at 10M events
-- about 2× the memory and 2.5× the time).
SELECT
    host,
    network_time,
    NULL AS process_time,
    NULL AS delta_ms,
    source_ip,
    source_port,
    destination_ip,
    destination_port,
    services_entity_id,
    services_pid,
    NULL AS child_entity_id,
    NULL AS child_pid,
    NULL AS child_executable,
    NULL AS child_command_line,
    NULL AS child_user,
    NULL AS connections_in_window,
    concat(path, ':', toString(source_record)) AS network_source,
    NULL AS process_source,
    NULL AS child_args,
    NULL AS parent_executable,
    network_time AS time,
    if(position(source_ip, ':') > 0,
       concat('[', source_ip, ']:', ifNull(toString(source_port), '')),
       concat(source_ip, ':', ifNull(toString(source_port), ''))) AS source
FROM (
    SELECT
        host,
        ts_us AS network_time,
        source_ip,
        source_port,
        destination_ip,
        destination_port,
        entity_id AS services_entity_id,
        pid AS services_pid,
        source_id,
        source_record
    FROM network_connections
    WHERE lower(name) = 'services.exe'
      AND direction = 'incoming'
      AND transport = 'tcp'
      AND source_port >= {min_port:Int64}
      AND destination_port >= {min_port:Int64}
      AND NOT (source_ip LIKE '127.%' OR source_ip = '::1' OR source_ip LIKE '::ffff:127.%')
      AND ts_key >= ifNull({since:Nullable(Int64)} - 999999, toInt64(-9223372036854775807))
      AND ts_key < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
      AND ts_us > ifNull({since:Nullable(Int64)} - 1000000, toInt64(-9223372036854775807))
      AND ts_us < ifNull({until:Nullable(Int64)} + 1000000, toInt64(9223372036854775807))
      AND ({host:Nullable(String)} IS NULL OR lower(host) = lower({host:Nullable(String)})
           OR startsWith(lower(host), concat(lower(assumeNotNull({host:Nullable(String)})), '.'))
           OR host_id GLOBAL IN (SELECT host_id FROM hosts WHERE host_key = concat('id:', lower(assumeNotNull({host:Nullable(String)})))))
    ORDER BY link_version DESC
    LIMIT 1 BY event_id
)
ANY LEFT JOIN (SELECT source_id, any(path) AS path FROM sources GROUP BY source_id) USING source_id
-- The time range on the latest copy (a more precise copy may have moved the time, c0007).
WHERE network_time >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807)) AND network_time < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
ORDER BY network_time, source_id, source_record
