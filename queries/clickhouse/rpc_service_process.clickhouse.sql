-- ClickHouse text of rpc_service_process (queries/sql/rpc_service_process.sql declares the rule:
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
    NULL AS network_time,
    process_time,
    NULL AS delta_ms,
    NULL AS source_ip,
    NULL AS source_port,
    NULL AS destination_ip,
    NULL AS destination_port,
    services_entity_id,
    services_pid,
    child_entity_id,
    child_pid,
    child_executable,
    child_command_line,
    child_user,
    NULL AS connections_in_window,
    NULL AS network_source,
    concat(path, ':', toString(source_record)) AS process_source,
    child_args,
    parent_executable,
    process_time AS time,
    NULL AS source
FROM (
    SELECT
        host,
        ts_us AS process_time,
        parent_entity_id AS services_entity_id,
        parent_pid AS services_pid,
        entity_id AS child_entity_id,
        pid AS child_pid,
        executable AS child_executable,
        command_line AS child_command_line,
        if(isNull(user_domain), user_name, concat(user_domain, '\\', user_name)) AS child_user,
        args AS child_args,
        parent_executable,
        source_id,
        source_record
    FROM processes
    WHERE lower(parent_name) = 'services.exe'
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
WHERE process_time >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807)) AND process_time < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
ORDER BY process_time, source_id, source_record
