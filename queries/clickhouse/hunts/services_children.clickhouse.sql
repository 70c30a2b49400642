-- ClickHouse text of the saved hunt services_children (queries/hunts/services_children.sql declares it).
SELECT
    host,
    ts_us,
    pid,
    entity_id,
    executable,
    command_line,
    if(isNull(user_domain), user_name, concat(user_domain, '\\', user_name)) AS user,
    parent_pid AS services_pid
FROM processes FINAL
WHERE lower(parent_name) = 'services.exe'
  AND ts_us >= ifNull({since:Nullable(Int64)}, toInt64(-9223372036854775807))
  AND ts_us < ifNull({until:Nullable(Int64)}, toInt64(9223372036854775807))
  AND ({host:Nullable(String)} IS NULL OR lower(host) = lower({host:Nullable(String)})
       OR startsWith(lower(host), concat(lower(assumeNotNull({host:Nullable(String)})), '.'))
       OR host_id GLOBAL IN (SELECT host_id FROM hosts WHERE host_key = concat('id:', lower(assumeNotNull({host:Nullable(String)})))))
ORDER BY lower(host), ts_us, source_id, source_record
